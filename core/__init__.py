"""Helpers shared by every app, with no Django app of their own and no import of ours."""

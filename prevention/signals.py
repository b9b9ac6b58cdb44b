"""Hooks for the apps above (observatoire, contrat): prevention never imports them."""

from django.dispatch import Signal

# An alert was closed or expired: the contract's computed indicators may change (kwargs: year).
alert_figures_changed = Signal()

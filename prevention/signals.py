"""Hooks for the apps above (observatoire, contrat): prevention never imports them."""

from django.dispatch import Signal

# A pair of territories turned active (kwargs: pair, a TensionPair).
pair_turned_active = Signal()
# An alert was closed or expired: the contract's computed indicators may change (kwargs: year).
alert_figures_changed = Signal()

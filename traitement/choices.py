"""Vocabularies of case work: closing reasons, event kinds, weekdays."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClosingReason(models.TextChoices):
    RESOLVED = "resolved", _("Résolu")
    NOT_OBSERVED = "not_observed", _("Non constaté")
    OUTSIDE_REMIT = "outside_remit", _("Hors de notre compétence")
    DUPLICATE = "duplicate", _("Doublon")
    REFERRED = "referred", _("Réorienté vers un autre organisme")


class EventKind(models.TextChoices):
    ROUTED = "routed", _("Orientation automatique")
    REROUTED = "rerouted", _("Réorientation")
    TRANSITION = "transition", _("Changement de statut")
    ASSIGNED = "assigned", _("Attribution")
    ANSWER = "answer", _("Réponse au déclarant")
    NOTE = "note", _("Note interne")
    MERGED = "merged", _("Fusion de doublons")
    FOLLOWER = "follower", _("Nouveau suiveur")
    QUALIFIED = "qualified", _("Qualification")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


ALL_DAYS = "0123456"

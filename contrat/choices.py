from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "up", _("Plus haut est mieux")
    LOWER_IS_BETTER = "down", _("Plus bas est mieux")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Mensuelle")
    QUARTERLY = "quarterly", _("Trimestrielle")
    YEARLY = "yearly", _("Annuelle")


class IndicatorSource(models.TextChoices):
    MANUAL = "manual", _("Saisie par le partenaire responsable")
    COMPUTED = "computed", _("Calculé par l'observatoire")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée")


class PriorityStatus(models.TextChoices):
    """Derived, never stored: see contrat.services.priority_status."""

    ON_TRACK = "on_track", _("Dans les temps")
    AT_RISK = "at_risk", _("À surveiller")
    LATE = "late", _("En retard")
    DONE = "done", _("Réalisée")
    NO_DATA = "no_data", _("Sans données")


class ValueKind(models.TextChoices):
    """What the values of an indicator are, hence which values may be entered."""

    COUNT = "count", _("Nombre entier (0 ou plus)")
    QUANTITY = "quantity", _("Nombre décimal (0 ou plus)")
    PERCENT = "percent", _("Pourcentage (de 0 à 100)")

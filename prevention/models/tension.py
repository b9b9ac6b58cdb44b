"""The tension graph: its parameters (data) and the computed state of each pair."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from prevention.choices import PairState
from prevention.models.territories import GroupTerritory


class TensionParameters(models.Model):
    """How events make a pair of territories active (see docs/prevention.md). The row with
    the smallest pk is used; the fixture ships the defaults."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    window_days = models.PositiveSmallIntegerField(
        _("fenêtre (jours)"),
        default=14,
        help_text=_("Une paire est active tant qu'elle compte assez d'événements dans la fenêtre."),
    )
    min_events = models.PositiveSmallIntegerField(_("événements pour activer"), default=2)
    calming_days = models.PositiveSmallIntegerField(
        _("durée de l'apaisement (jours)"),
        default=30,
        help_text=_("Après la fin de l'activité, la paire reste « en apaisement » ce temps-là."),
    )
    # Early warning in the observatory: complaints of these categories in the quartiers of
    # an active pair during the last `warning_days` days.
    warning_categories = models.ManyToManyField(
        "doleances.Category",
        blank=True,
        related_name="+",
        verbose_name=_("catégories de doléances du signal précoce"),
    )
    warning_days = models.PositiveSmallIntegerField(
        _("période du signal précoce (jours)"), default=7
    )

    class Meta:
        verbose_name = _("paramètres du graphe des tensions")
        verbose_name_plural = _("paramètres du graphe des tensions")

    def __str__(self):
        return self.code


class TensionPair(models.Model):
    """State of a pair (first territory has the smaller pk), as last computed."""

    first = models.ForeignKey(GroupTerritory, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(GroupTerritory, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("état"), max_length=12, choices=PairState.choices)
    events = models.PositiveIntegerField(_("événements enregistrés"))
    last_event = models.DateField(_("dernier événement"))
    active_since = models.DateField(_("active depuis"), null=True, blank=True)
    computed_on = models.DateField(_("calculé le"))

    class Meta:
        ordering = ["first", "second"]
        verbose_name = _("paire de territoires")
        verbose_name_plural = _("paires de territoires")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="prevention_pair_unique")
        ]

    def __str__(self):
        return f"{self.first} — {self.second} ({self.get_state_display()})"

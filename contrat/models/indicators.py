"""Indicators of the contract: baseline, yearly targets and values over time.

A value is either entered by the responsible partner (manual source, with who and when) or
computed from the observatory's measures (computed source), refreshed by
`contrat.computed.refresh_computed_values`.
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Partner
from accounts.models.partners import CodeManager
from contrat.choices import Direction, Frequency, IndicatorSource, ValueKind
from contrat.models.contract import Priority
from territory.models import Sector

# Units whose values are naturally decimal (durations, amounts); other units count things.
DECIMAL_UNITS = {"jours", "jour", "heures", "heure", "minutes", "€", "euros", "km", "ratio"}


class Indicator(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("intitulé"), max_length=300)
    unit = models.CharField(_("unité"), max_length=60)
    direction = models.CharField(_("sens"), max_length=4, choices=Direction.choices)
    value_kind = models.CharField(
        _("nature des valeurs"),
        max_length=10,
        choices=ValueKind.choices,
        blank=True,
        help_text=_(
            "Vide : déduite de l'unité (« % » : pourcentage ; « / », jours, heures, euros : "
            "nombre décimal ; sinon nombre entier)."
        ),
    )
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.YEARLY
    )
    source = models.CharField(
        _("source"), max_length=10, choices=IndicatorSource.choices, default=IndicatorSource.MANUAL
    )
    responsible_partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
        verbose_name=_("partenaire responsable"),
    )
    measure = models.CharField(
        _("mesure de l'observatoire"),
        max_length=60,
        blank=True,
        help_text=_("Code de la mesure, pour un indicateur calculé."),
    )
    measure_params = models.JSONField(_("paramètres de la mesure"), default=dict, blank=True)
    baseline_value = models.FloatField(_("valeur de référence"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("année de référence"), null=True, blank=True)
    by_sector = models.BooleanField(
        _("décliné par secteur"), default=False, help_text=_("Valeurs suivies pour chaque CSPA.")
    )
    description = models.TextField(_("définition"), blank=True)

    objects = CodeManager()

    class Meta:
        ordering = ["priority", "code"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    @property
    def kind(self) -> str:
        """The nature of the values: as set, or deduced from the unit."""
        if self.value_kind:
            return self.value_kind
        unit = self.unit.strip().lower()
        if unit in ("%", "pourcentage", "pour cent") or unit.startswith("% "):
            return ValueKind.PERCENT
        if "/" in unit or unit.split(" ")[0] in DECIMAL_UNITS:
            return ValueKind.QUANTITY
        return ValueKind.COUNT

    def value_error(self, value: float) -> str | None:
        """Why `value` cannot be a value of this indicator (French), or None."""
        if not math.isfinite(value):
            return _("Saisissez un nombre.")
        kind = self.kind
        if kind == ValueKind.PERCENT and not 0 <= value <= 100:
            return _("Un pourcentage est compris entre 0 et 100.")
        if value < 0:
            return _("La valeur ne peut pas être négative (%(unit)s).") % {"unit": self.unit}
        if kind == ValueKind.COUNT and value != int(value):
            return _(
                "Cet indicateur compte des %(unit)s : saisissez un nombre entier, sans décimale."
            ) % {"unit": self.unit}
        return None

    @property
    def is_computed(self) -> bool:
        return self.source == IndicatorSource.COMPUTED

    def clean(self):
        from contrat.computed import computed_measures  # computed imports the models

        if self.is_computed and self.measure not in computed_measures():
            raise ValidationError(
                {
                    "measure": _("Mesure inconnue. Mesures possibles : %(measures)s.")
                    % {"measures": ", ".join(computed_measures())}
                }
            )
        if not self.is_computed and self.measure:
            raise ValidationError(
                {"measure": _("Seul un indicateur calculé a une mesure de l'observatoire.")}
            )


SECTOR_HELP = _("Vide pour Paris.")


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("secteur"),
        help_text=SECTOR_HELP,
    )
    year = models.PositiveSmallIntegerField(_("année"))
    value = models.FloatField(_("cible"))

    class Meta:
        ordering = ["indicator", "sector", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "sector", "year"], name="indicator_target_unique"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(sector__isnull=True),
                name="indicator_target_unique_paris",
            ),
        ]
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")

    def __str__(self):
        return f"{self.indicator.code} {self.year} {self.sector or 'Paris'} : {self.value:g}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("secteur"),
        help_text=SECTOR_HELP,
    )
    period_start = models.DateField(_("début de période"))
    value = models.FloatField(_("valeur"))
    source_note = models.CharField(_("source de la valeur"), max_length=300, blank=True)
    is_computed = models.BooleanField(_("calculée"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("saisie par"),
    )
    # Not auto_now: an import keeps the date of the original entry.
    entered_at = models.DateTimeField(_("saisie le"), default=timezone.now)

    class Meta:
        ordering = ["indicator", "sector", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "sector", "period_start"], name="indicator_value_unique"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start"],
                condition=models.Q(sector__isnull=True),
                name="indicator_value_unique_paris",
            ),
        ]
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")

    def __str__(self):
        return (
            f"{self.indicator.code} {self.period_start} {self.sector or 'Paris'} : {self.value:g}"
        )


class ComputedRefresh(models.Model):
    """The latest run of `contrat.computed.refresh_computed_values` for one year (or for every
    year): pages compare it with the observatory store's refresh time, and the definitions
    of the computed indicators, to know whether computed values are stale."""

    at = models.DateTimeField(_("date"), default=timezone.now)
    year = models.PositiveSmallIntegerField(
        _("année"), null=True, blank=True, help_text=_("Vide : toutes les années.")
    )
    store_refreshed_at = models.DateTimeField(
        _("état de l'observatoire utilisé"), null=True, blank=True
    )
    definitions = models.CharField(_("empreinte des définitions"), max_length=64, blank=True)
    values = models.PositiveIntegerField(_("valeurs calculées"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("calcul des indicateurs")
        verbose_name_plural = _("calculs des indicateurs")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.year or '*'} ({self.values})"

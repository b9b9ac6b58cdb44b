"""The register of events: rixes, tensions and rixes avoided, by place and time slot."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Partner
from prevention.choices import (
    SLOT_CHOICES,
    EventKind,
    FollowUp,
    InjuredBand,
    SizeBand,
    Weapon,
    YesNoUnknown,
)
from prevention.models.codes import external_key, h3_r9
from prevention.models.territories import GroupTerritory
from territory.models import Quartier


class Event(models.Model):
    kind = models.CharField(_("nature"), max_length=12, choices=EventKind.choices)
    day = models.DateField(_("jour"), db_index=True)
    slot = models.PositiveSmallIntegerField(_("tranche horaire"), choices=SLOT_CHOICES)
    # The place: a quartier, refined at most to an H3 cell of resolution 9 (~0.1 km²).
    quartier = models.ForeignKey(
        Quartier, on_delete=models.PROTECT, related_name="+", verbose_name=_("quartier")
    )
    h3_r9 = models.CharField(
        _("cellule H3 (résolution 9)"), max_length=15, blank=True, validators=[h3_r9]
    )
    territories = models.ManyToManyField(
        GroupTerritory, related_name="events", verbose_name=_("territoires des groupes")
    )
    size_band = models.CharField(_("effectif"), max_length=8, choices=SizeBand.choices)
    weapon = models.CharField(_("armes"), max_length=12, choices=Weapon.choices)
    injured_band = models.CharField(_("blessés"), max_length=8, choices=InjuredBand.choices)
    minors_involved = models.CharField(
        _("mineurs impliqués"), max_length=8, choices=YesNoUnknown.choices
    )
    near_school = models.BooleanField(_("aux abords d'un établissement scolaire"))
    reporting_partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partenaire")
    )
    follow_up = models.CharField(_("suite"), max_length=14, choices=FollowUp.choices)
    # The partner's own identifier of the row, so that re-importing a file changes nothing.
    external_key = models.CharField(
        _("identifiant du partenaire"), max_length=40, blank=True, validators=[external_key]
    )
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    class Meta:
        ordering = ["-day", "-slot", "-pk"]
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_partner", "external_key"],
                condition=~models.Q(external_key=""),
                name="prevention_event_unique_external_key",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.day:%d/%m/%Y} {self.get_slot_display()}"


class MonthlyCount(models.Model):
    """What remains of events older than the retention period: counts per territory and
    month (an event counts once for each territory involved)."""

    territory = models.ForeignKey(
        GroupTerritory, on_delete=models.CASCADE, related_name="monthly_counts"
    )
    month = models.DateField(_("mois"))
    kind = models.CharField(_("nature"), max_length=12, choices=EventKind.choices)
    count = models.PositiveIntegerField(_("nombre"))

    class Meta:
        ordering = ["month", "territory"]
        verbose_name = _("compte mensuel archivé")
        verbose_name_plural = _("comptes mensuels archivés")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "month", "kind"], name="prevention_monthly_unique"
            )
        ]

    def __str__(self):
        return f"{self.territory} {self.month:%m/%Y} {self.kind} : {self.count}"

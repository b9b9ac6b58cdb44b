"""Prevention actions — the continuum — with their progress timeline and attendance counted
only as aggregates (age band × sex, per session)."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Partner
from prevention.choices import ActionStatus, ActionType, AgeBand, Sex
from prevention.models.codes import contract_code, external_key
from prevention.models.territories import GroupTerritory


class PreventionAction(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[external_key])
    type = models.CharField(_("type"), max_length=16, choices=ActionType.choices)
    operator = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("opérateur")
    )
    territories = models.ManyToManyField(
        GroupTerritory, related_name="actions", verbose_name=_("territoires")
    )
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # The contract sits above this app: the link is the stable code of its priority or action.
    contract_code = models.CharField(
        _("priorité ou action du contrat"),
        max_length=8,
        blank=True,
        validators=[contract_code],
    )

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("action de prévention")
        verbose_name_plural = _("actions de prévention")

    def __str__(self):
        return f"{self.code} — {self.get_type_display()}"


class ActionMilestone(models.Model):
    """One step of the timeline: on `day` the action reached `status` and `progress`."""

    action = models.ForeignKey(PreventionAction, on_delete=models.CASCADE, related_name="timeline")
    day = models.DateField(_("jour"))
    status = models.CharField(_("état"), max_length=10, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["day", "pk"]
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        constraints = [
            models.UniqueConstraint(fields=["action", "day"], name="prevention_milestone_unique")
        ]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.get_status_display()} {self.progress} %"


class SessionAttendance(models.Model):
    """How many took part in the session of `day`, for one age band and sex."""

    action = models.ForeignKey(
        PreventionAction, on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField(_("séance du"))
    age_band = models.CharField(_("tranche d'âge"), max_length=6, choices=AgeBand.choices)
    sex = models.CharField(_("sexe"), max_length=2, choices=Sex.choices)
    count = models.PositiveIntegerField(_("participants"))

    class Meta:
        ordering = ["day", "age_band", "sex"]
        verbose_name = _("participation (agrégée)")
        verbose_name_plural = _("participations (agrégées)")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "day", "age_band", "sex"], name="prevention_attendance_unique"
            )
        ]

    def __str__(self):
        band = f"{self.get_age_band_display()} {self.get_sex_display()}"
        return f"{self.day:%d/%m/%Y} {band} : {self.count}"

"""The alert loop: a partner raises an alert on territories; the partners that the rules name
for those territories receive it, acknowledge it and say what they did; it ends with an
outcome or expires at its horizon."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Partner
from prevention.choices import HORIZON_CHOICES, AlertLevel, AlertOutcome, ResponseAction
from prevention.models.territories import GroupTerritory
from territory.models import Arrondissement


class AlertRule(models.Model):
    """`partner` receives the alerts touching `arrondissement` (every arrondissement if empty)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partenaire")
    )
    arrondissement = models.ForeignKey(
        Arrondissement,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("arrondissement"),
        help_text=_("Vide : tout Paris."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["partner", "arrondissement"]
        verbose_name = _("règle de diffusion des alertes")
        verbose_name_plural = _("règles de diffusion des alertes")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "arrondissement"], name="prevention_rule_unique"
            )
        ]

    def __str__(self):
        return f"{self.partner} — {self.arrondissement or 'Paris'}"


class Alert(models.Model):
    territories = models.ManyToManyField(
        GroupTerritory, related_name="alerts", verbose_name=_("territoires concernés")
    )
    level = models.CharField(_("niveau"), max_length=10, choices=AlertLevel.choices)
    horizon_hours = models.PositiveSmallIntegerField(_("horizon"), choices=HORIZON_CHOICES)
    raised_by = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("émise par")
    )
    raised_at = models.DateTimeField(_("émise le"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("échéance"))
    recipients = models.ManyToManyField(Partner, related_name="+", verbose_name=_("destinataires"))
    outcome = models.CharField(
        _("issue"), max_length=10, choices=AlertOutcome.choices, blank=True, default=""
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")

    def __str__(self):
        return f"{_('Alerte')} n° {self.pk} ({self.get_level_display()})"

    @property
    def is_open(self) -> bool:
        return not self.outcome


class Acknowledgement(models.Model):
    """One recipient partner has seen the alert (who in the partner is not recorded)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="acknowledgements")
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partenaire")
    )
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["at"]
        verbose_name = _("accusé de réception")
        verbose_name_plural = _("accusés de réception")
        constraints = [
            models.UniqueConstraint(fields=["alert", "partner"], name="prevention_ack_unique")
        ]

    def __str__(self):
        return f"{self.partner} {self.at:%d/%m/%Y %H:%M}"


class ResponseActionTaken(models.Model):
    acknowledgement = models.ForeignKey(
        Acknowledgement, on_delete=models.CASCADE, related_name="actions"
    )
    action = models.CharField(_("action"), max_length=16, choices=ResponseAction.choices)
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["at"]
        verbose_name = _("action menée")
        verbose_name_plural = _("actions menées")
        constraints = [
            models.UniqueConstraint(
                fields=["acknowledgement", "action"], name="prevention_response_unique"
            )
        ]

    def __str__(self):
        return self.get_action_display()

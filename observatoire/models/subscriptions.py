"""Who receives the weekly e-mail digest of a sector's alerts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertSubscription(models.Model):
    """A user's subscription to the weekly digest of one sector's alerts.

    Switching it off keeps the row (`active=False`) so the toggle is a plain update.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_subscriptions",
        verbose_name=_("utilisateur·rice"),
    )
    sector = models.ForeignKey(
        "territory.Sector",
        on_delete=models.CASCADE,
        related_name="alert_subscriptions",
        verbose_name=_("secteur"),
    )
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("abonnement aux alertes")
        verbose_name_plural = _("abonnements aux alertes")
        constraints = [
            models.UniqueConstraint(fields=["user", "sector"], name="obs_alert_subscription_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.sector}"

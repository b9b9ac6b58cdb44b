"""The audit trail: who read personal data, changed a case, exported, logged in, was refused.

Rows are append-only. The ORM refuses updates and deletes here, and a database trigger
(migration 0002) refuses UPDATE on every backend and DELETE on PostgreSQL, so that even code
going around the ORM cannot rewrite history.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import AuditAction, Role


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("audit events cannot be updated")

    def delete(self):
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    # No database constraint and DO_NOTHING: deleting a user account must neither cascade
    # into the trail nor update its rows (SET_NULL would); the username snapshot keeps the
    # name of whoever acted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("auteur"),
    )
    actor_username = models.CharField(_("identifiant"), max_length=150, blank=True, db_index=True)
    actor_role = models.CharField(_("rôle"), max_length=30, choices=Role.choices, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    target_type = models.CharField(_("type d'objet"), max_length=100, blank=True)
    target_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    target_reference = models.CharField(_("référence"), max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=300, blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("audit events cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")

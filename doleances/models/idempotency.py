"""Retries recognised: a request key (a form's one-time token, an `Idempotency-Key` header,
or the fingerprint of an Open311 request) remembered with the complaint it filed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeKey(models.Model):
    """Written in the transaction that stores the complaint: the key exists iff it does."""

    scope = models.CharField(_("portée"), max_length=100)  # channel and client
    key = models.CharField(_("clé"), max_length=255)
    fingerprint = models.CharField(_("empreinte de la requête"), max_length=64)
    complaint = models.ForeignKey(
        "doleances.Complaint", on_delete=models.CASCADE, related_name="intake_keys"
    )
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("clé d'idempotence")
        verbose_name_plural = _("clés d'idempotence")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="intake_key_unique"),
        ]

    def __str__(self):
        return f"{self.scope}:{self.key}"

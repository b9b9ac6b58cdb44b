"""What an Open311 POST brings beyond the complaint itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestAttributes(models.Model):
    """The service-definition answers of a complaint filed through Open311, and its client.

    Never published: the answers may hold free text."""

    complaint = models.OneToOneField(
        "doleances.Complaint",
        on_delete=models.CASCADE,
        related_name="open311",
        verbose_name=_("doléance"),
    )
    api_key = models.ForeignKey(
        "open311.ApiKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        verbose_name=_("client"),
    )
    values = models.JSONField(_("réponses aux attributs"), default=dict, blank=True)
    address_id = models.CharField(_("identifiant d'adresse"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("données Open311 d'une doléance")
        verbose_name_plural = _("données Open311 des doléances")

    def __str__(self):
        return str(self.complaint)

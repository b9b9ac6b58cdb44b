"""API keys of Open311 clients: stored as a SHA-256 hash only, revocable, rate-limited."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    name = models.SlugField(
        _("nom"), max_length=40, unique=True, help_text=_("Le client qui utilise la clé.")
    )
    # The first characters of the key, enough to recognise it in a log without revealing it.
    prefix = models.CharField(_("début de la clé"), max_length=12, editable=False)
    key_hash = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True, editable=False)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requêtes par minute"), default=60, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("clé d'API Open311")
        verbose_name_plural = _("clés d'API Open311")

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def source(self) -> str:
        """The provenance written on the complaints this client files."""
        return f"open311:{self.name}"

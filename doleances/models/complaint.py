"""The complaint (doléance) and, apart from it, the complainant's personal data."""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doleances.choices import Channel, Precision, Priority, Status
from territory.models import Arrondissement, Quartier, Sector


class ReferenceCounter(models.Model):
    """Per-year sequence behind human references (DOL-2026-000123), safe under concurrency."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def reserve(cls, year: int, count: int = 1) -> int:
        """Reserve `count` consecutive numbers and return the first; call inside a transaction."""
        cls.objects.get_or_create(year=year)
        cls.objects.filter(year=year).update(last=F("last") + count)
        return cls.objects.get(year=year).last - count + 1


def format_reference(year: int, number: int) -> str:
    return f"DOL-{year}-{number:06d}"


class Complaint(models.Model):
    reference = models.CharField(_("référence"), max_length=20, unique=True)
    received_at = models.DateTimeField(_("reçue le"), default=timezone.now, db_index=True)
    occurred_at = models.DateTimeField(_("survenue le"), null=True, blank=True)
    category = models.ForeignKey(
        "doleances.Category",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("catégorie"),
    )
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priorité"), choices=Priority.choices, default=Priority.NORMAL
    )

    # Location
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    precision = models.CharField(
        _("précision de la localisation"),
        max_length=20,
        choices=Precision.choices,
        default=Precision.POINT,
    )
    quartier = models.ForeignKey(
        Quartier, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("quartier")
    )
    arrondissement = models.ForeignKey(
        Arrondissement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("arrondissement"),
    )
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("secteur")
    )
    h3_r8 = models.BigIntegerField(null=True, blank=True)
    h3_r9 = models.BigIntegerField(null=True, blank=True)
    h3_r10 = models.BigIntegerField(null=True, blank=True)
    h3_r11 = models.BigIntegerField(null=True, blank=True)

    # Provenance: (source, external_id) makes imports and client retries idempotent.
    source = models.CharField(_("source"), max_length=60, blank=True)
    external_id = models.CharField(_("identifiant externe"), max_length=120, blank=True)
    media_url = models.URLField(_("lien vers un média"), max_length=500, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("doléance")
        verbose_name_plural = _("doléances")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="complaint_unique_external_id",
            )
        ]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["category", "received_at"]),
            models.Index(fields=["arrondissement", "received_at"]),
            # Duplicate search reads open nearby complaints by H3 cell from this index alone.
            models.Index(
                fields=["h3_r10", "received_at", "status", "category", "latitude", "longitude"],
                name="complaint_duplicates_idx",
            ),
            # The observatory's incremental refresh reads what changed since its watermark.
            models.Index(fields=["updated_at"], name="complaint_updated_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def tracking_token(self) -> str:
        """A secret derived from the reference: lets a resident follow the case without account."""
        digest = hmac.new(
            settings.SECRET_KEY.encode(), f"tracking:{self.reference}".encode(), hashlib.sha256
        )
        return digest.hexdigest()[:24]

    def check_tracking_token(self, token: str) -> bool:
        return hmac.compare_digest(self.tracking_token, token or "")


class Complainant(models.Model):
    """Personal data of a person who reported or follows a complaint; erased after retention."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="complainants")
    name = models.CharField(_("nom"), max_length=150, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    consent_contact = models.BooleanField(_("accepte d'être recontacté·e"), default=False)
    consent_victim_support = models.BooleanField(
        _("accepte d'être contacté·e par une association d'aide aux victimes"),
        default=False,
        help_text=_(
            "Proposé pour les catégories sensibles ; le dossier est alors copié au "
            "guichet d'aide aux victimes (règle de passerelle)."
        ),
    )
    is_original_reporter = models.BooleanField(_("auteur du signalement"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(_("effacé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("déclarant·e")
        verbose_name_plural = _("déclarant·es")

    def __str__(self):
        return self.name or self.email or str(_("anonyme"))


def photo_upload_path(instance, filename):
    return f"photos/{timezone.now():%Y/%m}/{instance.sha256}.jpg"


class Photo(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_upload_path)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.complaint_id}/{self.sha256[:12]}"

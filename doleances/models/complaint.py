"""The complaint (doléance) and, apart from it, the complainant's personal data."""

import hashlib
import hmac

from django.conf import settings
from django.db import ProgrammingError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doleances.choices import Channel, Precision, Priority, Status
from territory.models import Arrondissement, Quartier, Sector

# (database, sequence) pairs this process has drawn from: their sequence exists.
_EXISTING_SEQUENCES: set[tuple[str, str]] = set()


class ReferenceCounter(models.Model):
    """Per-year numbers behind human references (DOL-2026-000123), safe under concurrency.

    On PostgreSQL each year has its own sequence (`doleances_reference_YYYY`): concurrent
    intakes never wait for each other, and a rolled-back intake leaves a gap in the
    numbers. Elsewhere (SQLite, which serialises writers anyway) this row counts; on
    PostgreSQL it gives the sequence its start (numbers written by bulk loaders before it
    existed) and is not updated afterwards."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def reserve(cls, year: int, count: int = 1, *, timeout_ms: int | None = None) -> list[int]:
        """Reserve `count` numbers of `year` (increasing, consecutive except on PostgreSQL
        under concurrency) and return them; call inside a transaction. On PostgreSQL,
        `timeout_ms` bounds the transaction's later statements and lock waits (SET LOCAL),
        set in the same round trip as the numbers."""
        if connection.vendor == "postgresql":
            return cls._from_sequence(year, count, timeout_ms)
        # SQLite (≥ 3.35: upsert with RETURNING): the row created or counted, and read, in one
        # statement instead of three ORM queries (get_or_create, update, get).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {cls._meta.db_table} (year, last) VALUES (%s, %s) "  # noqa: S608
                "ON CONFLICT (year) DO UPDATE SET last = last + excluded.last RETURNING last",
                [year, count],
            )
            [last] = cursor.fetchone()
        return list(range(last - count + 1, last + 1))

    @classmethod
    def _from_sequence(cls, year: int, count: int, timeout_ms: int | None) -> list[int]:
        name = f"doleances_reference_{int(year)}"
        known = (connection.settings_dict["NAME"], name)
        if known in _EXISTING_SEQUENCES:  # never dropped: no savepoint to guard the call
            return cls._next_values(name, count, timeout_ms)
        try:
            with transaction.atomic():
                numbers = cls._next_values(name, count, timeout_ms)
        except ProgrammingError:  # the year's first number: its sequence does not exist yet
            cls._create_sequence(name, year)
            with connection.cursor() as cursor:
                # Reading pg_class takes in the other connection's new sequence (this
                # transaction's catalog view is otherwise kept from its failed lookup).
                cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [name])
            numbers = cls._next_values(name, count, timeout_ms)
        _EXISTING_SEQUENCES.add(known)
        return numbers

    @staticmethod
    def _create_sequence(name: str, year: int) -> None:
        """On a connection of its own, committed at once: created inside the intake's
        transaction, it would make every other intake wait for that commit."""
        own = connection.get_new_connection(connection.get_connection_params())
        own.autocommit = True
        try:
            row = own.execute(
                "SELECT last FROM doleances_referencecounter WHERE year = %s", [year]
            ).fetchone()
            start = (row[0] if row else 0) + 1
            own.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {int(start)}")
        except Exception as exc:
            if "already exists" not in str(exc):  # created at the same instant elsewhere
                raise
        finally:
            own.close()

    @staticmethod
    def _next_values(name: str, count: int, timeout_ms: int | None) -> list[int]:
        with connection.cursor() as cursor:
            if timeout_ms is None:
                cursor.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s) ORDER BY 1", [name, count]
                )
            else:
                # Both timeouts are local to the transaction; the drawn number comes first
                # (a lock-free call), the bound applies to every statement after it.
                cursor.execute(
                    "SELECT nextval(%s), set_config('statement_timeout', %s, true), "
                    "set_config('lock_timeout', %s, true) "
                    "FROM generate_series(1, %s) ORDER BY 1",
                    [name, str(timeout_ms), str(timeout_ms), count],
                )
            return [row[0] for row in cursor.fetchall()]


# RFC 5321 bounds a deliverable address to 254 characters; every channel that takes one
# checks this bound (form, API, Open311), the column holds no more.
EMAIL_MAX_LENGTH = 254


def email_too_long_message() -> str:
    return str(
        _("L'adresse électronique ne doit pas dépasser %(limit)d caractères.")
        % {"limit": EMAIL_MAX_LENGTH}
    )


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

    def tracking_url(self, request=None, token: str | None = None) -> str:
        """A private tracking link, absolute: the reporter's (the complaint's own token) unless
        a follower's `token` is given. The page is served by the public counter under the URL
        name "guichet:track" (named, not imported: no upward import)."""
        path = reverse("guichet:track", args=[self.reference, token or self.tracking_token])
        return absolute_url(path, request)


def absolute_url(path: str, request=None) -> str:
    """`path` made absolute: from the request when there is one, else from `CPPS_PUBLIC_URL`
    (e-mails sent outside a request)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.CPPS_PUBLIC_URL.rstrip("/") + path


class Complainant(models.Model):
    """Personal data of a person who reported or follows a complaint; erased after retention."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="complainants")
    name = models.CharField(_("nom"), max_length=150, blank=True)
    email = models.EmailField(_("courriel"), max_length=EMAIL_MAX_LENGTH, blank=True)
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
    # A follower's own tracking link: it exists only once they confirmed their address
    # (`confirmed_at`), and clearing the nonce revokes it. Reporters use the complaint's link.
    confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    tracking_nonce = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("déclarant·e")
        verbose_name_plural = _("déclarant·es")

    def __str__(self):
        return self.name or self.email or str(_("anonyme"))

    @property
    def tracking_token(self) -> str:
        """The follower's own secret (empty when unconfirmed or revoked)."""
        if not self.tracking_nonce:
            return ""
        message = f"follower:{self.complaint_id}:{self.pk}:{self.tracking_nonce}"
        digest = hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256)
        return "s" + digest.hexdigest()[:31]

    def check_tracking_token(self, token: str) -> bool:
        return bool(self.tracking_nonce) and hmac.compare_digest(self.tracking_token, token or "")

    def tracking_url(self, request=None) -> str:
        """This person's own link: the complaint's for a reporter, their own for a follower
        (empty while a follower has not confirmed their address)."""
        if self.is_original_reporter:
            return self.complaint.tracking_url(request)
        token = self.tracking_token
        return self.complaint.tracking_url(request, token=token) if token else ""


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

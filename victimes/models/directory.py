"""The help directory, modelled on Open Referral HSDS 3.0 (field names are HSDS's).

One table per HSDS object; identifiers are UUIDs as the standard asks. cpps adds what the
finder and the privacy rules need, documented in docs/victimes.md: `reach` (emergency
number, national line, local service), `available_24_7`, `anonymous`, `confidential`,
`provenance`/`provenance_url` (where each fact comes from) and `is_example` (demo data).
`assured_date` is the date the service was last checked.
"""

import uuid
from calendar import monthrange
from datetime import date, datetime, time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from victimes.choices import AreaType, LocationType, Reach, Relevance, ServiceStatus


def _id():
    return models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)


class Taxonomy(models.Model):
    id = _id()
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"))
    uri = models.URLField(_("adresse"), blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("taxonomie")
        verbose_name_plural = _("taxonomies")

    def __str__(self):
        return self.name


class TaxonomyTerm(models.Model):
    """A situation (violences conjugales, famille à la rue…) or one of its needs."""

    id = _id()
    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.PROTECT, related_name="terms", verbose_name=_("taxonomie")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("situation parente"),
    )
    language = models.CharField(_("langue"), max_length=10, default="fr")
    term_uri = models.URLField(_("adresse du terme"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("situation")
        verbose_name_plural = _("situations")

    def __str__(self):
        return f"{self.parent.name} — {self.name}" if self.parent_id else self.name


class Organization(models.Model):
    id = _id()
    name = models.CharField(_("nom"), max_length=200)
    alternate_name = models.CharField(_("autre nom"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site"), blank=True)
    legal_status = models.CharField(_("statut juridique"), max_length=100, blank=True)
    provenance = models.CharField(_("source de l'information"), max_length=300, blank=True)
    provenance_url = models.URLField(_("adresse de la source"), blank=True)
    is_example = models.BooleanField(_("exemple (démonstration)"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisme")
        verbose_name_plural = _("organismes")

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def checked_since(self, today: date | None = None):
        return self.filter(assured_date__gte=validity_cutoff(today))

    def public(self, today: date | None = None):
        """What the public sees: active, and checked within the validity period."""
        return self.filter(status=ServiceStatus.ACTIVE).checked_since(today)

    def to_check(self, today: date | None = None):
        return self.exclude(assured_date__gte=validity_cutoff(today))


def validity_cutoff(today: date | None = None) -> date:
    """A service last checked before this date is « à vérifier »."""
    today = today or timezone.localdate()
    months = today.year * 12 + today.month - 1 - settings.CPPS_RESSOURCES_VALIDITE_MOIS
    year, month = divmod(months, 12)
    return date(year, month + 1, min(today.day, monthrange(year, month + 1)[1]))


class Service(models.Model):
    id = _id()
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services", verbose_name=_("organisme")
    )
    name = models.CharField(_("nom"), max_length=200)
    alternate_name = models.CharField(_("autre nom"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    url = models.URLField(_("adresse du site"), blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    reach = models.CharField(_("portée"), max_length=10, choices=Reach.choices, default=Reach.LOCAL)
    interpretation_services = models.CharField(_("interprétariat"), max_length=300, blank=True)
    application_process = models.TextField(_("comment y accéder"), blank=True)
    fees_description = models.CharField(_("coût"), max_length=300, blank=True)
    eligibility_description = models.TextField(_("pour qui"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("âge maximum"), null=True, blank=True)
    available_24_7 = models.BooleanField(_("joignable 24 h/24, 7 j/7"), default=False)
    anonymous = models.BooleanField(_("anonyme possible"), default=False)
    confidential = models.BooleanField(_("confidentiel"), default=False)
    assured_date = models.DateField(_("dernière vérification"))
    alert = models.CharField(_("avertissement"), max_length=300, blank=True)
    provenance = models.CharField(_("source de l'information"), max_length=300)
    provenance_url = models.URLField(_("adresse de la source"), blank=True)
    is_example = models.BooleanField(_("exemple (démonstration)"), default=False)
    situations = models.ManyToManyField(
        TaxonomyTerm,
        through="Attribute",
        related_name="services",
        blank=True,
        verbose_name=_("situations"),
    )
    last_modified = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["status", "assured_date"])]

    def __str__(self):
        return self.name

    @property
    def to_check(self) -> bool:
        return self.assured_date < validity_cutoff()


class Location(models.Model):
    id = _id()
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("organisme"),
    )
    location_type = models.CharField(
        _("type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    transportation = models.CharField(_("accès"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")

    def __str__(self):
        return self.name


class Address(models.Model):
    id = _id()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("lieu")
    )
    address_1 = models.CharField(_("adresse"), max_length=200)
    address_2 = models.CharField(_("complément"), max_length=200, blank=True)
    city = models.CharField(_("ville"), max_length=100, default="Paris")
    state_province = models.CharField(_("région"), max_length=100, default="Île-de-France")
    postal_code = models.CharField(_("code postal"), max_length=10)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    address_type = models.CharField(
        _("type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )

    class Meta:
        verbose_name = _("adresse")
        verbose_name_plural = _("adresses")

    def __str__(self):
        return f"{self.address_1}, {self.postal_code} {self.city}"


class ServiceAtLocation(models.Model):
    id = _id()
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service en un lieu")
        verbose_name_plural = _("services en un lieu")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="victimes_sal_unique")
        ]

    def __str__(self):
        return f"{self.service} — {self.location}"


class Phone(models.Model):
    id = _id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(_("numéro"), max_length=40)
    type = models.CharField(
        _("type"),
        max_length=10,
        choices=[("voice", _("appel")), ("sms", _("SMS")), ("text", _("texte")), ("fax", "fax")],
        default="voice",
    )
    description = models.CharField(_("précision"), max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("téléphone")
        verbose_name_plural = _("téléphones")

    def __str__(self):
        return self.number


class Schedule(models.Model):
    """Weekly opening hours (HSDS: freq WEEKLY, byday, opens_at, closes_at). A closing time
    before the opening time runs past midnight."""

    id = _id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    freq = models.CharField(_("fréquence"), max_length=10, default="WEEKLY")
    byday = models.CharField(_("jours (MO,TU…)"), max_length=40)
    opens_at = models.TimeField(_("ouverture"))
    closes_at = models.TimeField(_("fermeture"))
    description = models.CharField(_("précision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("horaire")
        verbose_name_plural = _("horaires")

    def __str__(self):
        return f"{self.byday} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def days(self) -> list[str]:
        return [d.strip() for d in self.byday.split(",") if d.strip()]

    def is_open(self, moment: datetime) -> bool:
        day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[moment.weekday()]
        previous = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")[moment.weekday()]
        now = moment.time()
        if self.opens_at <= self.closes_at:
            return day in self.days and self.opens_at <= now < self.closes_at
        return (day in self.days and now >= self.opens_at) or (
            previous in self.days and now < self.closes_at
        )

    def covers(self, start: time, end: time, days: set[str]) -> bool:
        """Open on one of `days` at some time between `start` and `end` (end past midnight
        when before start)."""
        if not days & set(self.days):
            return False
        if self.opens_at > self.closes_at:  # runs past midnight: covers the night
            return True
        if start > end:
            return self.opens_at < end or self.closes_at > start
        return self.opens_at < end and self.closes_at > start


class ServiceArea(models.Model):
    id = _id()
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_areas", verbose_name=_("service")
    )
    name = models.CharField(_("nom"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    extent_type = models.CharField(_("étendue"), max_length=20, choices=AreaType.choices)
    extent = models.CharField(
        _("code"),
        max_length=20,
        blank=True,
        help_text=_("Code du secteur (paris-18) ou numéro d'arrondissement (18)."),
    )

    class Meta:
        verbose_name = _("zone desservie")
        verbose_name_plural = _("zones desservies")
        indexes = [models.Index(fields=["extent_type", "extent"])]

    def __str__(self):
        return self.name


class Language(models.Model):
    id = _id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(_("langue"), max_length=60)
    code = models.CharField(_("code ISO 639"), max_length=10)
    note = models.CharField(_("précision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("langue")
        verbose_name_plural = _("langues")

    def __str__(self):
        return self.name


class Accessibility(models.Model):
    id = _id()
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="accessibility", verbose_name=_("lieu")
    )
    description = models.CharField(_("description"), max_length=300)
    details = models.CharField(_("détails"), max_length=300, blank=True)
    url = models.URLField(_("adresse"), blank=True)

    class Meta:
        verbose_name = _("accessibilité")
        verbose_name_plural = _("accessibilité")

    def __str__(self):
        return self.description


class CostOption(models.Model):
    id = _id()
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="cost_options", verbose_name=_("service")
    )
    option = models.CharField(_("option"), max_length=200)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    amount = models.DecimalField(_("montant"), max_digits=8, decimal_places=2, default=0)
    amount_description = models.CharField(_("précision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("coût")
        verbose_name_plural = _("coûts")

    def __str__(self):
        return self.option


class Attribute(models.Model):
    """HSDS `attribute`: links a service to a situation it helps with (its eligibility)."""

    id = _id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )
    # cpps extension (HSDS's attribute has no ranking): ordered data, not code, so that an
    # administrator can put a specialised line before a generalist one for a situation.
    relevance = models.PositiveSmallIntegerField(
        _("pertinence"),
        choices=Relevance.choices,
        default=Relevance.SUITED,
        help_text=_(
            "Pour cette situation, l'orientation propose d'abord les lignes nationales les plus "
            "pertinentes (une ligne spécialisée avant une ligne généraliste)."
        ),
    )

    class Meta:
        verbose_name = _("situation d'un service")
        verbose_name_plural = _("situations des services")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "taxonomy_term"], name="victimes_attribute_unique"
            )
        ]

    def __str__(self):
        return f"{self.service} — {self.taxonomy_term}"


class DirectoryVersion(models.Model):
    """One row whose token changes with every change of the directory: the finder keeps an
    in-memory index of the public directory and rebuilds it when the token moved (see
    victimes/index.py). Bumped by signals (victimes/signals.py) and by the import."""

    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = _("version de l'annuaire")
        verbose_name_plural = _("versions de l'annuaire")

    def __str__(self):
        return str(self.token)

    @classmethod
    def bump(cls):
        cls.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).values_list("token", flat=True).first()

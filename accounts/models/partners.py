"""Partners of the contract and their desks (the units that receive and work cases)."""

from django.db import models
from django.db.models import F, Min
from django.utils.translation import gettext_lazy as _

from accounts.choices import PartnerKind
from territory.models import Arrondissement


class CodeManager(models.Manager):
    """Fixtures refer to partners and desks by their stable code (natural key)."""

    def get_by_natural_key(self, code):
        return self.get(code=code)


class Partner(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=160)
    kind = models.CharField(_("type"), max_length=30, choices=PartnerKind.choices)
    is_signatory = models.BooleanField(_("signataire du contrat"), default=False)

    objects = CodeManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Desk(models.Model):
    """A unit of a partner that works cases, competent on some arrondissements (all if none)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="desks", verbose_name=_("partenaire")
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("courriel du guichet"), blank=True)
    arrondissements = models.ManyToManyField(
        Arrondissement, blank=True, related_name="desks", verbose_name=_("arrondissements")
    )
    is_active = models.BooleanField(_("actif"), default=True)

    objects = CodeManager()

    class Meta:
        ordering = ["partner__name", "name"]
        verbose_name = _("guichet")
        verbose_name_plural = _("guichets")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


def ordered_desks(queryset):
    """Desks by partner, then by the first arrondissement they serve (by number, so that
    « division 5e » comes before « division 10e »; desks for all Paris first), then name."""
    return queryset.annotate(first_arrondissement=Min("arrondissements__number")).order_by(
        "partner__name", F("first_arrondissement").asc(nulls_first=True), "name"
    )

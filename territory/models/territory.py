"""The Paris territory: 17 CSPA sectors ⊃ 20 arrondissements ⊃ 80 quartiers administratifs.

Geometries are stored as GeoJSON text so SQLite and PostgreSQL behave alike; all geometric
work happens in Python (shapely) through `territory.locator`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.Model):
    """A CSPA sector: one arrondissement contract (Paris Centre merges the 1st–4th)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    order = models.PositiveSmallIntegerField(_("ordre"), unique=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("secteur (CSPA)")
        verbose_name_plural = _("secteurs (CSPA)")

    def __str__(self):
        return self.name

    @property
    def population(self) -> int:
        return sum(a.population for a in self.arrondissements.all())


class Arrondissement(models.Model):
    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    official_name = models.CharField(_("nom officiel"), max_length=100, blank=True)
    postal_codes = models.CharField(
        _("codes postaux"), max_length=50, help_text=_("Séparés par des virgules.")
    )
    population = models.PositiveIntegerField(_("population légale"), default=0)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="arrondissements", verbose_name=_("secteur")
    )
    geometry = models.TextField(_("géométrie (GeoJSON)"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("arrondissement")
        verbose_name_plural = _("arrondissements")

    def __str__(self):
        return self.name


class Quartier(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=7, unique=True)
    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    name = models.CharField(_("nom"), max_length=100)
    arrondissement = models.ForeignKey(
        Arrondissement,
        on_delete=models.PROTECT,
        related_name="quartiers",
        verbose_name=_("arrondissement"),
    )
    area_m2 = models.FloatField(_("surface (m²)"), default=0)
    geometry = models.TextField(_("géométrie (GeoJSON)"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("quartier administratif")
        verbose_name_plural = _("quartiers administratifs")

    def __str__(self):
        return self.name

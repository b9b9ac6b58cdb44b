"""Group territories: the nodes of the tension graph.

A node is either a quartier administratif (one per quartier, created on demand) or a zone an
administrator defines — a housing estate straddling two quartiers, a neighbouring commune.
Groups of young people are only ever designated by the territory they are associated with.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from prevention.choices import TerritoryKind
from territory.models import Arrondissement, Quartier


class GroupTerritoryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class GroupTerritory(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("type"), max_length=10, choices=TerritoryKind.choices)
    # The name of a place (a quartier's official name or a zone's), never of a group.
    label = models.CharField(_("nom du lieu"), max_length=100)
    quartier = models.OneToOneField(
        Quartier,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="group_territory",
        verbose_name=_("quartier"),
    )
    arrondissements = models.ManyToManyField(
        Arrondissement,
        blank=True,
        related_name="group_territories",
        verbose_name=_("arrondissements de rattachement"),
        help_text=_(
            "Pour une zone : les arrondissements qu'elle touche ou borde (ils décident qui "
            "voit ses événements et ses alertes)."
        ),
    )
    latitude = models.FloatField(_("latitude du centre"), null=True, blank=True)
    longitude = models.FloatField(_("longitude du centre"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = GroupTerritoryManager()

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("territoire de groupe")
        verbose_name_plural = _("territoires de groupe")

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.code,)

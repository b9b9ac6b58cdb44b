"""The bridge from complaints: which complaint categories call for victim support, which
situations of the directory they correspond to, and which desk receives a copy of the case
when the person accepts to be contacted by a victim-support association (a routing rule
kept as data, with its admin screen and Paris fixture)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryBridge(models.Model):
    category = models.OneToOneField(
        "doleances.Category",
        on_delete=models.CASCADE,
        related_name="victim_bridge",
        verbose_name=_("catégorie de doléance"),
    )
    situations = models.ManyToManyField(
        "victimes.TaxonomyTerm", related_name="bridges", verbose_name=_("situations")
    )
    copy_desk = models.ForeignKey(
        "accounts.Desk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="victim_bridges",
        verbose_name=_("guichet d'aide aux victimes en copie"),
        help_text=_(
            "Reçoit une copie du dossier et les coordonnées si la personne accepte d'être "
            "contactée par une association d'aide aux victimes. Vide : aucune copie."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("passerelle vers l'aide aux victimes")
        verbose_name_plural = _("passerelles vers l'aide aux victimes")

    def __str__(self):
        return str(self.category)

"""Yearly aggregates entered by partners (TIG host posts, professionals trained on
radicalisation) and the school holidays calendar (data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Partner
from prevention.choices import HolidayKind
from territory.models import Sector
from victimes.models import Service
from victimes.tig import HOST_SERVICES


class TigPostsYear(models.Model):
    """Posts of travaux d'intérêt général offered and filled in a year by one host structure.

    The host structure is a service of the directory (HSDS) carrying the « accueil de TIG »
    term (victimes/tig.py). No person: only counts entered by the partner."""

    host = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="tig_years",
        limit_choices_to=HOST_SERVICES,
        verbose_name=_("structure d'accueil"),
    )
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("secteur")
    )
    year = models.PositiveSmallIntegerField(_("année"))
    posts_offered = models.PositiveIntegerField(_("postes offerts"))
    posts_filled = models.PositiveIntegerField(_("postes pourvus"))
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("saisi par")
    )

    class Meta:
        ordering = ["-year", "host__name"]
        verbose_name = _("postes de TIG (année)")
        verbose_name_plural = _("postes de TIG (années)")
        constraints = [
            models.UniqueConstraint(fields=["host", "year"], name="prevention_tig_unique")
        ]

    def __str__(self):
        return f"{self.host} {self.year}"


class RadicalisationTraining(models.Model):
    """Professionals trained to prevent radicalisation in a year (a count, no names)."""

    year = models.PositiveSmallIntegerField(_("année"))
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partenaire")
    )
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("secteur")
    )
    sessions = models.PositiveIntegerField(_("sessions"))
    professionals_trained = models.PositiveIntegerField(_("professionnels formés"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("formation à la prévention de la radicalisation")
        verbose_name_plural = _("formations à la prévention de la radicalisation")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "partner", "sector"], name="prevention_training_unique"
            )
        ]

    def __str__(self):
        return f"{self.partner} {self.year}"


class SchoolHoliday(models.Model):
    """School holidays of the Paris academy (zone C), entered by an administrator."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("vacances"), max_length=10, choices=HolidayKind.choices)
    start = models.DateField(_("premier jour"))
    end = models.DateField(_("dernier jour"))
    source_url = models.URLField(_("source"), blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("vacances scolaires")
        verbose_name_plural = _("vacances scolaires")

    def __str__(self):
        return f"{self.get_kind_display()} {self.start:%Y}"

"""Anonymous orientation records: one person received by an ISC or a victim-support desk.

Nothing here can identify a person: no name, birth date, address, phone, nor any free
text (a test walks the fields). `source` only says whether the row was typed on the entry
screen or came from a spreadsheet import (an import replaces its own rows of the same desk
and days, which makes it idempotent).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from victimes.choices import AgeBand, PersonRole, RecordSource, Referrer


class OrientationRecord(models.Model):
    day = models.DateField(_("jour"), db_index=True)
    desk = models.ForeignKey(
        "accounts.Desk",
        on_delete=models.PROTECT,
        related_name="orientation_records",
        verbose_name=_("guichet"),
    )
    situations = models.ManyToManyField(
        "victimes.TaxonomyTerm", related_name="orientation_records", verbose_name=_("situations")
    )
    role = models.CharField(_("la personne est"), max_length=10, choices=PersonRole.choices)
    age_band = models.CharField(_("âge"), max_length=10, choices=AgeBand.choices)
    referred_by = models.CharField(_("adressée par"), max_length=20, choices=Referrer.choices)
    services = models.ManyToManyField(
        "victimes.Service",
        blank=True,
        related_name="orientation_records",
        verbose_name=_("orientée vers"),
    )
    follow_up = models.BooleanField(_("suivi prévu"), default=False)
    source = models.CharField(
        _("origine"), max_length=10, choices=RecordSource.choices, default=RecordSource.SCREEN
    )

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        indexes = [models.Index(fields=["desk", "day"])]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} — {self.desk} — {self.get_role_display()}"

"""A staff account's role and scope: which partner/desk and which territory it acts for."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from territory.models import Arrondissement, Sector


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    partner = models.ForeignKey(
        "accounts.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
        verbose_name=_("partenaire"),
    )
    desk = models.ForeignKey(
        "accounts.Desk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
        verbose_name=_("guichet"),
    )
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("secteur"),
        help_text=_("Pour un·e coordinateur·rice CSPA : son secteur."),
    )
    arrondissements = models.ManyToManyField(
        Arrondissement,
        blank=True,
        verbose_name=_("arrondissements"),
        help_text=_("Territoire de l'agent ; vide = tout le territoire du guichet."),
    )

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profils")

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The Django admin is for administrators only, and they manage every referential
        # there: staff and superuser status follow the role, whatever was ticked.
        is_administrator = self.role == Role.ADMINISTRATOR
        if (self.user.is_staff, self.user.is_superuser) != (is_administrator, is_administrator):
            self.user.is_staff = self.user.is_superuser = is_administrator
            self.user.save(update_fields=["is_staff", "is_superuser"])

    def clean(self):
        errors = {}
        if self.role in (Role.CASE_AGENT, Role.DESK_SUPERVISOR) and not self.desk_id:
            errors["desk"] = _(
                "Un·e agent ou responsable de guichet doit être rattaché·e à un guichet."
            )
        if self.role == Role.CSPA_COORDINATOR and not self.sector_id:
            errors["sector"] = _("Un·e coordinateur·rice CSPA doit avoir un secteur.")
        if self.desk_id and self.partner_id and self.desk.partner_id != self.partner_id:
            errors["partner"] = _(
                "Le guichet choisi appartient à un autre partenaire (%(partner)s)."
            ) % {"partner": self.desk.partner}
        if errors:
            raise ValidationError(errors)
        if self.desk_id and not self.partner_id:
            self.partner_id = self.desk.partner_id

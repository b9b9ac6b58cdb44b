"""A staff account's role and scope: which partner/desk and which territory it acts for."""

from django.conf import settings
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

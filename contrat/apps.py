from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContratConfig(AppConfig):
    name = "contrat"
    verbose_name = _("Pilotage du contrat")

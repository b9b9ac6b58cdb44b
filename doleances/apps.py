from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoleancesConfig(AppConfig):
    name = "doleances"
    verbose_name = _("Doléances")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoleancesConfig(AppConfig):
    name = "doleances"
    verbose_name = _("Doléances")

    def ready(self):
        from core.signals import on_change
        from doleances.models import Category, Family
        from doleances.services import CATEGORIES

        on_change(CATEGORIES.clear, (Category, Family), "doleances.categories")

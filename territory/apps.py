from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "territory"
    verbose_name = _("Territoire")

    def ready(self):
        from core.signals import on_change
        from territory.models import Arrondissement, Quartier, Sector
        from territory.services import invalidate_territory_index

        on_change(invalidate_territory_index, (Quartier, Arrondissement, Sector), "territory.index")

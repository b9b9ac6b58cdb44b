from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "territory"
    verbose_name = _("Territoire")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from territory.models import Arrondissement, Quartier, Sector
        from territory.services import invalidate_territory_index

        for model in (Quartier, Arrondissement, Sector):
            uid = f"territory.index.{model._meta.label_lower}"
            post_save.connect(invalidate_territory_index, sender=model, dispatch_uid=uid + ".save")
            post_delete.connect(
                invalidate_territory_index, sender=model, dispatch_uid=uid + ".delete"
            )

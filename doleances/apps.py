from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoleancesConfig(AppConfig):
    name = "doleances"
    verbose_name = _("Doléances")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from doleances.models import Category, Family
        from doleances.services import CATEGORIES

        for model in (Category, Family):
            for signal in (post_save, post_delete):
                signal.connect(
                    CATEGORIES.clear,
                    sender=model,
                    dispatch_uid=f"doleances_categories_{model.__name__}_{signal is post_save}",
                )

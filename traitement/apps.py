from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraitementConfig(AppConfig):
    name = "traitement"
    verbose_name = _("Traitement des doléances")

    def ready(self):
        from doleances.retention import (
            register_closed_at_provider,
            register_personal_data_eraser,
        )
        from traitement import checks, receivers, retention  # noqa: F401 (checks registers)
        from traitement.routing import connect_revision_signals

        receivers.connect()
        connect_revision_signals()
        register_closed_at_provider(retention.closed_before)
        register_personal_data_eraser("traitement", retention.erase_case_texts)

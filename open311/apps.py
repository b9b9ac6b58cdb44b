from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "open311"
    verbose_name = _("Open311")

    def ready(self):
        from doleances.retention import register_personal_data_eraser
        from open311 import receivers
        from open311.retention import erase_request_attributes

        receivers.connect()
        register_personal_data_eraser("open311_request_attributes", erase_request_attributes)

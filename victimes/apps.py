from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VictimesConfig(AppConfig):
    name = "victimes"
    verbose_name = _("Aide aux victimes")

    def ready(self):
        from victimes import signals
        from victimes.privacy import install_log_filter

        install_log_filter()
        signals.connect()

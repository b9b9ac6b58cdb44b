from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VictimesConfig(AppConfig):
    name = "victimes"
    verbose_name = _("Aide aux victimes")

    def ready(self):
        from doleances.panels import register_complaint_panel
        from doleances.signals import complaint_filed
        from victimes import complaints, signals
        from victimes.privacy import install_log_filter

        install_log_filter()
        signals.connect()
        # After traitement's receiver (app order): the case exists when the copy is added.
        complaint_filed.connect(
            complaints.copy_to_victim_support, dispatch_uid="victimes.copy_to_victim_support"
        )
        register_complaint_panel("victimes", complaints.help_panel)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraitementConfig(AppConfig):
    name = "traitement"
    verbose_name = _("Traitement des doléances")

    def ready(self):
        from traitement import receivers

        receivers.connect()

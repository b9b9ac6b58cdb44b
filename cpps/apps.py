from django.apps import AppConfig


class CppsConfig(AppConfig):
    name = "cpps"
    verbose_name = "cpps"

    def ready(self):
        from cpps import checks  # noqa: F401 — registers the system checks

from django.apps import AppConfig


class CppsConfig(AppConfig):
    name = "cpps"
    verbose_name = "cpps"

from django.apps import AppConfig


class GuichetConfig(AppConfig):
    name = "guichet"

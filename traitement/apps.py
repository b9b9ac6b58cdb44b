from django.apps import AppConfig


class TraitementConfig(AppConfig):
    name = "traitement"

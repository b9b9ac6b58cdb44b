"""Refuse to serve with the public placeholder secret key when debug is off.

The key signs sessions and derives the tracking links' tokens: with a key anyone can read in
the repository, anyone could forge both.
"""

from django.conf import settings
from django.core.checks import Error, register

MIN_LENGTH = 50


@register()
def secret_key_is_set(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    key = settings.SECRET_KEY
    if key == settings.INSECURE_SECRET_KEY or len(key) < MIN_LENGTH:
        return [
            Error(
                "CPPS_SECRET_KEY manque ou vaut la clé publique de démonstration.",
                hint=(
                    "Hors mode debug, définissez CPPS_SECRET_KEY (au moins 50 caractères "
                    "aléatoires), ou CPPS_DEBUG=1 pour une démonstration locale."
                ),
                id="cpps.E001",
            )
        ]
    return []

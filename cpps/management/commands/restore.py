import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from cpps.backup import ENVIRONMENT, BackupError, restore


class Command(BaseCommand):
    help = gettext_lazy(
        "Restaure une sauvegarde de « cpps backup » (base, photos) à la place des données "
        "actuelles, puis reconstruit l'entrepôt de l'observatoire. Arrêtez d'abord le "
        "serveur web et le worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            result = restore(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        self.stdout.write(f"Réglages de la sauvegarde : {directory}/{ENVIRONMENT}")

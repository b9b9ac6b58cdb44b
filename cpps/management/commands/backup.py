import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from cpps.backup import BackupError, backup


class Command(BaseCommand):
    help = gettext_lazy(
        "Sauvegarde dans DOSSIER la base (sauvegarde en ligne SQLite ou pg_dump), les photos "
        "et les réglages nécessaires au redémarrage."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            manifest = backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(manifest, ensure_ascii=False, indent=2))

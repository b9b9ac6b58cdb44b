"""`cpps orientations import FICHIER.csv`: a month of orientation records kept in a
spreadsheet (columns: jour;guichet;situations;role;age;adresse_par;services;suivi)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from victimes.orientations import RecordFileError, import_file


class Command(BaseCommand):
    help = gettext_lazy(
        "Importe des orientations anonymes depuis un fichier CSV (idempotent : un nouvel "
        "import remplace les lignes importées des mêmes guichets et jours)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imported = sub.add_parser("import", help=gettext_lazy("importe FICHIER.csv"))
        imported.add_argument("file", metavar="FICHIER")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(_("Fichier illisible : %(error)s") % {"error": exc}) from exc
        try:
            report = import_file(text)
        except RecordFileError as exc:
            raise CommandError(
                _("Fichier refusé, rien n'a été importé :") + "\n" + "\n".join(exc.errors)
            ) from exc
        self.stdout.write(json.dumps(report, ensure_ascii=False))

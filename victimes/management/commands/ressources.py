"""`cpps ressources export DIR` / `cpps ressources import DIR`: the help directory as an
HSDS 3.0 tabular data package."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from victimes.exchange import PackageError, export_package, import_package


class Command(BaseCommand):
    help = gettext_lazy(
        "Exporte ou importe l'annuaire de l'aide aux victimes au format HSDS 3.0 "
        "(un fichier CSV par objet et datapackage.json)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help=gettext_lazy("écrit le paquet dans DOSSIER"))
        export.add_argument("directory", metavar="DOSSIER")
        imported = sub.add_parser("import", help=gettext_lazy("lit le paquet de DOSSIER"))
        imported.add_argument("directory", metavar="DOSSIER")

    def handle(self, *args, **options):
        try:
            if options["action"] == "export":
                report = export_package(options["directory"])
            else:
                report = import_package(options["directory"])
        except (PackageError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

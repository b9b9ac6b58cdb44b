import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from observatoire import opendata, store, writer


class Command(BaseCommand):
    help = gettext_lazy(
        "Entrepôt analytique de l'observatoire : mise à jour depuis la base des doléances, "
        "export Parquet, fichiers open data."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        refresh = commands.add_parser(
            "refresh",
            help=str(_("Met à jour l'entrepôt (incrémental ; à lancer chaque minute).")),
        )
        refresh.add_argument(
            "--full",
            action="store_true",
            help=str(_("Reconstruit tout l'entrepôt (par exemple chaque nuit).")),
        )
        export = commands.add_parser(
            "export-parquet",
            help=str(_("Exporte faits, agrégats et référentiels en Parquet partitionné.")),
        )
        export.add_argument("directory", help=str(_("Dossier de destination.")))
        published = commands.add_parser(
            "opendata",
            help=str(
                _("Écrit les agrégats publics (CSV, GeoJSON, Parquet) avec secret statistique.")
            ),
        )
        published.add_argument("directory", help=str(_("Dossier de destination.")))
        commands.add_parser("status", help=str(_("Affiche l'état de l'entrepôt.")))

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "refresh":
                result = self._refresh(options["full"])
            elif action == "export-parquet":
                result = store.export_parquet(Path(options["directory"]))
            elif action == "opendata":
                writer.refresh()
                result = opendata.write_files(Path(options["directory"]))
            else:
                result = store.status()
        except store.StoreBusy as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(
                _("Écriture impossible : %(error)s") % {"error": exc.strerror or exc}
            ) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))

    def _refresh(self, full: bool) -> dict:
        if not full and store.exists():
            return writer.refresh()
        with tqdm(
            desc=str(_("Doléances lues")), unit=" doléances", file=sys.stderr, leave=False
        ) as bar:
            return writer.refresh(full=True, progress=bar.update)

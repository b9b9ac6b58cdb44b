import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territory.download import ensure_geo_files
from territory.loader import (
    ARRONDISSEMENTS_FILE,
    QUARTIERS_FILE,
    TerritoryFileError,
    load_territory,
)


class Command(BaseCommand):
    help = gettext_lazy(
        "Territoire de Paris : « load » charge les contours officiels (arrondissements, quartiers)."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        load = actions.add_parser(
            "load",
            help=gettext_lazy(
                "Charge les contours depuis un dossier, deux fichiers, CPPS_GEO_DIR, ou à défaut "
                "les télécharge (Paris Open Data) dans CPPS_VAR_DIR/geo."
            ),
        )
        load.add_argument(
            "directory",
            nargs="?",
            help=_("Dossier contenant %(a)s et %(q)s.")
            % {"a": ARRONDISSEMENTS_FILE, "q": QUARTIERS_FILE},
        )
        load.add_argument(
            "--arrondissements", help=gettext_lazy("Fichier GeoJSON des 20 arrondissements.")
        )
        load.add_argument(
            "--quartiers", help=gettext_lazy("Fichier GeoJSON des 80 quartiers administratifs.")
        )

    def handle(self, *args, **options):
        arrondissements, quartiers = self._files(options)
        try:
            counts = load_territory(arrondissements, quartiers)
        except TerritoryFileError as exc:
            raise CommandError(str(exc)) from exc
        report = {"arrondissements_file": str(arrondissements), "quartiers_file": str(quartiers)}
        self.stdout.write(json.dumps({**report, **counts}, ensure_ascii=False, indent=2))

    def _files(self, options) -> tuple[Path, Path]:
        directory, arr, qu = options["directory"], options["arrondissements"], options["quartiers"]
        if directory and (arr or qu):
            raise CommandError(
                _("Indiquez soit un dossier, soit --arrondissements et --quartiers.")
            )
        if bool(arr) != bool(qu):
            raise CommandError(_("Indiquez les deux fichiers : --arrondissements et --quartiers."))
        if arr:
            return Path(arr), Path(qu)
        if directory:
            directory = Path(directory)
            if not directory.is_dir():
                raise CommandError(_("Dossier introuvable : %(dir)s") % {"dir": directory})
        elif settings.CPPS_GEO_DIR:
            directory = Path(settings.CPPS_GEO_DIR)
        else:
            self.stderr.write(_("Téléchargement des contours officiels (Paris Open Data)…"))
            try:
                directory = ensure_geo_files()
            except TerritoryFileError as exc:
                raise CommandError(str(exc)) from exc
        return directory / ARRONDISSEMENTS_FILE, directory / QUARTIERS_FILE

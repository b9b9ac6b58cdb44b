"""`cpps import dansmarue FILE` and `cpps import csv FILE --mapping MAPPING`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doleances.choices import Status
from guichet.importers.base import ImportConfigError
from guichet.importers.dansmarue import DansMaRueConverter
from guichet.importers.mapping import MappingConverter
from guichet.importers.reader import SourceError
from guichet.importers.runner import DEFAULT_BATCH_SIZE, run_import


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = gettext_lazy(
        "Importe des signalements depuis un fichier CSV (export DansMaRue ou CSV quelconque "
        "décrit par un fichier de correspondance). Relancer la commande reprend un import "
        "interrompu et n'importe jamais deux fois la même ligne."
    )

    def add_arguments(self, parser):
        formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
        dansmarue = formats.add_parser(
            "dansmarue",
            help=_("export DansMaRue de la Ville de Paris (données ouvertes « dans-ma-rue »)"),
        )
        generic = formats.add_parser(
            "csv", help=_("CSV quelconque, avec un fichier de correspondance JSON")
        )
        generic.add_argument(
            "--mapping",
            required=True,
            help=_("fichier JSON de correspondance des colonnes (voir docs/import.md)"),
        )
        generic.add_argument(
            "--source",
            default="",
            help=_("nom de la source (par défaut : celui du fichier de correspondance)"),
        )
        for sub in (dansmarue, generic):
            sub.add_argument("file", help=_("fichier CSV à importer"))
            sub.add_argument(
                "--rejects",
                default=None,
                help=_("fichier CSV des lignes rejetées (par défaut sous CPPS_VAR_DIR/imports/)"),
            )
            sub.add_argument(
                "--batch-size",
                type=_positive,
                default=DEFAULT_BATCH_SIZE,
                help=_("lignes par transaction (défaut : %(default)s)"),
            )
            sub.add_argument(
                "--limit",
                type=_positive,
                default=None,
                help=_("s'arrêter après ce nombre de lignes lues (la commande suivante reprend)"),
            )
            sub.add_argument(
                "--status",
                choices=Status.values,
                default=Status.NEW,
                help=_("statut des doléances importées (défaut : %(default)s)"),
            )
            sub.add_argument("--encoding", default="", help=_("encodage (détecté sinon)"))
            sub.add_argument("--delimiter", default="", help=_("séparateur (détecté sinon)"))
            sub.add_argument(
                "--no-progress", action="store_true", help=_("sans barre de progression")
            )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        try:
            if options["format"] == "dansmarue":
                converter = DansMaRueConverter(status=options["status"])
                encoding, delimiter = options["encoding"], options["delimiter"]
            else:
                converter = MappingConverter.from_file(
                    options["mapping"],
                    source=options["source"],
                    status=options["status"],
                    name=path.name,
                )
                encoding = options["encoding"] or converter.encoding
                delimiter = options["delimiter"] or converter.delimiter
            summary = run_import(
                path,
                converter,
                rejects_path=options["rejects"],
                batch_size=options["batch_size"],
                limit=options["limit"],
                encoding=encoding,
                delimiter=delimiter,
                progress=not options["no_progress"],
            )
        except (SourceError, ImportConfigError) as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:
            raise CommandError(
                _(
                    "Import interrompu (%(error)s). Les lots déjà enregistrés sont conservés : "
                    "relancez la même commande pour reprendre."
                )
                % {"error": exc}
            ) from exc
        self._print(path, converter, summary)

    def _print(self, path, converter, summary):
        out = self.stdout
        out.write(_("Import %(format)s : %(file)s") % {"format": converter.label, "file": path})
        if summary.resumed_from_line:
            out.write(_("  reprise à la ligne %(line)d") % {"line": summary.resumed_from_line})
        out.write(_("  lignes lues : %(n)d") % {"n": summary.read})
        out.write(_("  doléances créées : %(n)d") % {"n": summary.created})
        out.write(_("  déjà présentes (ignorées) : %(n)d") % {"n": summary.existing})
        if summary.rejected:
            out.write(
                _("  rejetées : %(n)d (motifs dans %(path)s)")
                % {"n": summary.rejected, "path": summary.rejects_path}
            )
        else:
            out.write(_("  rejetées : 0"))
        for line in summary.extra_lines:
            out.write("  " + line)
        if not summary.complete:
            out.write(
                _("Import partiel : relancez la même commande pour traiter la suite du fichier.")
            )
        out.write(json.dumps(summary.figures()))

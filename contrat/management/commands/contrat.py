"""`cpps contrat export|import|refresh`: the whole contract in and out, computed values."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import log_event
from accounts.choices import AuditAction
from contrat import computed, exchange, importer


class Command(BaseCommand):
    help = gettext_lazy(
        "Pilotage du contrat : exporter ou importer tout le référentiel et les valeurs "
        "(XLSX ou CSV), recalculer les indicateurs calculés par l'observatoire."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser(
            "export", help=gettext_lazy("exporter le référentiel et les valeurs")
        )
        export.add_argument(
            "--format",
            choices=("xlsx", "csv"),
            default="xlsx",
            help=gettext_lazy(
                "xlsx : un onglet par table ; csv : un fichier par table, dans un dossier "
                "(ou une archive si SORTIE finit par .zip)"
            ),
        )
        export.add_argument("out", metavar="SORTIE", help=gettext_lazy("fichier ou dossier"))
        load = actions.add_parser(
            "import",
            help=gettext_lazy("importer (mise à jour par clés naturelles, sans suppression)"),
        )
        load.add_argument(
            "source",
            metavar="FICHIER",
            help=gettext_lazy("classeur .xlsx, archive .zip de CSV ou dossier de CSV"),
        )
        refresh = actions.add_parser(
            "refresh", help=gettext_lazy("recalculer les indicateurs calculés par l'observatoire")
        )
        refresh.add_argument(
            "--annee",
            type=int,
            default=None,
            help=gettext_lazy("une seule année (par défaut : toutes les années du contrat)"),
        )

    def handle(self, *args, **options):
        getattr(self, f"handle_{options['action']}")(options)

    def handle_export(self, options):
        out = Path(options["out"])
        if options["format"] == "xlsx":
            if out.suffix.lower() != ".xlsx":
                raise CommandError(
                    _("Le fichier XLSX doit finir par .xlsx : %(out)s") % {"out": out}
                )
            out.parent.mkdir(parents=True, exist_ok=True)
            exchange.write_xlsx(out)
        else:
            if out.suffix.lower() == ".zip":
                out.parent.mkdir(parents=True, exist_ok=True)
            exchange.write_csv(out)
        log_event(None, AuditAction.EXPORT, details={"what": "contract", "file": str(out)[:200]})
        self.stdout.write(_("Contrat exporté : %(out)s") % {"out": out})

    def handle_import(self, options):
        source = Path(options["source"])
        if not source.exists():
            raise CommandError(_("Introuvable : %(source)s") % {"source": source})
        try:
            report = importer.import_tables(exchange.read_tables(source))
        except exchange.ExchangeError as error:
            raise CommandError(
                _("Import refusé, rien n'a été enregistré :") + "\n" + "\n".join(error.errors)
            ) from error
        log_event(
            None,
            AuditAction.OTHER,
            details={
                "operation": "contract_import",
                "file": str(source)[:200],
                "created": report.created,
                "updated": report.updated,
            },
        )
        self.stdout.write(_("Import terminé : %(summary)s.") % {"summary": report.summary()})

    def handle_refresh(self, options):
        stored = computed.refresh_computed_values(options["annee"])
        self.stdout.write(
            _("Indicateurs calculés : %(count)d valeur(s) à jour.") % {"count": stored}
        )

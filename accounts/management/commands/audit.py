import contextlib
import getpass
import sys
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.audit import log_event
from accounts.choices import AuditAction
from accounts.services import EXPORT_FORMATS, AuditFilters, export_lines, filter_events, iterate


def _parse_moment(value: str) -> date | datetime:
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"Date invalide : {value!r} (attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM)."
        ) from exc


class Command(BaseCommand):
    help = "Journal d'audit. « cpps audit export » exporte les événements (CSV ou JSON Lines)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="Exporte les événements du journal d'audit.")
        export.add_argument("--since", help="Depuis cette date (AAAA-MM-JJ), incluse.")
        export.add_argument("--until", help="Jusqu'à cette date (AAAA-MM-JJ), incluse.")
        export.add_argument("--action", choices=AuditAction.values, help="Une seule action.")
        export.add_argument("--actor", default="", help="Identifiant (ou partie) de l'auteur.")
        export.add_argument("--reference", default="", help="Référence de doléance.")
        export.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
        export.add_argument("--output", help="Fichier de sortie (par défaut : sortie standard).")

    def handle(self, *args, **options):
        filters = AuditFilters(
            actor=options["actor"],
            action=options["action"] or "",
            since=_parse_moment(options["since"]) if options["since"] else None,
            until=_parse_moment(options["until"]) if options["until"] else None,
            reference=options["reference"],
        )
        events = filter_events(filters)
        total = events.count()
        log_event(
            None,
            AuditAction.EXPORT,
            details={
                "export": "audit",
                "via": "cli",
                "system_user": getpass.getuser(),
                "format": options["format"],
                "filters": filters.as_dict(),
                "count": total,
                "output": options["output"] or "stdout",
            },
        )
        with contextlib.ExitStack() as stack:
            out = (
                stack.enter_context(open(options["output"], "w", encoding="utf-8", newline=""))
                if options["output"]
                else self.stdout
            )
            # Progress on stderr, only when it is a terminal (disable=None).
            progress = tqdm(iterate(events), total=total, unit="évt", file=sys.stderr, disable=None)
            for line in export_lines(progress, options["format"]):
                out.write(line)

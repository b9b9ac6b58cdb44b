from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from observatoire.subscriptions import send_digests


class Command(BaseCommand):
    help = gettext_lazy(
        "Envoie à chaque abonné·e le courriel hebdomadaire des alertes de son secteur "
        "(à programmer chaque semaine, par exemple le lundi matin)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("Affiche ce qui serait envoyé, sans rien envoyer."),
        )
        parser.add_argument(
            "--date",
            help=gettext_lazy(
                "Jour de référence AAAA-MM-JJ : alertes de la dernière semaine complète "
                "avant ce jour (par défaut : aujourd'hui)."
            ),
        )

    def handle(self, *args, **options):
        try:
            as_of = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError(
                _("Date invalide : %(date)s (format attendu : AAAA-MM-JJ).")
                % {"date": options["date"]}
            ) from error
        report = send_digests(as_of, dry_run=options["dry_run"])
        verb = _("serait envoyé") if options["dry_run"] else _("envoyé")
        for address, sector, count in report.sent:
            self.stdout.write(
                _("%(address)s — %(sector)s : %(count)d alerte(s), courriel %(verb)s.")
                % {"address": address, "sector": sector, "count": count, "verb": verb}
            )
        if options["dry_run"]:
            summary = _("Simulation : %(sent)d courriel(s) à envoyer, aucun envoyé.")
        else:
            summary = _("%(sent)d courriel(s) envoyé(s).")
        self.stdout.write(
            (summary % {"sent": len(report.sent)})
            + " "
            + _(
                "Sans alerte cette semaine : %(quiet)d ; sans adresse : %(no_address)d ; "
                "sans accès au secteur : %(no_access)d."
            )
            % {
                "quiet": report.without_alert,
                "no_address": report.without_address,
                "no_access": report.without_access,
            }
        )

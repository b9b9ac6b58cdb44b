from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prevention.loop import expire_due
from prevention.register import reduce_old_events, retention_cutoff, retention_months


class Command(BaseCommand):
    help = gettext_lazy(
        "Réduit les événements du registre de prévention plus anciens que "
        "CPPS_PREVENTION_RETENTION_MOIS à des comptes mensuels par territoire, les efface, et "
        "clôt les alertes arrivées à leur horizon (à programmer chaque jour)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help=gettext_lazy("Jour de référence AAAA-MM-JJ."))

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError(
                _("Date invalide : %(date)s (format attendu : AAAA-MM-JJ).")
                % {"date": options["date"]}
            ) from error
        deleted = reduce_old_events(today)
        expired = expire_due()
        cutoff = retention_cutoff(today or date.today())
        self.stdout.write(
            _(
                "%(deleted)d événement(s) antérieur(s) au %(cutoff)s réduit(s) à des comptes "
                "mensuels puis effacé(s) (conservation : %(months)d mois) ; %(expired)d "
                "alerte(s) expirée(s)."
            )
            % {
                "deleted": deleted,
                "cutoff": cutoff.strftime("%d/%m/%Y"),
                "months": retention_months(),
                "expired": expired,
            }
        )

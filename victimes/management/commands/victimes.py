"""`cpps victimes rapport --annee YYYY [--guichet CODE] [--out DIR]`: the annual activity
report of each victim-support or ISC desk (HTML + PDF), small counts suppressed."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Desk
from victimes import report


class Command(BaseCommand):
    help = gettext_lazy("Rapports d'activité annuels des guichets d'aide aux victimes.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rapport = sub.add_parser("rapport", help=gettext_lazy("rapport annuel (HTML et PDF)"))
        rapport.add_argument("--annee", type=int, required=True, help=gettext_lazy("année"))
        rapport.add_argument("--guichet", help=gettext_lazy("code du guichet (défaut : tous)"))
        rapport.add_argument("--out", help=gettext_lazy("dossier de sortie"))

    def handle(self, *args, **options):
        year = options["annee"]
        if not 2000 <= year <= 2100:
            raise CommandError(_("Année invalide : %(year)s.") % {"year": year})
        if options["guichet"]:
            desks = list(Desk.objects.filter(code=options["guichet"]))
            if not desks:
                raise CommandError(_("Guichet inconnu : %(code)s.") % {"code": options["guichet"]})
        else:
            desks = list(report.desks_with_records(year))
            if not desks:
                self.stdout.write(_("Aucune orientation enregistrée en %(year)s.") % {"year": year})
                return
        for path in report.write(year, desks, options["out"]):
            self.stdout.write(str(path))

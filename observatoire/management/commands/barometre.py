import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from observatoire import barometre
from territory.models import Sector


class Command(BaseCommand):
    help = gettext_lazy(
        "Produit le baromètre mensuel (HTML et PDF) de Paris et de chaque secteur, ou d'un "
        "seul secteur avec --secteur."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--month",
            "--mois",
            dest="month",
            help=gettext_lazy("Mois au format AAAA-MM (par défaut : le mois précédent)."),
        )
        parser.add_argument(
            "--secteur",
            help=gettext_lazy(
                "Code du secteur (ex. paris-18) ; sans lui : Paris et les 17 secteurs."
            ),
        )
        parser.add_argument(
            "--out",
            help=gettext_lazy("Dossier de sortie (par défaut : CPPS_VAR_DIR/reports/barometres/)."),
        )
        parser.add_argument(
            "--format",
            choices=("html", "pdf", "tout"),
            default="tout",
            help=gettext_lazy("Format(s) produit(s) : html, pdf ou tout (par défaut)."),
        )

    def handle(self, *args, **options):
        try:
            month = (
                barometre.parse_month(options["month"])
                if options["month"]
                else barometre.previous_month(date.today())
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if month > date.today():
            raise CommandError(_("Ce mois n'est pas encore commencé."))
        if options["secteur"]:
            sector = Sector.objects.filter(code=options["secteur"]).first()
            if sector is None:
                codes = ", ".join(Sector.objects.values_list("code", flat=True))
                raise CommandError(
                    _("Secteur inconnu : %(code)s (secteurs : %(codes)s).")
                    % {"code": options["secteur"], "codes": codes or "—"}
                )
            places = [sector]
        else:
            places = [None, *Sector.objects.all()]
        formats = ("html", "pdf") if options["format"] == "tout" else (options["format"],)
        out = Path(options["out"]) if options["out"] else barometre.default_dir()
        for place in tqdm(places, desc=_("Baromètres"), file=sys.stderr, disable=None):
            paths = barometre.write(month, place, out, formats)
            for path in paths.values():
                self.stdout.write(str(path))

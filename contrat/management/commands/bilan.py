"""`cpps bilan --annee 2025 [--secteur paris-18] [--out DIR]`: the annual report."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contrat import bilan
from territory.models import Sector


class Command(BaseCommand):
    help = gettext_lazy(
        "Produit le bilan annuel du contrat pour le comité de pilotage (HTML, PDF, DOCX) : "
        "par axe et par priorité, les actions réalisées, les indicateurs face à leurs cibles "
        "et les chiffres clés de l'observatoire."
    )

    def add_arguments(self, parser):
        parser.add_argument("--annee", type=int, required=True, help=gettext_lazy("année du bilan"))
        parser.add_argument(
            "--secteur",
            default="",
            help=gettext_lazy("code du secteur (ex. paris-18) ; par défaut tout Paris"),
        )
        parser.add_argument(
            "--out",
            default=None,
            help=gettext_lazy("dossier de sortie (défaut : CPPS_VAR_DIR/reports/bilans/)"),
        )
        parser.add_argument(
            "--format",
            action="append",
            choices=bilan.FORMATS,
            help=gettext_lazy("format(s) à produire (répétable ; défaut : tous)"),
        )

    def handle(self, *args, **options):
        sector = None
        if options["secteur"]:
            sector = Sector.objects.filter(code=options["secteur"]).first()
            if sector is None:
                codes = ", ".join(Sector.objects.values_list("code", flat=True))
                raise CommandError(
                    _("Secteur inconnu : %(code)s. Secteurs : %(codes)s.")
                    % {"code": options["secteur"], "codes": codes}
                )
        year = options["annee"]
        if not 2000 <= year <= 2100:
            raise CommandError(_("Année invalide : %(year)s.") % {"year": year})
        for path in bilan.write(year, sector, options["out"], options["format"] or bilan.FORMATS):
            self.stdout.write(str(path))

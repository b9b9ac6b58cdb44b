import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from territory.services import InvalidInput, locate


class Command(BaseCommand):
    help = _("Situe un point WGS84 : quartier, arrondissement, secteur CSPA et cellules H3 (JSON).")

    def add_arguments(self, parser):
        parser.add_argument("lat", help=_("Latitude en degrés décimaux (ex. 48.8566)."))
        parser.add_argument("lon", help=_("Longitude en degrés décimaux (ex. 2.3522)."))

    def handle(self, *args, **options):
        try:
            answer = locate(options["lat"], options["lon"])
        except InvalidInput as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))

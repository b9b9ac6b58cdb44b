import json

from django.core.management.base import BaseCommand

from doleances.retention import purge_personal_data


class Command(BaseCommand):
    help = (
        "Efface les données personnelles (déclarant·es, photos, lien média, description libre) "
        "des doléances clôturées depuis plus de CPPS_RETENTION_MONTHS mois (12 par défaut). "
        "Le dossier est conservé. À lancer chaque jour, par exemple par cron : "
        "« 30 3 * * * cd /srv/cpps && .venv/bin/cpps purge_personal_data »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compte ce qui serait effacé sans rien modifier.",
        )

    def handle(self, *args, **options):
        report = purge_personal_data(dry_run=options["dry_run"])
        self.stdout.write(
            json.dumps(
                {
                    "simulation": report.dry_run,
                    "clotures_avant": report.cutoff.isoformat(),
                    "doleances": report.complaints,
                    "declarants_effaces": report.complainants,
                    "photos_supprimees": report.photos,
                    "descriptions_effacees": report.descriptions,
                    "liens_media_effaces": report.media_links,
                    "autres": report.others,
                },
                ensure_ascii=False,
                indent=2,
            )
        )

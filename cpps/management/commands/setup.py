import json

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import create_demo_accounts
from cpps.bootstrap import load_referentials


class Command(BaseCommand):
    help = (
        "Prépare une instance : migrations, table du cache, référentiels parisiens (territoire, "
        "taxonomie, partenaires, règles), et en option les comptes de démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--geo-dir",
            help="Dossier des GeoJSON officiels (sinon CPPS_GEO_DIR ou téléchargement).",
        )
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="Crée un compte de démonstration par rôle.",
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        # The table of the database cache (CPPS_CACHE_BACKEND=database); kept if it exists.
        call_command("createcachetable", verbosity=0)
        report = load_referentials(options["geo_dir"])
        if options["demo_accounts"]:
            report["demo_accounts"] = create_demo_accounts()
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

"""`cpps stats`: complaint counts as JSON (by status, channel, category, arrondissement)."""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from doleances.stats import complaint_stats


class Command(BaseCommand):
    help = _(
        "Affiche en JSON le nombre de doléances, au total et par statut, canal, catégorie et "
        "arrondissement."
    )

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(complaint_stats(), ensure_ascii=False))

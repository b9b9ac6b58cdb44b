"""The territory index is trusted for a few seconds without a query, and follows this
process's edits of the territory at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from territory.models import Quartier
from territory.services import locate_many, territory_index


def test_a_warm_index_costs_no_query(paris):
    territory_index()
    with CaptureQueriesContext(connection) as queries:
        located = locate_many([48.8665], [2.3745])
    assert located.arrondissement_id[0] and len(queries) == 0


def test_an_edited_quartier_is_followed_at_once(paris):
    quartier = Quartier.objects.get(name="Folie-Méricourt")
    assert territory_index().quartiers[quartier.pk].name == "Folie-Méricourt"
    quartier.name = "Folie-Méricourt (renommé)"
    quartier.save()
    assert territory_index().quartiers[quartier.pk].name == "Folie-Méricourt (renommé)"

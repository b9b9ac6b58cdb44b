"""What an Open311 filing costs: a bounded number of queries once the process is warm."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from open311.models import ApiKey, RequestAttributes
from tests.open311.conftest import REPUBLIQUE, post_request

pytestmark = pytest.mark.django_db

# Key, its minute's count (one UPDATE … RETURNING), BEGIN (the service and its attributes
# are kept a few seconds by core.memo), the reference with the statement timeouts
# (PostgreSQL), then on PostgreSQL the complaint with its contact, its automatic retry key and
# its request attributes in one statement, the case, its copies (this service's rule sends
# one), its event and the routing revision's check in another, COMMIT (here a savepoint and
# its release: the test's transaction is around). No look-up of the retry key first: its
# unique key tells a retry apart as it is written. SQLite counts its references in a row (one
# upsert, no statement timeout), writes each table apart and reads the routing revision.
MAX_QUERIES = {"postgresql": 7, "sqlite": 12}


def test_an_open311_filing_costs_a_bounded_number_of_queries(client, paris, api_key):
    def post(text):
        return post_request(
            client, api_key=api_key, service_code="depots-sauvages", description=text, **REPUBLIQUE
        )

    assert post("Premier dépôt").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = post("Deuxième dépôt")
    assert response.status_code == 200, response.content
    assert len(queries) <= MAX_QUERIES[connection.vendor], "\n".join(q["sql"][:90] for q in queries)
    assert RequestAttributes.objects.count() == 2
    assert ApiKey.objects.get().last_used_at is not None

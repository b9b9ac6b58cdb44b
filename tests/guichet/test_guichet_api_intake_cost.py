"""What an API filing costs: a bounded number of queries, and an answer built without the
serializer that still says exactly what the serializer says (issue 12, intake)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doleances.models import Complaint
from guichet.api.serializers import ComplaintCreatedSerializer
from tests.guichet.test_guichet_api import IN_11E, IN_18E, create

# Statements of one filing once the process is warm (routing table, territory index, the
# year's reference sequence, the category kept a few seconds by core.memo): the token with
# its account and profile, BEGIN, the reference with the statement timeouts (PostgreSQL), the
# complaint (with its contact when given), then on PostgreSQL the case, its event and the
# routing revision's check in one statement, COMMIT (here a savepoint and its release: the
# test's transaction is around). No look-up of the external_id first: the unique key tells a
# retry apart as the complaint is written. SQLite counts its references in a row (one
# upsert, no statement timeout), reads the routing revision and writes the case and the
# event apart.
MAX_QUERIES = {"postgresql": 6, "sqlite": 8}


def test_an_api_filing_costs_a_bounded_number_of_queries(partner):
    assert create(partner, external_id="warm-up").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = create(partner, description="Tapage", external_id="counted")
    assert response.status_code == 201, response.json()
    assert len(queries) <= MAX_QUERIES[connection.vendor], "\n".join(q["sql"][:90] for q in queries)


@pytest.mark.parametrize(
    "fields",
    [
        {"description": "Musique forte", "external_id": "x-1"},
        {**IN_18E, "category": "point-deal", "occurred_at": "2026-01-10T22:30:00+01:00"},
        {
            "category": "vol-agression",
            "received_at": "2026-01-11T08:00:00Z",
            "contact": {"email": "c@example.org", "consent_contact": True},
        },
    ],
)
def test_the_created_answer_is_the_serializers(partner, fields):
    response = create(partner, **fields)
    assert response.status_code == 201, response.json()
    complaint = Complaint.objects.select_related(
        "category__family", "quartier", "arrondissement", "sector"
    ).get()
    request = response.wsgi_request
    assert (
        response.json() == ComplaintCreatedSerializer(complaint, context={"request": request}).data
    )


def test_a_retry_and_a_postal_code_answer_as_before(partner):
    first = create(partner, external_id="same")
    again = create(partner, external_id="same")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    by_postal_code = partner.post(
        "/api/v1/doleances/",
        {"category": "depots-sauvages", "postal_code": "75011"},
        format="json",
    )
    assert by_postal_code.status_code == 201, by_postal_code.json()
    body = by_postal_code.json()
    assert body["location"]["quartier"] is None
    assert body["location"]["arrondissement"]["number"] == 11


def test_the_answer_follows_a_point_elsewhere(partner):
    body = create(partner, **IN_11E).json()
    assert body["location"]["arrondissement"]["number"] == 11

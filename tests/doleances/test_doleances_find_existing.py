"""A retried filing is found by its (source, external_id) through the unique index, not by
reading the whole complaint table (issue 12, intake at load)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doleances.services import file_complaint, find_existing
from tests.doleances.test_doleances_intake import complaint_input


def test_a_filing_is_found_by_its_source_and_external_id_only(paris):
    first = file_complaint(complaint_input(source="partenaire", external_id="A-1"))
    file_complaint(complaint_input(source="autre", external_id="A-1"))
    file_complaint(complaint_input(source="partenaire"))
    assert find_existing("partenaire", "A-1") == first
    assert find_existing("partenaire", "A-2") is None
    assert find_existing("partenaire", "") is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_look_up_uses_the_partial_unique_index(paris):
    with CaptureQueriesContext(connection) as queries:
        find_existing("partenaire", "A-1")
    [look_up] = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {look_up['sql']}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "complaint_unique_external_id" in plan, plan

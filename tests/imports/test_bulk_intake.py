"""The batch intake: what a demo generator or an import gets from `file_complaints`."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doleances.bulk import file_complaints
from doleances.choices import Channel
from doleances.models import Category, Complainant, Complaint
from doleances.services import ComplaintInput, ContactInput, file_complaint
from doleances.signals import complaints_filed_bulk
from traitement.models import Case

PARIS = ZoneInfo("Europe/Paris")


def _item(category, **kwargs):
    values = {
        "category": category,
        "channel": Channel.IMPORT,
        "latitude": 48.8566,
        "longitude": 2.3522,
        "source": "test",
    }
    values.update(kwargs)
    return ComplaintInput(**values)


@pytest.fixture
def graffitis(paris):
    return Category.objects.get(code="graffitis")


def test_valid_items_are_stored_located_and_numbered_in_order(graffitis):
    items = [
        _item(graffitis, external_id="a", received_at=datetime(2024, 12, 31, 23, 30, tzinfo=PARIS)),
        _item(graffitis, external_id="b", latitude=48.8867, longitude=2.3431),
        _item(graffitis, external_id="c", received_at=datetime(2025, 1, 1, 0, 30, tzinfo=PARIS)),
    ]
    result = file_complaints(items)

    assert [c.external_id for c in result.created] == ["a", "b", "c"]
    assert all(c.pk for c in result.created)
    assert result.existing == 0 and result.rejected == []
    stored = {c.external_id: c for c in Complaint.objects.select_related("arrondissement")}
    assert stored["a"].arrondissement.number == 4
    assert stored["b"].arrondissement.number == 18  # Montmartre
    assert stored["a"].reference.startswith("DOL-2024-")  # Paris time, not UTC
    assert stored["c"].reference.startswith("DOL-2025-")
    assert stored["a"].h3_r8 and stored["a"].sector_id


def test_references_continue_the_single_intake_numbering(graffitis):
    first = file_complaint(_item(graffitis, external_id="one"))
    created = file_complaints([_item(graffitis, external_id=str(i)) for i in range(3)]).created
    after = file_complaint(_item(graffitis, external_id="last"))
    numbers = [int(c.reference.rsplit("-", 1)[1]) for c in [first, *created, after]]
    assert numbers == list(range(numbers[0], numbers[0] + 5))


def test_invalid_items_are_rejected_with_french_reasons_and_the_rest_stored(graffitis):
    items = [
        _item(graffitis, external_id="ok"),
        _item(None, external_id="no-category"),
        _item(graffitis, external_id="lyon", latitude=45.76, longitude=4.83),
        _item(graffitis, external_id="long", description="x" * 5000),
        _item(graffitis, external_id="nowhere", latitude=None, longitude=None),
        _item(graffitis, external_id="z" * 121),
    ]
    result = file_complaints(items)

    assert [c.external_id for c in result.created] == ["ok"]
    reasons = dict(result.rejected)
    assert sorted(reasons) == [1, 2, 3, 4, 5]
    assert "catégorie" in reasons[1]
    assert "en dehors de Paris" in reasons[2]
    assert "4000 caractères" in reasons[3]
    assert "Indiquez le lieu" in reasons[4]
    assert "identifiant externe" in reasons[5]


def test_already_stored_and_repeated_external_ids_are_counted_not_duplicated(graffitis):
    file_complaints([_item(graffitis, external_id="x1")])
    result = file_complaints(
        [
            _item(graffitis, external_id="x1"),
            _item(graffitis, external_id="x2"),
            _item(graffitis, external_id="x2"),
            _item(graffitis, external_id="x1", source="other-source"),
        ]
    )
    assert [(c.source, c.external_id) for c in result.created] == [
        ("test", "x2"),
        ("other-source", "x1"),
    ]
    assert result.existing == 2
    assert Complaint.objects.count() == 3


def test_contacts_are_stored_apart_for_the_right_complaint(graffitis):
    contact = ContactInput(name="Camille", email="camille@example.org", consent_contact=True)
    result = file_complaints(
        [_item(graffitis, external_id="anon"), _item(graffitis, external_id="c", contact=contact)]
    )
    person = Complainant.objects.get()
    assert person.complaint == result.created[1]
    assert person.email == "camille@example.org" and person.consent_contact


def test_the_bulk_signal_carries_the_stored_complaints(graffitis):
    received = []

    def receiver(sender, complaints, **kwargs):
        received.append([c.pk for c in complaints])

    complaints_filed_bulk.connect(receiver)
    try:
        created = file_complaints([_item(graffitis, external_id="s1")]).created
        file_complaints([_item(graffitis, external_id="s1")])  # nothing new: no signal
    finally:
        complaints_filed_bulk.disconnect(receiver)
    assert received == [[created[0].pk]]
    assert Case.objects.filter(pk=created[0].pk).exists()  # routing received it too


def test_a_failing_receiver_rolls_the_whole_batch_back(graffitis):
    def receiver(sender, complaints, **kwargs):
        raise RuntimeError("routing down")

    complaints_filed_bulk.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            file_complaints([_item(graffitis, external_id=str(i)) for i in range(3)])
    finally:
        complaints_filed_bulk.disconnect(receiver)
    assert not Complaint.objects.exists()
    # Filed again, nothing stands in its way (on PostgreSQL the rolled-back numbers are a gap
    # in the year's sequence: references are unique and increasing, not gapless).
    [again] = file_complaints([_item(graffitis, external_id="0")]).created
    assert again.reference.startswith("DOL-") and Complaint.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_look_up_of_stored_ids_searches_the_unique_index(graffitis):
    # Without the index's condition in the query, SQLite scanned the whole table each batch.
    with CaptureQueriesContext(connection) as queries:
        file_complaints([_item(graffitis, external_id="p1"), _item(graffitis, external_id="p2")])
    [look_up] = [q["sql"] for q in queries if q["sql"].startswith("SELECT external_id")]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {look_up}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "complaint_unique_external_id" in plan, plan

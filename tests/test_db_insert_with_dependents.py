"""core.db.insert_with_dependents writes what `save()` and `create()` would, on both databases:
the instance with its auto_now values and its new key, the rows that point to it; on
PostgreSQL in one statement. And the intake built on it tells a retry apart by the unique keys
as it writes (doleances.services.file_complaint)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.db import insert_with_dependents
from doleances.choices import Channel
from doleances.idempotency import RetryKey
from doleances.models import Category, Complainant, Complaint, IntakeKey
from doleances.services import ComplaintInput, ContactInput, file_complaint
from traitement.models import Case

pytestmark = pytest.mark.django_db


def unsaved(reference="TEST-1"):
    return Complaint(
        reference=reference,
        category=Category.objects.get(code="bruit-rue"),
        channel=Channel.API,
        description="Musique forte",
        latitude=48.8566,
        longitude=2.3522,
    )


def test_the_instance_and_its_dependents_are_written_as_save_writes_them(paris):
    complaint = unsaved()
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        insert_with_dependents(
            complaint,
            [
                (Complainant, [{"email": "a@example.org"}, {"name": "B", "phone": "0102"}]),
                (IntakeKey, [{"scope": "api:1", "key": "k", "fingerprint": "f" * 64}]),
                (Case, []),  # nothing to write: no clause
            ],
        )
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    assert complaint.pk is not None and not complaint._state.adding
    assert complaint.created_at >= before and complaint.updated_at >= before  # auto_now
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.reference, stored.description, stored.created_at) == (
        "TEST-1",
        "Musique forte",
        complaint.created_at,
    )
    contacts = list(stored.complainants.order_by("pk").values_list("email", "name", "phone"))
    assert contacts == [("a@example.org", "", ""), ("", "B", "0102")]
    assert stored.complainants.first().created_at >= before  # the dependents' auto_now
    assert IntakeKey.objects.get().complaint_id == complaint.pk
    stored.delete()  # written without its case: not left for the check after each test


def test_a_dependent_breaking_a_constraint_stores_nothing(paris):
    insert_with_dependents(unsaved("TEST-1"), [(IntakeKey, [{"scope": "s", "key": "k"}])])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_dependents(unsaved("TEST-2"), [(IntakeKey, [{"scope": "s", "key": "k"}])])
    assert list(Complaint.objects.values_list("reference", flat=True)) == ["TEST-1"]
    Complaint.objects.all().delete()  # written without its case


def test_the_complaint_has_no_save_receivers_that_intake_would_skip():
    # insert_with_dependents sends no pre_save/post_save: intake relies on nobody listening.
    for signal in (pre_save, post_save):
        assert not signal.has_listeners(Complaint)
        assert not signal.has_listeners(Complainant)
        assert not signal.has_listeners(IntakeKey)


def filing(retry=None, **fields):
    return ComplaintInput(
        category=Category.objects.get(code="bruit-rue"),
        channel=Channel.API,
        latitude=48.8566,
        longitude=2.3522,
        retry=retry,
        **fields,
    )


def test_a_retry_is_told_apart_when_written_and_leaves_no_trace(paris):
    first = file_complaint(filing(source="api:p", external_id="x-1"))
    again = file_complaint(filing(source="api:p", external_id="x-1", description="autre"))
    assert again.pk == first.pk
    key = RetryKey("api:1", "same", "f" * 64, timedelta(hours=1))
    by_key = file_complaint(filing(retry=key, contact=ContactInput(email="a@example.org")))
    assert file_complaint(filing(retry=key)).pk == by_key.pk
    # The retries' transactions were undone: no complaint, contact or case of theirs.
    assert Complaint.objects.count() == 2 == Case.objects.count()
    assert Complainant.objects.count() == 1


def test_an_expired_retry_key_files_the_request_afresh(paris):
    key = RetryKey("api:1", "same", "f" * 64, timedelta(hours=1))
    first = file_complaint(filing(retry=key))
    IntakeKey.objects.update(created_at=timezone.now() - timedelta(hours=2))
    second = file_complaint(filing(retry=key))
    assert second.pk != first.pk
    assert IntakeKey.objects.get().complaint_id == second.pk
    assert Case.objects.filter(pk=second.pk).exists()

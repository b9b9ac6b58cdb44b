"""core.db.insert_rows writes what bulk_create would write, on both databases; with keys from
`reserve_pks` it writes them as given."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from core.db import insert_rows, reserve_pks
from doleances.choices import Channel, Status
from doleances.models import Category
from doleances.services import ComplaintInput, file_complaint
from traitement.choices import EventKind
from traitement.models import Case, CaseEvent

COLUMNS = [
    "case_id", "at", "actor_id", "kind", "from_status", "to_status", "from_desk_id",
    "to_desk_id", "comment", "public_message", "is_public",
]  # fmt: skip


@pytest.fixture
def case(paris):
    complaint = file_complaint(
        ComplaintInput(
            category=Category.objects.get(code="bruit-rue"),
            channel=Channel.WEB,
            latitude=48.8566,
            longitude=2.3522,
        )
    )
    return Case.objects.select_related("desk").get(pk=complaint.pk)


def events_for(case, marker):
    return [
        {
            "case_id": case.pk,
            "at": datetime(2026, 3, 1, 23, 59, 58, 123456, tzinfo=UTC) + timedelta(hours=i),
            "kind": EventKind.NOTE,
            "from_status": Status.NEW,
            "to_status": "",
            "to_desk_id": case.desk_id if i % 2 else None,
            "comment": f"{marker} « note » n°{i}\navec retour à la ligne",
            "is_public": bool(i % 2),
        }
        for i in range(3)
    ]


def test_rows_read_back_as_bulk_create_writes_them(case):
    CaseEvent.objects.bulk_create([CaseEvent(**row) for row in events_for(case, "x")])
    assert insert_rows(CaseEvent, events_for(case, "x")) == 3
    rows = list(
        CaseEvent.objects.filter(comment__startswith="x").order_by("pk").values_list(*COLUMNS)
    )
    assert len(rows) == 6
    assert rows[:3] == rows[3:]
    assert rows[1][1] == datetime(2026, 3, 2, 0, 59, 58, 123456, tzinfo=UTC)


def test_defaults_and_auto_now_apply(case):
    before = datetime.now(UTC)
    Case.objects.filter(pk=case.pk).delete()
    insert_rows(Case, [{"complaint_id": case.pk, "received_at": before, "due_at": before}])
    stored = Case.objects.get(pk=case.pk)
    assert stored.is_open is True and stored.rerouted is False  # field defaults
    assert stored.updated_at >= before  # auto_now
    assert stored.desk_id is None and stored.answer == ""


def test_an_unknown_column_is_refused_before_writing(case):
    with pytest.raises(ValueError, match="desk"):
        insert_rows(CaseEvent, [{"case_id": case.pk, "desk": case.desk}])
    assert not CaseEvent.objects.filter(comment="").exclude(kind=EventKind.ROUTED).exists()


def test_reserved_keys_follow_every_key_given_and_are_written_as_such(case):
    with transaction.atomic():
        first = reserve_pks(CaseEvent, 3)
        assert first == list(range(first[0], first[0] + 3))
        assert first[0] > max(CaseEvent.objects.values_list("pk", flat=True))
        rows = events_for(case, "k")
        insert_rows(CaseEvent, [{"id": pk, **row} for pk, row in zip(first, rows, strict=True)])
        assert list(
            CaseEvent.objects.filter(comment__startswith="k").order_by("pk").values_list("pk")
        ) == [(pk,) for pk in first]
        [after] = reserve_pks(CaseEvent, 1)
        assert after > first[-1]
    # A key the database gives afterwards does not collide with the ones written.
    assert CaseEvent.objects.create(case_id=case.pk, kind=EventKind.NOTE).pk > first[-1]

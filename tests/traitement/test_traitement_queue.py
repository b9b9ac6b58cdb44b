"""The desk queue: urgency order, filters and keyset pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from doleances.choices import Priority, Status
from doleances.models import Category, Complaint
from territory.models import Arrondissement
from traitement import queue, services
from traitement.choices import ClosingReason
from traitement.models import Case


def desk_cases():
    return Case.objects.filter(desk__code="pm-11")


def set_priority(complaint, priority):
    Complaint.objects.filter(pk=complaint.pk).update(priority=priority)
    Case.objects.filter(pk=complaint.pk).update(priority=priority)


def refs(cases):
    return [c.complaint.reference for c in cases]


def test_overdue_first_then_priority_then_oldest(file_at):
    now = timezone.now()
    # bruit-rue: 10-day deadline.
    late_low = file_at("bruit-rue", received_at=now - timedelta(days=20))
    late_old = file_at("bruit-rue", received_at=now - timedelta(days=25))
    set_priority(late_low, Priority.LOW)
    urgent_new = file_at("bruit-rue", received_at=now - timedelta(hours=1))
    set_priority(urgent_new, Priority.URGENT)
    normal_old = file_at("bruit-rue", received_at=now - timedelta(days=3))
    normal_new = file_at("bruit-rue", received_at=now - timedelta(days=1))
    result = queue.page(desk_cases())
    assert refs(result.cases) == [
        late_old.reference,  # overdue, normal priority
        late_low.reference,  # overdue, low priority
        urgent_new.reference,
        normal_old.reference,
        normal_new.reference,
    ]
    assert result.next_cursor is None


def test_keyset_pages_cover_the_queue_once_in_order(file_at):
    now = timezone.now()
    same_time = now - timedelta(days=2)
    filed = []
    for i in range(13):
        received = same_time if i % 4 == 0 else now - timedelta(days=i, minutes=i)
        complaint = file_at("bruit-rue", received_at=received, email=None)
        set_priority(complaint, [Priority.LOW, Priority.NORMAL, Priority.HIGH][i % 3])
        filed.append(complaint)
    whole = refs(queue.page(desk_cases(), size=100).cases)
    assert len(whole) == 13
    seen, cursor, pages = [], None, 0
    while True:
        result = queue.page(desk_cases(), cursor=cursor, size=4)
        seen += refs(result.cases)
        pages += 1
        if not result.next_cursor:
            break
        cursor = result.next_cursor
    assert seen == whole and pages == 4


def test_finished_cases_newest_first(file_at, agent):
    now = timezone.now()
    older = file_at("bruit-rue", received_at=now - timedelta(days=5))
    newer = file_at("bruit-rue", received_at=now - timedelta(days=1))
    still_open = file_at("bruit-rue")
    for complaint in (older, newer):
        services.close(services.case_for(complaint), agent, ClosingReason.RESOLVED)
    finished = queue.page(desk_cases(), queue.Filters(status="finished"))
    assert refs(finished.cases) == [newer.reference, older.reference]
    one = queue.page(desk_cases(), queue.Filters(status="finished"), size=1)
    two = queue.page(desk_cases(), queue.Filters(status="finished"), one.next_cursor, size=1)
    assert refs(one.cases + two.cases) == [newer.reference, older.reference]
    assert two.next_cursor is None
    everything = queue.page(desk_cases(), queue.Filters(status="all"))
    assert refs(everything.cases) == [still_open.reference, newer.reference, older.reference]
    assert refs(queue.page(desk_cases()).cases) == [still_open.reference]


def test_filters(file_at, agent, point_in):
    now = timezone.now()
    noise = file_at("bruit-rue", received_at=now - timedelta(days=1))
    late = file_at("bruit-etablissement", received_at=now - timedelta(days=30))
    qualified = file_at("conduites-risque")
    services.qualify(services.case_for(qualified), agent)
    base = desk_cases()

    def found(**kwargs):
        return set(refs(queue.page(base, queue.Filters(**kwargs)).cases))

    assert found(status=Status.QUALIFIED) == {qualified.reference}
    assert found(status=Status.NEW) == {noise.reference, late.reference}
    assert found(category_id=Category.objects.get(code="bruit-rue").pk) == {noise.reference}
    assert found(overdue=True) == {late.reference}
    assert found(reference=late.reference) == {late.reference}
    assert found(reference=late.reference[-6:].lower()) == {late.reference}
    eleventh = Arrondissement.objects.get(number=11).pk
    assert found(arrondissement_id=eleventh) == {
        noise.reference,
        late.reference,
        qualified.reference,
    }
    assert found(arrondissement_id=Arrondissement.objects.get(number=12).pk) == set()
    assert found(status=Status.CLOSED, overdue=True) == set()


@pytest.mark.parametrize("cursor", ["n'importe quoi", "1.9.5.5", "0.2.99999999999999999999.1", ""])
def test_a_malformed_cursor_restarts_at_the_top(file_at, cursor):
    complaint = file_at("bruit-rue")
    assert refs(queue.page(desk_cases(), cursor=cursor).cases) == [complaint.reference]


def test_counts(file_at):
    now = timezone.now()
    file_at("bruit-rue", received_at=now - timedelta(days=30))
    file_at("bruit-rue")
    assert queue.counts(desk_cases()) == {"open": 2, "overdue": 1}


def test_a_page_costs_a_bounded_number_of_queries(file_at, django_assert_max_num_queries):
    for _ in range(5):
        file_at("bruit-rue", email=None)
    with django_assert_max_num_queries(3):  # one range per segment + 1 fetch
        result = queue.page(desk_cases(), size=3)
    assert len(result.cases) == 3

"""A desk's queue: overdue cases first, then by priority, then oldest first — read with keyset
pagination so that the first and the thousandth page cost the same on millions of cases.

Cases fall into segments (open and overdue, open and on time, finished); each segment is read
in the order of a partial index (`case_open_queue_idx`: desk, priority descending, received_at,
complaint, due_at for open cases; `case_finished_queue_idx`, newest first, for the others)
from the cursor on: the rest of the cursor's priority level, then the lower levels. A page is
thus one to four index range scans of at most `size + 1` entries, whatever its depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from doleances.choices import OPEN_STATUSES, Priority, Status
from traitement.models import Case

PRIORITIES = sorted(Priority.values, reverse=True)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
FULL_REFERENCE = re.compile(r"^DOL-\d{4}-\d{6}$")
# Points on one screen of the queue's map (a desk's open cases rarely exceed it).
MAP_SIZE = 500


@dataclass(frozen=True)
class Filters:
    status: str = "open"  # "open", "finished", "all" or a Status value
    category_id: int | None = None
    arrondissement_id: int | None = None
    overdue: bool = False
    reference: str = ""


@dataclass(frozen=True)
class Segment:
    condition: Q
    newest_first: bool


@dataclass(frozen=True)
class Cursor:
    segment: int
    priority: int
    received_at: datetime
    pk: int

    def encode(self) -> str:
        micros = (self.received_at - EPOCH) // MICROSECOND  # exact, unlike a float
        return f"{self.segment}.{self.priority}.{micros}.{self.pk}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """None for a missing or malformed cursor (the queue then starts at the top)."""
        try:
            segment, priority, micros, pk = (int(part) for part in (text or "").split("."))
            received_at = EPOCH + micros * MICROSECOND
        except (ValueError, OverflowError, OSError):
            return None
        if priority not in PRIORITIES or segment < 0:
            return None
        return cls(segment, priority, received_at, pk)


@dataclass
class Page:
    cases: list[Case]
    next_cursor: str | None


def segments(filters: Filters, now: datetime) -> list[Segment]:
    overdue = Segment(Q(is_open=True, due_at__lt=now), newest_first=False)
    on_time = Segment(Q(is_open=True, due_at__gte=now), newest_first=False)
    finished = Segment(Q(is_open=False), newest_first=True)
    status = filters.status
    if status == "all":
        chosen = [overdue, on_time, finished]
    elif status == "open" or status in OPEN_STATUSES:
        chosen = [overdue, on_time]
    else:  # "finished", answered or closed
        chosen = [finished]
    if filters.overdue:
        chosen = [s for s in chosen if s is overdue]
    return chosen


def filtered(base: QuerySet, filters: Filters) -> QuerySet:
    """The filters that are not part of the ordering (they read the complaint row)."""
    queryset = base
    if filters.status in Status.values:
        queryset = queryset.filter(complaint__status=filters.status)
    if filters.category_id:
        queryset = queryset.filter(complaint__category_id=filters.category_id)
    if filters.arrondissement_id:
        queryset = queryset.filter(complaint__arrondissement_id=filters.arrondissement_id)
    reference = filters.reference.strip().upper()
    if reference:
        # A full reference is a unique-index lookup; a fragment has to scan the desk's cases.
        if FULL_REFERENCE.match(reference):
            queryset = queryset.filter(complaint__reference=reference)
        else:
            queryset = queryset.filter(complaint__reference__contains=reference)
    return queryset


def _after(queryset: QuerySet, cursor: Cursor, newest_first: bool) -> QuerySet:
    # ">= then exclude the equal ones already shown" keeps a plain index range on received_at.
    if newest_first:
        return queryset.filter(received_at__lte=cursor.received_at).exclude(
            received_at=cursor.received_at, pk__gte=cursor.pk
        )
    return queryset.filter(received_at__gte=cursor.received_at).exclude(
        received_at=cursor.received_at, pk__lte=cursor.pk
    )


def page(
    base: QuerySet,
    filters: Filters = Filters(),  # noqa: B008 — frozen dataclass, safe as a default
    cursor: str | None = None,
    size: int = 50,
    now: datetime | None = None,
) -> Page:
    """One page of the queue `base` (a Case queryset already narrowed to a desk's scope)."""
    now = now or timezone.now()
    start = Cursor.decode(cursor)
    queryset = filtered(base, filters)
    keys: list[tuple[int, int, datetime, int]] = []
    for index, segment in enumerate(segments(filters, now)):
        if start and index < start.segment:
            continue
        rows = queryset.filter(segment.condition)
        if start and index == start.segment:
            parts = [
                _after(rows.filter(priority=start.priority), start, segment.newest_first),
                rows.filter(priority__lt=start.priority),
            ]
        else:
            parts = [rows]
        order = (
            ("-priority", "-received_at", "-pk")
            if segment.newest_first
            else ("-priority", "received_at", "pk")
        )
        for part in parts:
            wanted = size + 1 - len(keys)
            keys.extend(
                (index, priority, received_at, pk)
                for pk, priority, received_at in part.order_by(*order).values_list(
                    "pk", "priority", "received_at"
                )[:wanted]
            )
            if len(keys) > size:
                break
        if len(keys) > size:
            break
    next_cursor = None
    if len(keys) > size:
        keys = keys[:size]
        next_cursor = Cursor(*keys[-1]).encode()
    found = Case.objects.select_related(
        "complaint__category", "complaint__arrondissement", "desk", "assigned_to"
    ).in_bulk([k[3] for k in keys])
    return Page(cases=[found[k[3]] for k in keys], next_cursor=next_cursor)


def counts(base: QuerySet, now: datetime | None = None) -> dict[str, int]:
    """Open and overdue cases of a queue, for its header."""
    now = now or timezone.now()
    return {
        "open": base.filter(is_open=True).count(),
        "overdue": base.filter(is_open=True, due_at__lt=now).count(),
    }

"""Filing many complaints at once: the batch form of `doleances.services.file_complaint`.

Imports and the demo generator go through here so that a batch obeys the same rules as a
single complaint (validation, location, references, personal data apart) while costing a
handful of queries instead of several per complaint.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, router, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import insert_rows, reserve_pks
from doleances.models import Complainant, Complaint, ReferenceCounter
from doleances.models.complaint import format_reference
from doleances.services import (
    ComplaintInput,
    ResolvedLocation,
    complainant_from,
    complaint_values,
    resolve_locations,
    validate_input,
)
from doleances.signals import complaints_filed_bulk

EXTERNAL_ID_MAX_LENGTH = Complaint._meta.get_field("external_id").max_length
# Bounds the size of the `external_id IN (...)` lists sent to the database.
_LOOKUP_CHUNK = 5000


@dataclass(frozen=True)
class BulkResult:
    created: list[Complaint]  # stored, in input order (pk set)
    existing: int  # skipped: same (source, external_id) already stored
    rejected: list[tuple[int, str]]  # (index in `items`, French reason) — nothing silently dropped


def _reason(errors: dict[str, list[str]]) -> str:
    return " ".join(message for messages in errors.values() for message in messages)


def _stored_external_ids(keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, external_id in keys:
        by_source[source].append(external_id)
    stored = set()
    table = connection.ops.quote_name(Complaint._meta.db_table)
    # Hand-written SQL, for speed. The condition of the unique index on (source, external_id)
    # is repeated word for word: SQLite only searches a partial index when the query carries
    # its condition, and scanned the whole table for every batch of an import without it
    # (what the ORM sends, with '' as a parameter). The ORM also compiles the IN list
    # parameter by parameter: 27 ms against 7 ms a batch of 5,000 (bench/imports.py).
    with connection.cursor() as cursor:
        for source, external_ids in by_source.items():
            for start in range(0, len(external_ids), _LOOKUP_CHUNK):
                chunk = external_ids[start : start + _LOOKUP_CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT external_id FROM {table} "  # noqa: S608 (names and marks only)
                    f"WHERE source = %s AND external_id IN ({marks}) "
                    "AND NOT (external_id = '')",
                    [source, *chunk],
                )
                stored.update((source, external_id) for (external_id,) in cursor.fetchall())
    return stored


def file_complaints(items: Sequence[ComplaintInput]) -> BulkResult:
    """Validate, locate and store a batch of complaints in one transaction; then signal them.

    Invalid items are returned in `rejected` with a French reason and the valid ones are
    stored all together (or, on a database error, none of them). An item whose (source,
    external_id) is already stored, or repeated earlier in the batch, is counted in `existing`.
    Photos are not handled here: channels with photos file one complaint at a time.
    """
    rejected: list[tuple[int, str]] = []
    candidates: list[int] = []
    for index, item in enumerate(items):
        errors = validate_input(item)
        if len(item.external_id) > EXTERNAL_ID_MAX_LENGTH:
            errors["external_id"] = [
                _("L'identifiant externe dépasse %(limit)d caractères.")
                % {"limit": EXTERNAL_ID_MAX_LENGTH}
            ]
        if errors:
            rejected.append((index, _reason(errors)))
        else:
            candidates.append(index)
    placed = resolve_locations([items[i] for i in candidates])
    located: list[tuple[int, ResolvedLocation]] = []
    for index, where in zip(candidates, placed, strict=True):
        if isinstance(where, str):
            rejected.append((index, where))
        else:
            located.append((index, where))
    rejected.sort()

    # A concurrent import of the same rows can win the race between our look-up and our
    # insert: the unique constraint then aborts the batch, and one retry sees its rows.
    try:
        return _store(items, located, rejected)
    except IntegrityError:
        return _store(items, located, rejected)


_CATEGORY = Complaint._meta.get_field("category")


def _instances(rows: list[dict], categories: list) -> list[Complaint]:
    """The stored complaints as `bulk_create` returns them (key set, category cached).

    Built as unpickling builds a model instance (its attributes, then its state):
    `Model.__init__` checks and sets every field one by one, which for a whole import cost
    more CPU than writing the rows (bench/imports.py). `rows` hold every concrete field."""
    db = router.db_for_write(Complaint)
    created = []
    for row, category in zip(rows, categories, strict=True):
        complaint = Complaint.__new__(Complaint)
        complaint.__dict__.update(row)
        complaint._state = state = ModelState()
        state.adding, state.db = False, db
        _CATEGORY.set_cached_value(complaint, category)
        created.append(complaint)
    return created


def _store(items, located, rejected) -> BulkResult:
    with transaction.atomic():
        keys = {
            (items[i].source, items[i].external_id) for i, _where in located if items[i].external_id
        }
        seen = _stored_external_ids(keys) if keys else set()
        existing = 0
        kept = []
        for index, where in located:
            item = items[index]
            if item.external_id:
                key = (item.source, item.external_id)
                if key in seen:
                    existing += 1
                    continue
                seen.add(key)
            kept.append((index, where, item.received_at or timezone.now()))

        # References are numbered per year of reception (Paris time): one block per year.
        zone = timezone.get_current_timezone()
        years = [timezone.localtime(received, zone).year for _index, _where, received in kept]
        numbers = {
            year: iter(ReferenceCounter.reserve(year, count))
            for year, count in sorted(Counter(years).items())
        }
        # Rows, not instances: one executemany / COPY with keys known beforehand costs a
        # fraction of `bulk_create` (SQL per 999 parameters, RETURNING); see bench/imports.py.
        now = timezone.now()
        pks = reserve_pks(Complaint, len(kept))
        rows = []
        for pk, (index, where, received), year in zip(pks, kept, years, strict=True):
            row = complaint_values(items[index], where, format_reference(year, next(numbers[year])))
            row.update(id=pk, received_at=received, created_at=now, updated_at=now)
            rows.append(row)
        insert_rows(Complaint, rows)
        created = _instances(rows, [items[index].category for index, _where, _r in kept])

        complainants = []
        for complaint, (index, _where, _received) in zip(created, kept, strict=True):
            complainant = complainant_from(items[index])
            if complainant is not None:
                complainant.complaint = complaint
                complainants.append(complainant)
        if complainants:
            Complainant.objects.bulk_create(complainants)
        if created:  # routing opens their cases here, in this transaction
            complaints_filed_bulk.send(sender=Complaint, complaints=created)
    return BulkResult(created=created, existing=existing, rejected=rejected)

"""Reading the case database for the store: changed complaints, their facts, referentials.

The only module of the observatory that queries the case database. It reads complaints by
primary key (batches of ids or id ranges) and finds changes through `updated_at` of
complaints and cases, so that a refresh costs a few indexed queries, never a scan. Personal
data (complainants, photos, description, address, coordinates, reference) is never selected.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import numpy as np
import pyarrow as pa
from django.db.models import Max, Min, Sum

from accounts.models import Desk, Partner
from doleances.choices import OPEN_STATUSES
from doleances.models import Category, Complaint, Family
from observatoire.facts import build_facts
from territory.models import Arrondissement, Quartier, Sector
from traitement.choices import EventKind
from traitement.models import Case, CaseEvent

# Rows fetched per query: large enough to amortise round trips, small enough for the
# `IN (...)` lists of every backend.
BATCH = 5_000

_FIELDS = (
    "id",
    "received_at",
    "occurred_at",
    "category_id",
    "category__family_id",
    "channel",
    "status",
    "quartier_id",
    "arrondissement_id",
    "sector_id",
    "h3_r8",
    "h3_r9",
    "h3_r10",
    "h3_r11",
    "updated_at",
    "case__desk_id",
    "case__desk__partner_id",
    "case__due_at",
    "case__closed_at",
    "case__answered_at",
    "case__updated_at",
)


def _epochs(values: list) -> np.ndarray:
    """Aware datetimes (or None) → epoch seconds (NaN when missing)."""
    return np.array([np.nan if v is None else v.timestamp() for v in values], dtype=float)


def _later(a: list, b: list) -> list:
    return [x if y is None or (x is not None and x >= y) else y for x, y in zip(a, b, strict=True)]


def _facts_from_rows(rows: list[tuple]) -> pa.Table:
    if not rows:
        return build_facts(**{k: [] for k in _EMPTY})
    columns = list(zip(*rows, strict=True))
    c = dict(zip(_FIELDS, columns, strict=True))
    ids = list(c["id"])
    first_answers = dict(
        CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.ANSWER)
        .values("case_id")
        .annotate(first=Min("at"))
        .values_list("case_id", "first")
    )
    # The first public answer is the earliest answer event; a case imported as already
    # answered may only have its `answered_at`.
    answers = [first_answers.get(i) or a for i, a in zip(ids, c["case__answered_at"], strict=True)]
    return build_facts(
        complaint_id=np.array(ids, dtype=np.int64),
        received_at=_epochs(c["received_at"]),
        occurred_at=_epochs(c["occurred_at"]),
        category_id=np.array(c["category_id"], dtype=object),
        family_id=np.array(c["category__family_id"], dtype=object),
        channel=np.array(c["channel"], dtype=object),
        status=np.array(c["status"], dtype=object),
        is_open=np.isin(np.array(c["status"], dtype=object), [str(s) for s in OPEN_STATUSES]),
        quartier_id=np.array(c["quartier_id"], dtype=object),
        arrondissement_id=np.array(c["arrondissement_id"], dtype=object),
        sector_id=np.array(c["sector_id"], dtype=object),
        h3={res: np.array(c[f"h3_r{res}"], dtype=object) for res in (8, 9, 10, 11)},
        desk_id=np.array(c["case__desk_id"], dtype=object),
        partner_id=np.array(c["case__desk__partner_id"], dtype=object),
        first_answer_at=_epochs(answers),
        closed_at=_epochs(c["case__closed_at"]),
        due_at=_epochs(c["case__due_at"]),
        updated_at=_epochs(_later(list(c["updated_at"]), list(c["case__updated_at"]))),
    )


_EMPTY = (
    "complaint_id",
    "received_at",
    "category_id",
    "family_id",
    "channel",
    "status",
    "is_open",
    "arrondissement_id",
    "sector_id",
)


def facts_for(ids) -> pa.Table:
    """Fact rows of these complaint ids (ids no longer in the database are absent)."""
    ids = sorted({int(i) for i in ids})
    tables = [
        _facts_from_rows(
            list(Complaint.objects.filter(pk__in=ids[i : i + BATCH]).values_list(*_FIELDS))
        )
        for i in range(0, len(ids), BATCH)
    ]
    return pa.concat_tables(tables) if tables else _facts_from_rows([])


def iter_all_facts(batch: int = 50_000) -> Iterator[pa.Table]:
    """Every complaint's facts, by increasing id (keyset pagination, constant memory)."""
    last = 0
    while True:
        rows = list(
            Complaint.objects.filter(pk__gt=last).order_by("pk").values_list(*_FIELDS)[:batch]
        )
        if not rows:
            return
        last = rows[-1][0]
        for start in range(0, len(rows), BATCH):
            yield _facts_from_rows(rows[start : start + BATCH])


def complaint_count() -> int:
    return Complaint.objects.count()


def changed_since(
    complaints_since: datetime | None, cases_since: datetime | None
) -> tuple[np.ndarray, datetime | None, datetime | None]:
    """Ids of complaints changed (complaint or case `updated_at` ≥ the given times), with
    the latest `updated_at` seen on each side (None when nothing changed)."""
    found = Complaint.objects.all()
    cases = Case.objects.all()
    if complaints_since is not None:
        found = found.filter(updated_at__gte=complaints_since)
    if cases_since is not None:
        cases = cases.filter(updated_at__gte=cases_since)
    complaint_rows = list(found.values_list("pk", "updated_at").iterator(chunk_size=BATCH))
    case_rows = list(cases.values_list("pk", "updated_at").iterator(chunk_size=BATCH))
    ids = np.unique(
        np.array([r[0] for r in complaint_rows] + [r[0] for r in case_rows], dtype=np.int64)
    )
    latest_complaint = max((r[1] for r in complaint_rows), default=None)
    latest_case = max((r[1] for r in case_rows), default=None)
    return ids, latest_complaint, latest_case


def latest_updates() -> tuple[datetime | None, datetime | None]:
    return (
        Complaint.objects.aggregate(m=Max("updated_at"))["m"],
        Case.objects.aggregate(m=Max("updated_at"))["m"],
    )


# --- referentials (dimension tables) ------------------------------------------------------


def dimension_tables() -> dict[str, pa.Table]:
    """Labels, codes, populations and areas of the referentials, as small Arrow tables."""
    quartier_area = dict(
        Quartier.objects.values("arrondissement_id")
        .annotate(area=Sum("area_m2"))
        .values_list("arrondissement_id", "area")
    )
    sector_population = dict(
        Arrondissement.objects.values("sector_id")
        .annotate(population=Sum("population"))
        .values_list("sector_id", "population")
    )
    return {
        "dim_family": _table(
            Family.objects.all(), family_id="pk", code="code", label="label", ord="order"
        ),
        "dim_category": _table(
            Category.objects.all(),
            category_id="pk",
            code="code",
            label="label",
            family_id="family_id",
            ord="order",
            answer_deadline_days="answer_deadline_days",
        ),
        "dim_sector": _table(
            Sector.objects.all(),
            sector_id="pk",
            code="code",
            label="name",
            ord="order",
            population=lambda s: sector_population.get(s.pk) or 0,
        ),
        "dim_arrondissement": _table(
            Arrondissement.objects.all(),
            arrondissement_id="pk",
            number="number",
            code="insee_code",
            label="name",
            sector_id="sector_id",
            population="population",
            area_km2=lambda a: (quartier_area.get(a.pk) or 0.0) / 1e6,
        ),
        "dim_quartier": _table(
            Quartier.objects.all(),
            quartier_id="pk",
            code="insee_code",
            number="number",
            label="name",
            arrondissement_id="arrondissement_id",
            area_km2=lambda q: q.area_m2 / 1e6,
        ),
        "dim_partner": _table(Partner.objects.all(), partner_id="pk", code="code", label="name"),
        "dim_desk": _table(
            Desk.objects.all(), desk_id="pk", code="code", label="name", partner_id="partner_id"
        ),
    }


def _table(queryset, **columns) -> pa.Table:
    """One column per keyword: an attribute name or a function of the object."""
    objects = list(queryset)
    return pa.table(
        {
            name: [spec(o) if callable(spec) else getattr(o, spec) for o in objects]
            for name, spec in columns.items()
        }
    )

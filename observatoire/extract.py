"""Reading the case database for the store: changed complaints, their facts, referentials.

The only module of the observatory that queries the case database. It reads complaints by
primary key (batches of ids or id ranges) and finds changes through `updated_at` of
complaints and cases, so that a refresh costs a few indexed queries, never a scan. Personal
data (complainants, photos, description, address, coordinates, reference) is never selected.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
from django.db import connections
from django.db.models import Max, Min, Q, Sum

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


def _rows(queryset) -> list[tuple]:
    """The rows of a `values_list` queryset, run as plain SQL: the SQL is the ORM's (so
    portable), but the rows skip Django's per-value converters, several times slower than
    the query itself for thousands of date-times."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _utc(value: datetime | None) -> datetime | None:
    """A driver's date-time as an aware UTC one: SQLite gives naive UTC values, or text for
    computed columns (an aggregate has no declared type)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_EPOCH = datetime(1970, 1, 1)


def _epochs(values) -> np.ndarray:
    """Date-times (naive ones are UTC) or None → epoch seconds (NaN when missing)."""
    return np.array(
        [
            np.nan
            if v is None
            else (v - _EPOCH).total_seconds()
            if isinstance(v, datetime) and v.tzinfo is None
            else _utc(v).timestamp()
            for v in values
        ],
        dtype=float,
    )


def _among(ids, field: str = "pk") -> Q:
    """`field` among `ids`, as ranges of consecutive ids (new complaints come in
    runs) plus one IN list for the isolated ones: far fewer values for the database to
    bind."""
    ids = np.unique(np.asarray(ids, dtype=np.int64))
    ranges, single = [], []
    for run in np.split(ids, np.flatnonzero(np.diff(ids) != 1) + 1):
        if len(run) > 2:
            ranges.append(Q(**{f"{field}__gte": int(run[0]), f"{field}__lte": int(run[-1])}))
        else:
            single.extend(run.tolist())
    condition = Q(**{f"{field}__in": single})
    for each in ranges:
        condition |= each
    return condition


def _ids(values) -> np.ndarray:
    """Integer column of a query, None → 0 ("unknown" for `build_facts`)."""
    return np.fromiter((0 if v is None else v for v in values), dtype=np.int64, count=len(values))


def _later(a: list, b: list) -> list:
    return [x if y is None or (x is not None and x >= y) else y for x, y in zip(a, b, strict=True)]


def _facts_from_rows(rows: list[tuple]) -> pa.Table:
    if not rows:
        return build_facts(**{k: [] for k in _EMPTY})
    columns = list(zip(*rows, strict=True))
    c = dict(zip(_FIELDS, columns, strict=True))
    ids = list(c["id"])
    first_answers = dict(
        _rows(
            CaseEvent.objects.filter(_among(ids, "case"), kind=EventKind.ANSWER)
            .values("case_id")
            .annotate(first=Min("at"))
            .order_by()
            .values_list("case_id", "first")
        )
    )
    # The first public answer is the earliest answer event; a case imported as already
    # answered may only have its `answered_at`.
    answers = [
        _utc(first_answers.get(i)) or _utc(a)
        for i, a in zip(ids, c["case__answered_at"], strict=True)
    ]
    return build_facts(
        complaint_id=np.array(ids, dtype=np.int64),
        received_at=_epochs(c["received_at"]),
        occurred_at=_epochs(c["occurred_at"]),
        category_id=_ids(c["category_id"]),
        family_id=_ids(c["category__family_id"]),
        channel=np.array(c["channel"], dtype=object),
        status=np.array(c["status"], dtype=object),
        is_open=np.isin(np.array(c["status"], dtype=object), [str(s) for s in OPEN_STATUSES]),
        quartier_id=_ids(c["quartier_id"]),
        arrondissement_id=_ids(c["arrondissement_id"]),
        sector_id=_ids(c["sector_id"]),
        h3={res: _ids(c[f"h3_r{res}"]) for res in (8, 9, 10, 11)},
        desk_id=_ids(c["case__desk_id"]),
        partner_id=_ids(c["case__desk__partner_id"]),
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
            _rows(
                Complaint.objects.filter(_among(ids[i : i + BATCH]))
                .order_by()
                .values_list(*_FIELDS)
            )
        )
        for i in range(0, len(ids), BATCH)
    ]
    return pa.concat_tables(tables) if tables else _facts_from_rows([])


def iter_all_facts(batch: int = 50_000) -> Iterator[pa.Table]:
    """Every complaint's facts, by increasing id (keyset pagination, constant memory)."""
    last = 0
    while True:
        rows = _rows(
            Complaint.objects.filter(pk__gt=last).order_by("pk").values_list(*_FIELDS)[:batch]
        )
        if not rows:
            return
        last = rows[-1][0]
        for start in range(0, len(rows), BATCH):
            yield _facts_from_rows(rows[start : start + BATCH])


def changed_since(
    complaints_since: datetime | None, cases_since: datetime | None
) -> tuple[np.ndarray, datetime | None, datetime | None]:
    """Ids of complaints changed (complaint or case `updated_at` ≥ the given times), with
    the latest `updated_at` seen on each side (None when nothing changed)."""
    # No ordering: the default one (by receipt) would make SQLite walk the receipt index
    # instead of the `updated_at` one.
    found = Complaint.objects.order_by()
    cases = Case.objects.order_by()
    if complaints_since is not None:
        found = found.filter(updated_at__gte=complaints_since)
    if cases_since is not None:
        cases = cases.filter(updated_at__gte=cases_since)
    complaint_rows = _rows(found.values_list("pk", "updated_at"))
    case_rows = _rows(cases.values_list("pk", "updated_at"))
    ids = np.unique(
        np.array([r[0] for r in complaint_rows] + [r[0] for r in case_rows], dtype=np.int64)
    )
    latest_complaint = _utc(max((r[1] for r in complaint_rows), default=None))
    latest_case = _utc(max((r[1] for r in case_rows), default=None))
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

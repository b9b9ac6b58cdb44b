"""The pseudonymised fact table: its columns and how they are derived (no Django import).

One row per complaint, keyed by the internal id only: no reference, no name, contact, photo,
address, coordinates or free text. Location is kept as territory ids and H3 cells (r8–r11,
~460 m to ~25 m), time as the UTC instant plus its Paris local day, week, month, hour and
weekday, so that every aggregate of the observatory is a plain GROUP BY.

`build_facts` turns aligned numpy arrays into an Arrow table in this schema; the refresh
(`observatoire.extract`) and the benchmark (demo generator arrays) both go through it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

PARIS_TZ = ZoneInfo("Europe/Paris")

# (name, Arrow type, DuckDB type). The order is the table's column order.
FACT_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("complaint_id", pa.int64(), "BIGINT"),
    ("received_at", pa.timestamp("us"), "TIMESTAMP"),  # UTC
    ("day", pa.date32(), "DATE"),  # Paris local date of receipt
    ("week_start", pa.date32(), "DATE"),  # Monday of that local ISO week
    ("month_start", pa.date32(), "DATE"),  # first day of that local month
    ("year", pa.int16(), "SMALLINT"),
    ("hour", pa.int8(), "TINYINT"),  # local hour of receipt 0–23
    ("weekday", pa.int8(), "TINYINT"),  # local day of the week, 0 = Monday
    ("occurred_hour", pa.int8(), "TINYINT"),  # local hour of the facts, when known
    ("category_id", pa.int32(), "INTEGER"),
    ("family_id", pa.int32(), "INTEGER"),
    ("channel", pa.string(), "VARCHAR"),
    ("status", pa.string(), "VARCHAR"),
    ("is_open", pa.bool_(), "BOOLEAN"),
    ("quartier_id", pa.int32(), "INTEGER"),
    ("arrondissement_id", pa.int32(), "INTEGER"),
    ("sector_id", pa.int32(), "INTEGER"),
    ("h3_r8", pa.int64(), "BIGINT"),
    ("h3_r9", pa.int64(), "BIGINT"),
    ("h3_r10", pa.int64(), "BIGINT"),
    ("h3_r11", pa.int64(), "BIGINT"),
    ("desk_id", pa.int32(), "INTEGER"),
    ("partner_id", pa.int32(), "INTEGER"),
    ("first_answer_at", pa.timestamp("us"), "TIMESTAMP"),  # UTC
    ("closed_at", pa.timestamp("us"), "TIMESTAMP"),  # UTC
    ("due_at", pa.timestamp("us"), "TIMESTAMP"),  # UTC
    ("first_answer_hours", pa.float64(), "DOUBLE"),
    ("answer_bucket", pa.int8(), "TINYINT"),  # index of first_answer_hours in ANSWER_BUCKETS
    ("closing_days", pa.float64(), "DOUBLE"),
    ("closing_bucket", pa.int8(), "TINYINT"),  # index of closing_days * 24 in ANSWER_BUCKETS
    ("deadline_state", pa.int8(), "TINYINT"),  # one of the DEADLINE_* values below
    ("updated_at", pa.timestamp("us"), "TIMESTAMP"),  # last change in the case database
)
FACT_SCHEMA = pa.schema([(name, arrow) for name, arrow, _ in FACT_COLUMNS])
FACT_NAMES = tuple(name for name, _, _ in FACT_COLUMNS)

# Histograms of the delays (to the first answer, to closing) kept in the rollups: geometric
# buckets 10 % wide from 6 minutes (bucket 0: under 6 minutes; the last one is open, beyond
# ~1.9 years), so that a median read from it is within a few percent of the exact one.
ANSWER_BUCKET_FIRST_HOURS = 0.1
ANSWER_BUCKET_RATIO = 1.1
ANSWER_BUCKET_COUNT = 128
ANSWER_BUCKETS = np.concatenate(
    [
        [0.0],
        ANSWER_BUCKET_FIRST_HOURS * ANSWER_BUCKET_RATIO ** np.arange(ANSWER_BUCKET_COUNT - 1),
        [np.inf],
    ]
)


def answer_bucket(hours: np.ndarray) -> np.ndarray:
    """Bucket of each delay (hours) in `ANSWER_BUCKETS`."""
    return np.clip(np.searchsorted(ANSWER_BUCKETS, hours, side="right") - 1, 0, None)


# The first answer against the due date, so that the response-time tables count complaints
# answered within it from rollups: no due date; answered by it; answered after it; not
# answered yet (due once the due date has passed: that depends on the current time).
DEADLINE_NONE, DEADLINE_WITHIN, DEADLINE_LATE, DEADLINE_UNANSWERED = 0, 1, 2, 3

_HOUR = 3600
_DAY = 86400
# 1970-01-01 was a Thursday: (days + 3) % 7 is the ISO weekday with Monday = 0.
_EPOCH_WEEKDAY_SHIFT = 3
_MAX_SPAN_HOURS = 20 * 366 * 24


def paris_offsets(epoch_seconds: np.ndarray) -> np.ndarray:
    """UTC offset of Europe/Paris (seconds) at each instant, vectorised.

    The offset only changes on the hour, so it is looked up once per hour of the covered
    span (tens of thousands of zoneinfo calls for years of data) and broadcast.
    """
    epoch_seconds = np.asarray(epoch_seconds, dtype=np.int64)
    if epoch_seconds.size == 0:
        return np.zeros(0, dtype=np.int64)
    hours = epoch_seconds // _HOUR
    first, last = int(hours.min()), int(hours.max())
    if last - first > _MAX_SPAN_HOURS:  # a stray date decades away: look up the distinct hours
        distinct, inverse = np.unique(hours, return_inverse=True)
        return _offsets_at(distinct.tolist())[inverse]
    return _offsets_at(range(first, last + 1))[hours - first]


def _offsets_at(hours) -> np.ndarray:
    return np.fromiter(
        (
            datetime.fromtimestamp(h * _HOUR, UTC).astimezone(PARIS_TZ).utcoffset().total_seconds()
            for h in hours
        ),
        dtype=np.int64,
        count=len(hours),
    )


def _epoch(values) -> tuple[np.ndarray, np.ndarray]:
    """datetime64 (any unit) or epoch-second arrays → (int64 seconds, valid mask)."""
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.datetime64):
        valid = ~np.isnat(values)
        seconds = values.astype("datetime64[s]").astype(np.int64)
    else:
        values = values.astype(float)
        valid = np.isfinite(values)
        seconds = np.where(valid, values, 0).astype(np.int64)
    return np.where(valid, seconds, 0), valid


def _timestamps(seconds: np.ndarray, valid: np.ndarray) -> pa.Array:
    return pa.array(seconds.astype("datetime64[s]").astype("datetime64[us]"), mask=~valid)


def _ints(values, arrow_type) -> pa.Array:
    """Integer column; 0 (or a negative id), None and NaN mean "unknown" → null."""
    values = np.asarray(values)
    if values.dtype == object:
        values = np.array([0 if v is None else v for v in values.tolist()], dtype=np.int64)
    if values.dtype.kind == "f":
        valid = np.isfinite(values)
        values = np.where(valid, values, 0).astype(np.int64)
    else:
        values = values.astype(np.int64)
        valid = np.ones(values.shape, dtype=bool)
    valid &= values > 0
    return pa.array(values, type=pa.int64(), mask=~valid).cast(arrow_type)


def build_facts(
    *,
    complaint_id,
    received_at,
    category_id,
    family_id,
    channel,
    status,
    is_open,
    arrondissement_id,
    sector_id,
    quartier_id=None,
    occurred_at=None,
    h3: dict[int, np.ndarray] | None = None,
    desk_id=None,
    partner_id=None,
    first_answer_at=None,
    closed_at=None,
    due_at=None,
    updated_at=None,
) -> pa.Table:
    """The fact table for aligned arrays (times as datetime64 UTC or epoch seconds, NaN/NaT
    when unknown; ids 0 or NaN when unknown; H3 cells as signed int64, 0 when unknown)."""
    n = len(complaint_id)
    missing_ids = np.zeros(n)
    missing_times = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")

    received, _ = _epoch(received_at)
    local = received + paris_offsets(received)
    local_days = local // _DAY
    day = local_days.astype("datetime64[D]")
    weekday = (local_days + _EPOCH_WEEKDAY_SHIFT) % 7
    week = (local_days - weekday).astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    occurred, occurred_valid = _epoch(missing_times if occurred_at is None else occurred_at)
    occurred_local = occurred.copy()
    occurred_local[occurred_valid] += paris_offsets(occurred[occurred_valid])

    answer, answer_valid = _epoch(missing_times if first_answer_at is None else first_answer_at)
    closed, closed_valid = _epoch(missing_times if closed_at is None else closed_at)
    due, due_valid = _epoch(missing_times if due_at is None else due_at)
    updated, updated_valid = _epoch(received_at if updated_at is None else updated_at)
    answer_hours = (answer - received) / _HOUR
    h3 = h3 or {}

    columns = {
        "complaint_id": pa.array(np.asarray(complaint_id, dtype=np.int64)),
        "received_at": _timestamps(received, np.ones(n, dtype=bool)),
        "day": pa.array(day, type=pa.date32()),
        "week_start": pa.array(week, type=pa.date32()),
        "month_start": pa.array(month.astype("datetime64[D]"), type=pa.date32()),
        "year": pa.array(month.astype("datetime64[Y]").astype(np.int64) + 1970, type=pa.int16()),
        "hour": pa.array((local // _HOUR) % 24, type=pa.int8()),
        "weekday": pa.array(weekday, type=pa.int8()),
        "occurred_hour": pa.array((occurred_local // _HOUR) % 24, mask=~occurred_valid).cast(
            pa.int8()
        ),
        "category_id": _ints(category_id, pa.int32()),
        "family_id": _ints(family_id, pa.int32()),
        "channel": pa.array(np.asarray(channel, dtype=object), type=pa.string()),
        "status": pa.array(np.asarray(status, dtype=object), type=pa.string()),
        "is_open": pa.array(np.asarray(is_open, dtype=bool)),
        "quartier_id": _ints(missing_ids if quartier_id is None else quartier_id, pa.int32()),
        "arrondissement_id": _ints(arrondissement_id, pa.int32()),
        "sector_id": _ints(sector_id, pa.int32()),
        # H3 indexes have their top bit clear, so signed int64 cells are positive; 0 means
        # "not located" (postal-code precision), like a missing id.
        **{f"h3_r{res}": _ints(h3.get(res, missing_ids), pa.int64()) for res in (8, 9, 10, 11)},
        "desk_id": _ints(missing_ids if desk_id is None else desk_id, pa.int32()),
        "partner_id": _ints(missing_ids if partner_id is None else partner_id, pa.int32()),
        "first_answer_at": _timestamps(answer, answer_valid),
        "closed_at": _timestamps(closed, closed_valid),
        "due_at": _timestamps(due, due_valid),
        "first_answer_hours": pa.array(answer_hours, mask=~answer_valid),
        "answer_bucket": pa.array(
            answer_bucket(np.where(answer_valid, answer_hours, 0)),
            type=pa.int8(),
            mask=~answer_valid,
        ),
        "closing_days": pa.array((closed - received) / _DAY, mask=~closed_valid),
        "closing_bucket": pa.array(
            answer_bucket(np.where(closed_valid, (closed - received) / _HOUR, 0)),
            type=pa.int8(),
            mask=~closed_valid,
        ),
        "deadline_state": pa.array(
            np.select(
                [~due_valid, ~answer_valid, answer <= due],
                [DEADLINE_NONE, DEADLINE_UNANSWERED, DEADLINE_WITHIN],
                DEADLINE_LATE,
            ),
            type=pa.int8(),
        ),
        "updated_at": _timestamps(updated, updated_valid),
    }
    return pa.table(columns, schema=FACT_SCHEMA)

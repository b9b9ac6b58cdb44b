"""Writing the analytical store: full builds and incremental refreshes, by the worker only.

The file layout, the read-only access of web processes and the schema are in
`observatoire.store`; this module fills the spare slot (a full build from fact tables, or the
changes since its own watermark) and publishes it (see the two-file scheme there).
"""

# SQL here is assembled from the store's own table and column names; values always travel
# as query parameters.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
from django.conf import settings

from observatoire.facts import FACT_NAMES
from observatoire.store import (
    LOCK_FILE,
    ROLLUPS,
    SCHEMA_VERSION,
    SLOTS,
    STAMP_FILE,
    _access,
    _aware,
    _iso,
    _publish,
    _spare_path,
    create_schema,
    exists,
    read_meta,
    store_dir,
    store_path,
)


def _utc_naive(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def replace_dimensions(con, tables: dict[str, pa.Table]) -> None:
    for name, table in tables.items():
        con.register("dimension_rows", table)
        con.execute(f"DELETE FROM {name}")
        columns = ", ".join(table.column_names)
        con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM dimension_rows")
        con.unregister("dimension_rows")


def insert_facts(con, table: pa.Table) -> None:
    con.register("incoming_facts", table)
    names = ", ".join(FACT_NAMES)
    con.execute(f"INSERT INTO facts ({names}) SELECT {names} FROM incoming_facts")
    con.unregister("incoming_facts")


def rebuild_rollups(con) -> None:
    """Compute every rollup from `facts` (full builds; refreshes apply differences)."""
    for name, (period, keys, condition) in ROLLUPS.items():
        cols = ", ".join(keys)
        where = f"WHERE {condition}" if condition else ""
        con.execute(
            f"INSERT INTO {name} SELECT {cols}, count(*)::INTEGER FROM facts {where} "
            f"GROUP BY ALL ORDER BY {period}"
        )


def apply_changes(con, changed_ids: np.ndarray, table: pa.Table) -> None:
    """Delete-then-insert changed complaints and update the rollups by difference.

    `changed_ids` lists every complaint looked at, including ones gone from the case
    database; `table` holds the current facts of those still there. Each rollup gets,
    per group, the new rows minus the old versions of the changed rows: the cost follows
    the size of the change, not of the periods it touches.
    """
    if len(changed_ids) == 0:
        return
    con.register("changed_ids", pa.table({"complaint_id": pa.array(changed_ids, pa.int64())}))
    con.register("changed_facts", table)
    # The id range lets DuckDB skip the row groups of other ids (ids grow with receipt).
    bounds = [int(changed_ids.min()), int(changed_ids.max())]
    among = (
        "complaint_id BETWEEN ? AND ? AND complaint_id IN (SELECT complaint_id FROM changed_ids)"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE old_facts AS SELECT * FROM facts WHERE {among}", bounds
    )
    con.execute(f"DELETE FROM facts WHERE {among}", bounds)
    names = ", ".join(FACT_NAMES)
    con.execute(f"INSERT INTO facts ({names}) SELECT {names} FROM changed_facts")
    for name, (period, keys, condition) in ROLLUPS.items():
        _apply_delta(con, name, period, keys, condition)
    con.execute("DROP TABLE old_facts")
    con.unregister("changed_ids")
    con.unregister("changed_facts")


def _apply_delta(con, name: str, period: str, keys: tuple[str, ...], condition: str) -> None:
    """rollup += (new rows − old rows) grouped by its keys; groups falling to 0 go."""
    cols = ", ".join(keys)
    where = f"WHERE {condition}" if condition else ""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE rollup_delta AS SELECT {cols}, sum(w)::INTEGER AS n "
        f"FROM (SELECT {cols}, -1 AS w FROM old_facts {where} "
        f"UNION ALL SELECT {cols}, 1 AS w FROM changed_facts {where}) "
        "GROUP BY ALL HAVING sum(w) <> 0"
    )
    low, high = con.execute(f"SELECT min({period}), max({period}) FROM rollup_delta").fetchone()
    if low is None:
        return
    # Null keys (no quartier, no desk) are keys too: compare with IS NOT DISTINCT FROM.
    same = " AND ".join(f"r.{k} IS NOT DISTINCT FROM d.{k}" for k in keys)
    within = f"r.{period} BETWEEN ? AND ?"
    con.execute(
        f"UPDATE {name} AS r SET n = r.n + d.n FROM rollup_delta AS d WHERE {within} AND {same}",
        [low, high],
    )
    con.execute(
        f"INSERT INTO {name} SELECT d.* FROM rollup_delta AS d WHERE NOT EXISTS "
        f"(SELECT 1 FROM {name} AS r WHERE {within} AND {same})",
        [low, high],
    )
    con.execute(f"DELETE FROM {name} WHERE {period} BETWEEN ? AND ? AND n = 0", [low, high])


def write_meta(con, *, complaint_watermark, case_watermark) -> None:
    con.execute(
        "UPDATE meta SET generation = generation + 1, refreshed_at = ?, "
        "complaint_watermark = ?, case_watermark = ?, row_count = (SELECT count(*) FROM facts)",
        [
            datetime.now(UTC).replace(tzinfo=None),
            _utc_naive(complaint_watermark),
            _utc_naive(case_watermark),
        ],
    )


def _overlap() -> timedelta:
    return timedelta(seconds=float(settings.CPPS_OBSERVATOIRE_OVERLAP_SECONDS))


_refresh_thread_lock = threading.Lock()


@contextlib.contextmanager
def refresh_lock(blocking: bool = True) -> Iterator[bool]:
    """Serialises refreshes across threads and processes; yields whether it was acquired."""
    if not _refresh_thread_lock.acquire(blocking=blocking):
        yield False
        return
    try:
        with open(store_dir() / LOCK_FILE, "a+") as handle:
            flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
            try:
                fcntl.flock(handle, flags)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        _refresh_thread_lock.release()


def _touch_stamp() -> None:
    stamp = store_dir() / STAMP_FILE
    stamp.touch()
    os.utime(stamp)


def refresh(*, full: bool = False, blocking: bool = True, progress=None) -> dict | None:
    """Incremental (or full) refresh from the case database, run by the worker; see
    `services.refresh`. Returns None without waiting when `blocking` is false and another
    refresh is running.
    """
    from observatoire import extract  # Django models: imported only where needed

    started = time.perf_counter()
    with refresh_lock(blocking=blocking) as acquired:
        if not acquired:
            return None
        result = None
        if exists() and not full:
            spare = _spare_path()
            if not spare.exists():  # first refresh after a full build: start from its copy
                _remove(spare)
                shutil.copyfile(store_path(), spare)
            result = _incremental(extract, spare)
        if result is None:
            result = _rebuild(extract, progress)
        _touch_stamp()
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _remove(slot: Path) -> None:
    for path in (slot, slot.with_name(slot.name + ".wal")):
        path.unlink(missing_ok=True)


def _incremental(extract, spare: Path) -> dict | None:
    """Bring `spare` up to date from its own watermark and publish it; None when it is of
    another layout (the caller then rebuilds)."""
    started = time.perf_counter()
    with _access.writing(spare) as con:
        meta = read_meta(con)
        if meta["schema_version"] != SCHEMA_VERSION or meta["refreshed_at"] is None:
            return None
        overlap = _overlap()
        since_complaint = _aware(meta["complaint_watermark"])
        since_case = _aware(meta["case_watermark"])
        ids, latest_complaint, latest_case = extract.changed_since(
            since_complaint - overlap if since_complaint else None,
            since_case - overlap if since_case else None,
        )
        complaint_watermark = max(filter(None, [latest_complaint, since_complaint]), default=None)
        case_watermark = max(filter(None, [latest_case, since_case]), default=None)
        table = extract.facts_for(ids)
        dimensions = extract.dimension_tables()
        read = time.perf_counter()
        con.execute("BEGIN")
        apply_changes(con, ids, table)
        replace_dimensions(con, dimensions)
        write_meta(con, complaint_watermark=complaint_watermark, case_watermark=case_watermark)
        con.execute("COMMIT")
    _publish(spare)
    return {
        "rows": int(len(ids)),
        "watermark": _iso(complaint_watermark),
        "full": False,
        # Where the time went: reading the case database, writing the store.
        "read_seconds": round(read - started, 3),
        "write_seconds": round(time.perf_counter() - read, 3),
    }


def _rebuild(extract, progress=None) -> dict:
    # Everything changed after this instant is picked up again by the next refresh.
    complaint_watermark, case_watermark = extract.latest_updates()
    rows = build(
        extract.iter_all_facts(),
        extract.dimension_tables(),
        complaint_watermark=complaint_watermark,
        case_watermark=case_watermark,
        progress=progress,
    )
    return {"rows": rows, "watermark": _iso(complaint_watermark), "full": True}


def build(
    tables: Iterable[pa.Table],
    dimensions: dict[str, pa.Table],
    *,
    complaint_watermark: datetime | None,
    case_watermark: datetime | None,
    progress=None,
    sort: bool = True,
) -> int:
    """Write a whole store from fact tables into the spare slot, then publish it (readers
    keep the old file meanwhile). `sort=False` when the tables already come in receipt
    order. Returns the number of fact rows."""
    target = _spare_path()
    previous = store_path() if exists() else None
    _remove(target)
    rows = 0
    with _access.writing(target) as con:
        create_schema(con)
        con.execute("BEGIN")
        for table in tables:
            insert_facts(con, table)
            rows += table.num_rows
            if progress:
                progress(table.num_rows)
        if sort:
            # Receipt order gives the date filters tight zone maps (min/max per row group).
            con.execute("CREATE OR REPLACE TABLE facts AS SELECT * FROM facts ORDER BY received_at")
        rebuild_rollups(con)
        replace_dimensions(con, dimensions)
        write_meta(con, complaint_watermark=complaint_watermark, case_watermark=case_watermark)
        con.execute("COMMIT")
    _publish(target)
    if previous is not None and previous.name in SLOTS:
        # Older than the new build: the next refresh starts from a copy of the new one.
        _remove(previous)
    _touch_stamp()
    return rows

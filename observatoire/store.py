"""The analytical store: a DuckDB file under `CPPS_VAR_DIR/observatoire/`, apart from the
case database, refreshed incrementally from it by the background worker only.

Tables: `facts` (one pseudonymised row per complaint, see `observatoire.facts`), rollups
maintained for the days touched by each refresh (`daily`: every filter dimension;
`daily_coarse`: taxonomy × arrondissement/sector; `weekly`: the same by ISO week), small
dimension tables (`dim_*`: codes, labels, populations, areas) and `meta` (watermarks).

One writer, many readers (see docs/observatoire.md, "Deployment"): a DuckDB file is opened
either by one read-write process or by any number of read-only ones. The store therefore has
two files, `store-a.duckdb` and `store-b.duckdb`; the symbolic link `store.duckdb` names the
published one, which only readers open. The worker writes the other one (bringing it up to
date from its own watermark, so it catches up two refreshes' worth of changes), then swaps
the link atomically. Web processes open the published file read-only and never wait for a
refresh; only the writer may wait, for a reader still attached to the file it wants.
"""

# SQL here is assembled from this module's own table and column names; values always travel
# as query parameters, paths are quoted by `_quoted`.
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

import duckdb
import numpy as np
import pyarrow as pa
from django.conf import settings
from django.utils.translation import gettext as _

from observatoire.facts import FACT_COLUMNS, FACT_NAMES

#: Bumped when the layout changes: a store of another version is rebuilt in full.
SCHEMA_VERSION = 3
#: The symbolic link to the published file, one of SLOTS.
STORE_FILE = "store.duckdb"
SLOTS = ("store-a.duckdb", "store-b.duckdb")
STAMP_FILE = "refreshed.stamp"
# Several workers (RQ scale-out) may pick a refresh at once: one writes, the others skip.
LOCK_FILE = "refresh.lock"
ALIAS = "store"

# Rollups: name → (period column, grouping columns, row condition), kept up to date by
# each refresh. Counts come from whole months plus the days at the edges of a
# period; the coarse ones cover the usual filters (taxonomy × arrondissement/sector) with
# far fewer rows than the complete ones (every filter dimension).
_TIME = ("day", "week_start", "month_start", "year")
_COARSE = ("category_id", "family_id", "arrondissement_id", "sector_id")
_FULL = (
    "category_id",
    "family_id",
    "quartier_id",
    "arrondissement_id",
    "sector_id",
    "channel",
    "partner_id",
)
ROLLUPS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "daily": ("day", (*_TIME, *_FULL, "is_open"), ""),
    "daily_coarse": ("day", (*_TIME, *_COARSE, "is_open"), ""),
    "weekly": ("week_start", ("week_start", "year", *_COARSE), ""),
    "monthly": ("month_start", ("month_start", "year", *_FULL, "is_open"), ""),
    "monthly_coarse": ("month_start", ("month_start", "year", *_COARSE, "is_open"), ""),
    # Hour of the week by family and sector (finer filters read the facts).
    "hourly": (
        "month_start",
        ("month_start", "year", "weekday", "hour", "family_id", "sector_id"),
        "",
    ),
    # Complaints per H3 cell of the hot spot maps' default resolution.
    "h3_monthly": (
        "month_start",
        ("month_start", "year", "h3_r10", "family_id", "sector_id"),
        "h3_r10 IS NOT NULL",
    ),
    # Histogram of the delays to the first answer by family and sector, for medians.
    "answer_monthly": (
        "month_start",
        ("month_start", "year", "family_id", "sector_id", "answer_bucket"),
        "first_answer_hours IS NOT NULL",
    ),
}
H3_ROLLUP_RESOLUTION = 10
_FACT_TYPES = {name: duck for name, _, duck in FACT_COLUMNS}

DIMENSIONS_DDL = {
    "dim_family": "family_id INTEGER, code VARCHAR, label VARCHAR, ord INTEGER",
    "dim_category": (
        "category_id INTEGER, code VARCHAR, label VARCHAR, family_id INTEGER, ord INTEGER, "
        "answer_deadline_days INTEGER"
    ),
    "dim_sector": "sector_id INTEGER, code VARCHAR, label VARCHAR, ord INTEGER, population BIGINT",
    "dim_arrondissement": (
        "arrondissement_id INTEGER, number INTEGER, code VARCHAR, label VARCHAR, "
        "sector_id INTEGER, population BIGINT, area_km2 DOUBLE"
    ),
    "dim_quartier": (
        "quartier_id INTEGER, code VARCHAR, number INTEGER, label VARCHAR, "
        "arrondissement_id INTEGER, area_km2 DOUBLE"
    ),
    "dim_partner": "partner_id INTEGER, code VARCHAR, label VARCHAR",
    "dim_desk": "desk_id INTEGER, code VARCHAR, label VARCHAR, partner_id INTEGER",
}
_META_DDL = (
    "schema_version INTEGER, generation BIGINT, refreshed_at TIMESTAMP, "
    "complaint_watermark TIMESTAMP, case_watermark TIMESTAMP, row_count BIGINT"
)


class StoreBusy(RuntimeError):
    """The store stayed locked by another process longer than the configured timeout."""


def store_dir() -> Path:
    path = Path(settings.CPPS_VAR_DIR) / "observatoire"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_path() -> Path:
    """The published file (what the link points to)."""
    link = store_dir() / STORE_FILE
    return link.resolve() if link.is_symlink() else link


def _spare_path() -> Path:
    """The slot the next refresh writes: the one not published."""
    published = store_path().name
    return store_dir() / (SLOTS[1] if published == SLOTS[0] else SLOTS[0])


def _publish(slot: Path) -> None:
    """Point the link at `slot`, atomically: a reader resolves either the old or the new."""
    link = store_dir() / STORE_FILE
    staging = store_dir() / f"{STORE_FILE}.next"
    staging.unlink(missing_ok=True)
    staging.symlink_to(slot.name)
    os.replace(staging, link)


def _lock_timeout() -> float:
    return float(settings.CPPS_OBSERVATOIRE_LOCK_TIMEOUT)


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _linger() -> float:
    return float(settings.CPPS_OBSERVATOIRE_LINGER_SECONDS)


def _is_lock_error(exc: Exception) -> bool:
    return "lock" in str(exc).lower()


# --- per-process access to the file ----------------------------------------------------------


class _Access:
    """One in-memory DuckDB instance per process; the published file is attached read-only.

    Readers share one attachment (counted), kept `CPPS_OBSERVATOIRE_LINGER_SECONDS` after the
    last read so that the panels of a page find its blocks in memory. When the link has
    moved to a newer file, the next read that finds no other reader attaches the new one;
    until then readers go on with the previous generation: they never wait. The writer
    (the worker) attaches the spare slot read-write, retrying while a reader somewhere still
    has it attached (at most a linger time plus one request).
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._instance: duckdb.DuckDBPyConnection | None = None
        self._readers = 0
        self._attached: Path | None = None  # the slot attached read-only
        self._timer: threading.Timer | None = None

    def _db(self) -> duckdb.DuckDBPyConnection:
        if self._instance is None:
            self._instance = duckdb.connect(":memory:")
        return self._instance

    def _release(self) -> None:
        """Detach the read-only attachment (caller holds the condition, no reader left)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._attached is not None:
            self._db().execute(f"DETACH {ALIAS}")
            self._attached = None

    def _release_when_idle(self) -> None:
        with self._cond:
            if self._readers == 0:
                self._release()

    @contextlib.contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._cond:
            published = store_path()
            if self._attached not in (None, published) and self._readers == 0:
                self._release()  # a refresh published a newer file
            if self._attached is None:
                self._db().execute(f"ATTACH {_quoted(published)} AS {ALIAS} (READ_ONLY)")
                self._attached = published
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._readers += 1
        cursor = self._db().cursor()
        try:
            cursor.execute(f"USE {ALIAS}")
            cursor.execute("SET enable_progress_bar = false")
            yield cursor
        finally:
            cursor.close()
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    if _linger() <= 0 or self._attached != store_path():
                        self._release()
                    else:
                        self._timer = threading.Timer(_linger(), self._release_when_idle)
                        self._timer.daemon = True
                        self._timer.start()

    @contextlib.contextmanager
    def writing(self, path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write cursor on `path`, a slot that is not published."""
        with self._cond:
            if self._attached == path:  # this process still reads that generation
                self._cond.wait_for(lambda: self._readers == 0, timeout=_lock_timeout())
                self._release()
        writer = duckdb.connect(":memory:")
        deadline = time.monotonic() + _lock_timeout()
        pause = 0.01
        while True:
            try:
                writer.execute(f"ATTACH {_quoted(path)} AS {ALIAS}")
                break
            except (duckdb.IOException, duckdb.BinderException) as exc:
                if not _is_lock_error(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreBusy(
                        _("L'entrepôt de l'observatoire est occupé, réessayez dans un instant.")
                    ) from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.25)
        try:
            writer.execute(f"USE {ALIAS}")
            writer.execute("SET enable_progress_bar = false")
            yield writer
            writer.execute("CHECKPOINT")
        finally:
            writer.close()


_access = _Access()


def exists() -> bool:
    return store_path().exists()


@contextlib.contextmanager
def reading() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor on the published store; before the worker's first refresh, on an
    empty one in memory (web processes never create or write the file)."""
    if not exists():
        empty = duckdb.connect(":memory:")
        try:
            create_schema(empty)
            yield empty
        finally:
            empty.close()
        return
    with _access.reading() as con:
        yield con


# --- schema -----------------------------------------------------------------------------------


def create_schema(con) -> None:
    columns = ", ".join(f"{name} {duck}" for name, _, duck in FACT_COLUMNS)
    con.execute(f"CREATE TABLE IF NOT EXISTS facts ({columns})")
    for name, (_period, keys, _condition) in ROLLUPS.items():
        cols = ", ".join(f"{k} {_FACT_TYPES[k]}" for k in keys)
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols}, n INTEGER)")
    for name, ddl in DIMENSIONS_DDL.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({ddl})")
    con.execute(f"CREATE TABLE IF NOT EXISTS meta ({_META_DDL})")
    if not con.execute("SELECT count(*) FROM meta").fetchone()[0]:
        con.execute("INSERT INTO meta VALUES (?, 0, NULL, NULL, NULL, 0)", [SCHEMA_VERSION])


def read_meta(con) -> dict:
    row = con.execute(
        "SELECT schema_version, generation, refreshed_at, complaint_watermark, "
        "case_watermark, row_count FROM meta"
    ).fetchone()
    keys = (
        "schema_version",
        "generation",
        "refreshed_at",
        "complaint_watermark",
        "case_watermark",
        "row_count",
    )
    return dict(zip(keys, row, strict=True))


def _utc_naive(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


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


# --- refresh ----------------------------------------------------------------------------------


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


def age_seconds() -> float | None:
    """Seconds since the last refresh, None if the store was never refreshed."""
    try:
        return time.time() - (store_dir() / STAMP_FILE).stat().st_mtime
    except FileNotFoundError:
        return None


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


def _iso(moment: datetime | None) -> str | None:
    return _aware(moment).isoformat() if moment else None


def status() -> dict:
    if not exists():
        return {"refreshed_at": None, "rows": 0, "watermark": None, "path": str(store_path())}
    with _access.reading() as con:
        meta = read_meta(con)
    return {
        "refreshed_at": _iso(meta["refreshed_at"]),
        "rows": int(meta["row_count"] or 0),
        "watermark": _iso(meta["complaint_watermark"]),
        "path": str(store_path()),
        "generation": int(meta["generation"]),
    }


# --- Parquet export ---------------------------------------------------------------------------


def export_parquet(directory: Path) -> dict[str, int]:
    """Facts and rollups as Hive-partitioned Parquet (`year=YYYY/month=M/`), dimensions as
    one file each, so that Spark, Trino or DuckDB run the same queries on them. Returns the
    number of rows written per table."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    with reading() as con:
        for name, (period, _keys, _condition) in {**ROLLUPS, "facts": ("day", (), "")}.items():
            target = directory / name
            con.execute(
                f"COPY (SELECT * EXCLUDE (year), year({period}) AS year, "
                f"month({period}) AS month FROM {name} ORDER BY {period}) "
                f"TO {_quoted(target)} (FORMAT parquet, PARTITION_BY (year, month), "
                "OVERWRITE_OR_IGNORE true)"
            )
            written[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        for name in DIMENSIONS_DDL:
            target = directory / f"{name}.parquet"
            con.execute(f"COPY {name} TO {_quoted(target)} (FORMAT parquet)")
            written[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    return written

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

This module is the layout, the schema and the per-process access (read-only for web
processes); writing (full builds, incremental refreshes) is `observatoire.writer`.
"""

# SQL here is assembled from this module's own table and column names; values always travel
# as query parameters, paths are quoted by `_quoted`.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from django.conf import settings
from django.utils.translation import gettext as _

from observatoire.facts import FACT_COLUMNS

#: Bumped when the layout changes: a store of another version is rebuilt in full.
SCHEMA_VERSION = 5
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
# Family and sector follow from category and arrondissement: kept for filters, no extra rows.
_DELAY_KEYS = ("category_id", "family_id", "arrondissement_id", "sector_id", "desk_id")
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
    # Delay histograms by desk, category and arrondissement for the response-time tables
    # (filters by quartier, channel or partner read the facts).
    "answer_desk_monthly": (
        "month_start",
        ("month_start", "year", *_DELAY_KEYS, "answer_bucket"),
        "first_answer_hours IS NOT NULL",
    ),
    "closing_desk_monthly": (
        "month_start",
        ("month_start", "year", *_DELAY_KEYS, "closing_bucket"),
        "closing_days IS NOT NULL",
    ),
    # Complaints by desk, category and arrondissement and their first answer against the
    # due date, for the counts of the same tables.
    "deadline_monthly": (
        "month_start",
        ("month_start", "year", *_DELAY_KEYS, "deadline_state"),
        "",
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


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def age_seconds() -> float | None:
    """Seconds since the last refresh, None if the store was never refreshed."""
    try:
        return time.time() - (store_dir() / STAMP_FILE).stat().st_mtime
    except FileNotFoundError:
        return None


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

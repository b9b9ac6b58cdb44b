"""The observatory's analytical store at scale: N generated complaints (10 M by default).

In a fresh temporary CPPS_VAR_DIR with a SQLite case database (migrations, Paris
referentials):

1. the demo generator's arrays (`doleances.demo.generate`), located on the quartiers and
   the H3 grid, go straight into the DuckDB store through `observatoire.writer.build` (the
   same fact builder as the refresh); routing gives each (category, arrondissement) its desk,
   and answered/closed complaints get plausible answer and closing times;
2. the same rows are loaded into the case database's complaint table (the naive baseline's
   table, and the table the incremental refresh reads);
3. measured, in this order: the naive GROUP BY (category × arrondissement × week over one
   year) on the case database against the same aggregate from the store; the dashboard
   aggregates through `observatoire.services` (key figures, counts by arrondissement, weekly
   series with its seasonal baseline, hour of week; four filter combinations, three runs
   each: median ≤ 50 ms); the full Paris hot spot map (H3 res 10, one year, a family filter:
   query + Gi* + GeoJSON text ≤ 300 ms, warm process caches; the first call, which builds
   the grid and its weights, is reported apart); emerging hot spots over 104 weekly slices
   (≤ 5 s); 10,000 complaints filed through the bulk intake (routing included, not timed)
   then `services.refresh()` (≤ 2 s); peak memory (max RSS).

The naive baseline runs on all N rows when N ≤ --baseline-max (10 M by default, a few
minutes at most on 2 cores); above, on the first --baseline-max rows, extrapolated linearly
(said in the output). The case table only gets cases for the 10,000 filed complaints: the
store's facts of the generated rows carry their desk and times directly.

    .venv/bin/python bench/observatory.py [--rows 10000000] [--baseline-max 10000000]
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Analytical store benchmark.")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=1_000_000,
        help="rows loaded into the SQLite case table (naive baseline extrapolated above)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary CPPS_VAR_DIR for inspection"
    )
    parser.add_argument("--store-only", action="store_true", help="build the store and stop")
    return parser.parse_args()


ARGS = arguments() if __name__ == "__main__" else None
VAR_DIR = tempfile.mkdtemp(prefix="cpps-bench-observatory-")
os.environ["CPPS_VAR_DIR"] = VAR_DIR
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("CPPS_DATA_DIR", str(ROOT.parent / "shared" / "data"))
os.environ.setdefault("CPPS_GEO_DIR", str(Path(os.environ["CPPS_DATA_DIR"]) / "geo"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import casedb  # noqa: E402
from bench._common import emit  # noqa: E402
from cpps.bootstrap import load_referentials  # noqa: E402
from doleances import demo  # noqa: E402
from doleances.bulk import file_complaints  # noqa: E402
from doleances.models import Category  # noqa: E402
from observatoire import extract, services, store, writer  # noqa: E402
from observatoire.filters import Filters  # noqa: E402

CHUNK = 1_000_000
SEED = 2026
NEW_COMPLAINTS = 10_000
TARGETS = {"dashboard_median_ms": 50, "hotspot_map_ms": 300, "emerging_s": 5, "refresh_s": 2}


def log(message: str) -> None:
    print(message, flush=True)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


# --- data ---------------------------------------------------------------------------------------


def generate_store(rows: int) -> dict:
    """Generated complaints in receipt order (`bench.casedb`), their facts in the store."""
    data = casedb.complaint_arrays(rows, seed=SEED)
    now = timezone.now()
    seconds, _ = timed(
        lambda: writer.build(
            casedb.fact_tables(data),
            extract.dimension_tables(),
            complaint_watermark=now,
            case_watermark=now,
            sort=False,
        )
    )
    size = store.store_path().stat().st_size / 1e6
    log(f"store built from the arrays in {seconds:.1f} s ({size:.0f} MB)")
    data["store_build_s"] = seconds
    return data


def load_case_table(data: dict, picked: np.ndarray) -> float:
    """The `picked` rows into doleances_complaint (no cases: the store's facts of the
    generated rows carry their desk and times); an even sample keeps every period."""
    loaded = casedb.load(data, picked, cases=False)
    return loaded["insert_s"] + loaded["index_s"]


def ensure_change_indexes() -> list[str]:
    """The incremental refresh looks complaints and cases up by `updated_at`: without an
    index each refresh would scan the case table. Created here when the migrations of
    doleances/traitement do not have one yet (asked of the lead)."""
    created = []
    with connection.cursor() as cursor:
        for table in ("doleances_complaint", "traitement_case"):
            cursor.execute(
                "SELECT 1 FROM sqlite_master m, pragma_index_info(m.name) i "
                "WHERE m.type = 'index' AND m.tbl_name = %s AND i.name = 'updated_at' "
                "AND i.seqno = 0",
                [table],
            )
            if not cursor.fetchone():
                cursor.execute(f"CREATE INDEX bench_{table}_updated_at ON {table} (updated_at)")
                created.append(table)
    return created


# --- measures -----------------------------------------------------------------------------------


def naive_baseline(start: date, end: date) -> tuple[float, int]:
    """category × arrondissement × week over [start, end] straight on the case table."""
    path = settings.DATABASES["default"]["NAME"]
    db = sqlite3.connect(path)
    low = datetime.combine(start, datetime.min.time(), UTC) - timedelta(hours=2)
    high = datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC)
    sql = (
        "SELECT category_id, arrondissement_id, strftime('%Y-%W', received_at) AS week, "
        "count(*) FROM doleances_complaint WHERE received_at >= ? AND received_at < ? "
        "GROUP BY 1, 2, 3"
    )
    args = (low.strftime("%Y-%m-%d %H:%M:%S"), high.strftime("%Y-%m-%d %H:%M:%S"))
    seconds, result = timed(lambda: db.execute(sql, args).fetchall())
    db.close()
    return seconds, len(result)


def store_same_aggregate(start: date, end: date) -> tuple[float, float, int]:
    """The same aggregate from the store: whole weeks from the weekly rollup plus the edge
    days from the daily one (what the measures do), and from the raw facts."""
    first_week = start + timedelta(days=-start.weekday() % 7)
    last_sunday = end - timedelta(days=(end.weekday() + 1) % 7)
    sql_rollup = (
        "SELECT category_id, arrondissement_id, week_start, sum(n) FROM ("
        "SELECT category_id, arrondissement_id, week_start, n FROM weekly "
        "WHERE week_start BETWEEN ? AND ? UNION ALL "
        "SELECT category_id, arrondissement_id, week_start, n FROM daily_coarse "
        "WHERE day BETWEEN ? AND ? OR day BETWEEN ? AND ?) GROUP BY ALL"
    )
    rollup_params = [
        first_week,
        last_sunday - timedelta(days=6),
        start,
        first_week - timedelta(days=1),
        last_sunday + timedelta(days=1),
        end,
    ]
    sql_facts = (
        "SELECT category_id, arrondissement_id, week_start, count(*) FROM facts "
        "WHERE day BETWEEN ? AND ? GROUP BY ALL"
    )

    def run(sql, params):
        with store.reading() as con:
            return con.execute(sql, params).fetchall()

    rollup = [timed(lambda: run(sql_rollup, rollup_params)) for _ in range(5)]
    facts = [timed(lambda: run(sql_facts, [start, end])) for _ in range(3)]
    assert sorted(rollup[0][1]) == sorted(facts[0][1])
    return (
        statistics.median(t for t, _ in rollup),
        statistics.median(t for t, _ in facts),
        len(rollup[0][1]),
    )


def dashboard(end: date) -> dict:
    year = Filters(start=end - timedelta(days=364), end=end)
    combinations = {
        "paris": year,
        "famille": year.replace(families=("vie-nocturne",)),
        "secteur": year.replace(sectors=("paris-18",)),
        "categorie+arrondissement": year.replace(
            categories=("depots-sauvages",), arrondissements=(18,)
        ),
    }
    measures = {
        "key_figures": services.key_figures,
        "counts_by_arrondissement": lambda f: services.counts_by(f, "arrondissement", rate=True),
        "time_series_week": lambda f: services.time_series(f, "week"),
        "hour_of_week": services.hour_of_week,
    }
    timings: dict[str, list[float]] = {name: [] for name in measures}
    for _round in range(3):
        for f in combinations.values():
            for name, fn in measures.items():
                timings[name].append(timed(lambda fn=fn, f=f: fn(f))[0])
    every = [t for values in timings.values() for t in values]
    return {
        "median_ms": statistics.median(every) * 1000,
        "p90_ms": float(np.percentile(every, 90)) * 1000,
        "by_measure_ms": {k: statistics.median(v) * 1000 for k, v in timings.items()},
        "calls": len(every),
    }


def hotspot_map(end: date) -> tuple[float, float, int, int]:
    f = Filters(start=end - timedelta(days=364), end=end, families=("incivilites",))

    def run():  # the text a map view sends
        return services.hotspots_geojson_text(f, resolution=10)

    cold, text = timed(run)
    warm = [timed(run)[0] for _ in range(5)]
    features = json.loads(text)["features"]
    return cold, statistics.median(warm), len(features), len(text)


def file_new_complaints(count: int) -> float:
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    today = timezone.localdate()
    arrays = demo.generate(
        count,
        seed=SEED + 1,
        start=today - timedelta(days=1),
        end=today,
        categories=sorted(categories),
    )
    started = time.perf_counter()
    for lo in range(0, count, 2_000):
        items = demo.complaint_inputs(
            arrays, categories, SEED + 1, range(lo, min(lo + 2_000, count))
        )
        result = file_complaints(items)
        assert not result.rejected, result.rejected[:3]
    return time.perf_counter() - started


def main() -> None:
    rows = ARGS.rows
    baseline_rows = min(rows, ARGS.baseline_max)
    if not ARGS.keep:
        atexit.register(shutil.rmtree, VAR_DIR, ignore_errors=True)
    run_started = time.perf_counter()

    call_command("migrate", interactive=False, verbosity=0)
    load_referentials(os.environ["CPPS_GEO_DIR"])
    data = generate_store(rows)
    if ARGS.store_only:
        log(f"store kept in {VAR_DIR}" if ARGS.keep else "store built")
        return
    step = max(1, rows // baseline_rows)
    case_load_s = load_case_table(data, np.arange(0, rows, step))
    baseline_rows = len(range(0, rows, step))
    created_indexes = ensure_change_indexes()
    if created_indexes:
        log(f"created the missing updated_at indexes on {', '.join(created_indexes)}")
    end = date.fromtimestamp(int(data["received"].max()))
    store_build_s = data["store_build_s"]
    del data

    year_start = end - timedelta(days=364)
    naive_s, naive_groups = naive_baseline(year_start, end)
    naive_full_s = naive_s * rows / baseline_rows
    scope = (
        "all rows"
        if baseline_rows == rows
        else f"every {step}th row, {baseline_rows:,} rows, time × {rows / baseline_rows:g}"
    )
    log(f"naive GROUP BY on the case table ({scope}): {naive_full_s:.2f} s, {naive_groups} groups")
    rollup_s, facts_s, groups = store_same_aggregate(year_start, end)
    log(
        f"same aggregate from the store: {rollup_s * 1000:.1f} ms (weekly + daily rollups), "
        f"{facts_s * 1000:.1f} ms (facts), {groups} groups"
    )

    board = dashboard(end)
    log(
        f"dashboard aggregates: median {board['median_ms']:.1f} ms, p90 {board['p90_ms']:.1f} ms "
        f"over {board['calls']} calls; "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in board["by_measure_ms"].items())
    )
    cold_map, warm_map, features, size = hotspot_map(end)
    log(
        f"hot spot map (res 10, one year, family filter): {warm_map * 1000:.0f} ms "
        f"(first call, grid and weights included: {cold_map * 1000:.0f} ms), "
        f"{features} cells, {size / 1e6:.1f} MB of GeoJSON"
    )
    emerging_s, patterns = timed(
        lambda: services.emerging_hotspots(Filters(start=end, end=end), weeks=104, resolution=10)
    )
    log(f"emerging hot spots, 104 weekly slices: {emerging_s:.2f} s, {len(patterns)} cells")

    filing_s = file_new_complaints(NEW_COMPLAINTS)
    log(f"{NEW_COMPLAINTS:,} complaints filed through the bulk intake in {filing_s:.1f} s")
    refresh_s, refreshed = timed(services.refresh)
    log(
        f"incremental refresh: {refresh_s:.2f} s for {refreshed['rows']:,} changed complaints "
        f"(case database {refreshed['read_seconds']:.2f} s, "
        f"store {refreshed['write_seconds']:.2f} s)"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total_s = time.perf_counter() - run_started
    log(f"peak memory {peak_mb:.0f} MB; total {total_s / 60:.1f} min")

    figures = {
        "rows": rows,
        "naive_baseline_rows": baseline_rows,
        "naive_extrapolated": baseline_rows != rows,
        "naive_group_by_s": round(naive_full_s, 3),
        "store_rollup_ms": round(rollup_s * 1000, 2),
        "store_facts_ms": round(facts_s * 1000, 2),
        "ratio_naive_to_rollup": round(naive_full_s / rollup_s, 1),
        "ratio_naive_to_facts": round(naive_full_s / facts_s, 1),
        "dashboard_median_ms": round(board["median_ms"], 2),
        "dashboard_p90_ms": round(board["p90_ms"], 2),
        "dashboard_by_measure_ms": {k: round(v, 2) for k, v in board["by_measure_ms"].items()},
        "hotspot_map_ms": round(warm_map * 1000, 1),
        "hotspot_map_first_call_ms": round(cold_map * 1000, 1),
        "hotspot_cells": features,
        "emerging_s": round(emerging_s, 3),
        "refresh_s": round(refresh_s, 3),
        "refresh_rows": refreshed["rows"],
        "refresh_read_s": refreshed["read_seconds"],
        "refresh_write_s": refreshed["write_seconds"],
        "store_build_s": round(store_build_s, 1),
        "case_table_load_s": round(case_load_s, 1),
        "store_mb": round(store.store_path().stat().st_size / 1e6, 1),
        "peak_rss_mb": round(peak_mb),
        "total_s": round(total_s, 1),
        "targets": TARGETS,
        "within_targets": {
            "dashboard": board["median_ms"] <= TARGETS["dashboard_median_ms"],
            "hotspot_map": warm_map * 1000 <= TARGETS["hotspot_map_ms"],
            "emerging": emerging_s <= TARGETS["emerging_s"],
            "refresh": refresh_s <= TARGETS["refresh_s"],
        },
    }
    emit(figures)


if __name__ == "__main__":
    main()

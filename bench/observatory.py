"""The observatory's analytical store at scale: N generated complaints (10 M by default).

In a fresh temporary CPPS_VAR_DIR with a SQLite case database (migrations, Paris
referentials):

1. the demo generator's arrays (`doleances.demo.generate`), located on the quartiers and
   the H3 grid, go straight into the DuckDB store through `observatoire.store.build` (the
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
import shapely  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench._common import emit  # noqa: E402
from cpps.bootstrap import load_referentials  # noqa: E402
from doleances import demo  # noqa: E402
from doleances.bulk import file_complaints  # noqa: E402
from doleances.choices import OPEN_STATUSES, Status  # noqa: E402
from doleances.models import Category, ReferenceCounter  # noqa: E402
from observatoire import extract, services, store  # noqa: E402
from observatoire.facts import build_facts  # noqa: E402
from observatoire.filters import Filters  # noqa: E402
from territory.h3cells import latlng_to_cells  # noqa: E402
from territory.models import Arrondissement, Quartier  # noqa: E402
from traitement.routing import RoutingTable  # noqa: E402

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


def quartier_of(lat: np.ndarray, lon: np.ndarray, arrondissement: np.ndarray) -> np.ndarray:
    """Quartier pk of each point, testing only the quartiers of its known arrondissement."""
    out = np.zeros(lat.size, dtype=np.int64)
    for number in range(1, 21):
        rows = np.flatnonzero(arrondissement == number)
        for quartier in Quartier.objects.filter(arrondissement__number=number):
            polygon = shapely.from_geojson(quartier.geometry)
            shapely.prepare(polygon)
            inside = shapely.contains_xy(polygon, lon[rows], lat[rows])
            out[rows[inside]] = quartier.pk
    return out


def synthetic_case_times(rng, received: np.ndarray, status: np.ndarray, deadline: np.ndarray):
    """Answer and closing times for answered/closed complaints; due dates for all."""
    answered = np.isin(status, [Status.ANSWERED, Status.CLOSED])
    answer_hours = np.exp(rng.normal(np.log(40), 1.1, received.size))
    closing_days = np.exp(rng.normal(np.log(4), 0.8, received.size))
    nan = np.full(received.size, np.nan)
    first_answer = np.where(answered, received + answer_hours * 3600, nan)
    closed = np.where(status == Status.CLOSED, first_answer + closing_days * 86400, nan)
    return first_answer, closed, received + deadline * 86400.0


def generate_store(rows: int):
    """Generated complaints in receipt order, their facts in the store; returns what the
    case-database load needs."""
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    seconds, arrays = timed(lambda: demo.generate(rows, seed=SEED, categories=sorted(categories)))
    log(f"generated {rows:,} complaints in {seconds:.1f} s")
    order = np.argsort(arrays.received_at, kind="stable")
    received = arrays.received_at.astype(np.int64)[order]
    occurred = arrays.occurred_at.astype(np.int64)[order]
    latitude, longitude = arrays.latitude[order], arrays.longitude[order]
    arrondissement_number = arrays.arrondissement[order].astype(np.int64)
    category_codes = np.array(arrays.categories, dtype=object)
    category_pk = np.array([categories[c].pk for c in category_codes])[arrays.category[order]]
    family_pk = np.array([categories[c].family_id for c in category_codes])[arrays.category[order]]
    deadline = np.array([categories[c].answer_deadline_days for c in category_codes])[
        arrays.category[order]
    ]
    channel = np.array(arrays.channels, dtype=object)[arrays.channel[order]]
    status = np.array(arrays.statuses, dtype=object)[arrays.status[order]]
    del arrays

    numbers = dict(Arrondissement.objects.values_list("number", "pk"))
    sectors = dict(Arrondissement.objects.values_list("number", "sector_id"))
    arrondissement_pk = np.array([0] + [numbers[n] for n in range(1, 21)])[arrondissement_number]
    sector_pk = np.array([0] + [sectors[n] for n in range(1, 21)])[arrondissement_number]
    seconds, quartier = timed(lambda: quartier_of(latitude, longitude, arrondissement_number))
    log(f"located on the quartiers in {seconds:.1f} s ({int((quartier == 0).sum())} outside)")
    seconds, cells = timed(lambda: latlng_to_cells(latitude, longitude, (8, 9, 10, 11)))
    log(f"H3 cells r8–r11 in {seconds:.1f} s")

    # Desk in charge: the routing table's answer for each (category, arrondissement), at noon.
    table = RoutingTable.load()
    noon = timezone.now().replace(hour=12)
    desk = np.zeros((int(category_pk.max()) + 1, 21), dtype=np.int64)
    partner = np.zeros_like(desk)
    for category in categories.values():
        for number in range(1, 21):
            decision = table.route(
                category_id=category.pk, arrondissement_id=numbers[number], moment=noon
            )
            if decision.desk:
                desk[category.pk, number] = decision.desk.pk
                partner[category.pk, number] = decision.desk.partner_id
    rng = np.random.default_rng(SEED)
    first_answer, closed, due = synthetic_case_times(rng, received, status, deadline)
    ids = np.arange(1, rows + 1, dtype=np.int64)

    def chunks():
        for lo in range(0, rows, CHUNK):
            s = slice(lo, min(lo + CHUNK, rows))
            yield build_facts(
                complaint_id=ids[s],
                received_at=received[s],
                occurred_at=occurred[s],
                category_id=category_pk[s],
                family_id=family_pk[s],
                channel=channel[s],
                status=status[s],
                is_open=np.isin(status[s], [str(x) for x in OPEN_STATUSES]),
                arrondissement_id=arrondissement_pk[s],
                sector_id=sector_pk[s],
                quartier_id=quartier[s],
                h3={res: cells[res][s] for res in cells},
                desk_id=desk[category_pk[s], arrondissement_number[s]],
                partner_id=partner[category_pk[s], arrondissement_number[s]],
                first_answer_at=first_answer[s],
                closed_at=closed[s],
                due_at=due[s],
            )

    now = timezone.now()
    seconds, _ = timed(
        lambda: store.build(
            chunks(),
            extract.dimension_tables(),
            complaint_watermark=now,
            case_watermark=now,
            sort=False,
        )
    )
    size = store.store_path().stat().st_size / 1e6
    log(f"store built from the arrays in {seconds:.1f} s ({size:.0f} MB)")
    return {
        "ids": ids,
        "received": received,
        "occurred": occurred,
        "category": category_pk,
        "channel": channel,
        "status": status,
        "latitude": latitude,
        "longitude": longitude,
        "quartier": quartier,
        "arrondissement": arrondissement_pk,
        "sector": sector_pk,
        "cells": cells,
        "store_build_s": seconds,
    }


def _sqlite_time(epochs: np.ndarray) -> list[str]:
    """Django's SQLite datetime text: "YYYY-MM-DD HH:MM:SS", UTC."""
    text = np.datetime_as_string(epochs.astype("datetime64[s]"), unit="s")
    return np.char.replace(text, "T", " ").tolist()


def load_case_table(data: dict, picked: np.ndarray) -> float:
    """The `picked` rows into doleances_complaint (indexes dropped during the load, then
    rebuilt); an even sample keeps every period represented."""
    path = settings.DATABASES["default"]["NAME"]
    connection.close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name = 'doleances_complaint' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        db.execute(f'DROP INDEX "{name}"')
    columns = (
        "id, reference, received_at, occurred_at, category_id, description, channel, status, "
        "priority, latitude, longitude, address, postal_code, precision, quartier_id, "
        "arrondissement_id, sector_id, h3_r8, h3_r9, h3_r10, h3_r11, source, external_id, "
        "media_url, created_at, updated_at"
    )
    started = time.perf_counter()
    years = data["received"].astype("datetime64[s]").astype("datetime64[Y]").astype(int) + 1970
    counters: dict[int, int] = {}
    for lo in range(0, picked.size, CHUNK // 4):
        s = picked[lo : lo + CHUNK // 4]
        received = _sqlite_time(data["received"][s])
        occurred = _sqlite_time(data["occurred"][s])
        references = []
        for year in years[s].tolist():
            counters[year] = counters.get(year, 0) + 1
            references.append(f"DOL-{year}-{counters[year]:06d}")
        quartier = [q or None for q in data["quartier"][s].tolist()]
        cells = [data["cells"][res][s].tolist() for res in (8, 9, 10, 11)]
        db.executemany(
            f"INSERT INTO doleances_complaint ({columns}) VALUES "
            "(?, ?, ?, ?, ?, '', ?, ?, 2, ?, ?, '', '', 'point', ?, ?, ?, ?, ?, ?, ?, "
            "'bench', '', '', ?, ?)",
            zip(
                data["ids"][s].tolist(),
                references,
                received,
                occurred,
                data["category"][s].tolist(),
                data["channel"][s].tolist(),
                data["status"][s].tolist(),
                data["latitude"][s].tolist(),
                data["longitude"][s].tolist(),
                quartier,
                data["arrondissement"][s].tolist(),
                data["sector"][s].tolist(),
                *cells,
                received,
                received,
                strict=True,
            ),
        )
    db.commit()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    for _name, sql in indexes:
        db.execute(sql)
    db.execute("PRAGMA journal_mode=WAL")
    db.commit()
    db.close()
    for year, last in counters.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last": last})
    log(
        f"case table: {picked.size:,} rows inserted in {loaded:.1f} s, "
        f"{len(indexes)} indexes rebuilt in {time.perf_counter() - started:.1f} s"
    )
    return loaded + time.perf_counter() - started


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

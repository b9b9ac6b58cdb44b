"""A generated case database at scale, for the benchmarks: millions of complaints in minutes.

`complaint_arrays` draws N complaints with the demo generator (`doleances.demo.generate`:
volumes by arrondissement and category, hot spots, hourly and seasonal rhythms), sorts them by
receipt (ids grow with receipt, as in production), locates them on the quartiers and the H3
grid, gives each the desk the routing table names for its (category, arrondissement), and
answered/closed complaints plausible answer and closing times. `fact_tables` turns the arrays
into the store's facts directly (`observatoire.facts.build_facts`); `load` writes complaint,
case and event rows into the SQLite case database with raw `executemany` in large
transactions, indexes dropped during the load and rebuilt after, so that the worker's refresh
then reads a case database shaped like a real one.

Only for benchmarks: the intake service (`doleances.bulk.file_complaints`, ~1,000 complaints/s)
is what files real complaints; this skips its validation and signals to reach 10 M rows.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import date

import numpy as np
import pyarrow as pa
import shapely
from django.conf import settings
from django.db import connection
from django.utils import timezone

from doleances import demo
from doleances.choices import OPEN_STATUSES, Status
from doleances.models import Category, ReferenceCounter
from observatoire.facts import build_facts
from territory.h3cells import latlng_to_cells
from territory.models import Arrondissement, Quartier
from traitement.choices import ClosingReason, EventKind
from traitement.routing import RoutingTable

CHUNK = 1_000_000
# Rows per executemany call: one transaction per table, a bounded list of tuples at a time.
LOAD_CHUNK = 250_000
PRIORITY_NORMAL = 2
ROUTED, ANSWER, TRANSITION = (
    k.value for k in (EventKind.ROUTED, EventKind.ANSWER, EventKind.TRANSITION)
)
NEW, IN_PROGRESS, ANSWERED = (s.value for s in (Status.NEW, Status.IN_PROGRESS, Status.ANSWERED))
ANSWER_TEXT = "Votre signalement a été transmis au service compétent, qui est intervenu."


def log(message: str) -> None:
    print(message, flush=True)


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


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


def complaint_arrays(rows: int, *, seed: int, start: date = date(2024, 1, 1)) -> dict:
    """`rows` generated complaints from `start` to today, in receipt order, as aligned arrays
    (ids 1..rows; times in epoch seconds, NaN when missing)."""
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    seconds, arrays = _timed(
        lambda: demo.generate(rows, seed=seed, start=start, categories=sorted(categories))
    )
    log(f"generated {rows:,} complaints in {seconds:.1f} s")
    order = np.argsort(arrays.received_at, kind="stable")
    received = arrays.received_at.astype(np.int64)[order]
    category_codes = np.array(arrays.categories, dtype=object)
    category = arrays.category[order]
    data = {
        "ids": np.arange(1, rows + 1, dtype=np.int64),
        "received": received,
        "occurred": arrays.occurred_at.astype(np.int64)[order],
        "latitude": arrays.latitude[order],
        "longitude": arrays.longitude[order],
        "category": np.array([categories[c].pk for c in category_codes])[category],
        "family": np.array([categories[c].family_id for c in category_codes])[category],
        "channel": np.array(arrays.channels, dtype=object)[arrays.channel[order]],
        "status": np.array(arrays.statuses, dtype=object)[arrays.status[order]],
    }
    deadline = np.array([categories[c].answer_deadline_days for c in category_codes])[category]
    number = arrays.arrondissement[order].astype(np.int64)
    del arrays, order, category

    pks = dict(Arrondissement.objects.values_list("number", "pk"))
    sectors = dict(Arrondissement.objects.values_list("number", "sector_id"))
    data["arrondissement"] = np.array([0] + [pks[n] for n in range(1, 21)])[number]
    data["sector"] = np.array([0] + [sectors[n] for n in range(1, 21)])[number]
    seconds, data["quartier"] = _timed(
        lambda: quartier_of(data["latitude"], data["longitude"], number)
    )
    outside = int((data["quartier"] == 0).sum())
    log(f"located on the quartiers in {seconds:.1f} s ({outside} outside)")
    seconds, data["cells"] = _timed(
        lambda: latlng_to_cells(data["latitude"], data["longitude"], (8, 9, 10, 11))
    )
    log(f"H3 cells r8–r11 in {seconds:.1f} s")

    # Desk in charge: the routing table's answer for each (category, arrondissement), at noon.
    table = RoutingTable.load()
    noon = timezone.now().replace(hour=12)
    desk = np.zeros((int(data["category"].max()) + 1, 21), dtype=np.int64)
    partner = np.zeros_like(desk)
    for each in categories.values():
        for n in range(1, 21):
            decision = table.route(category_id=each.pk, arrondissement_id=pks[n], moment=noon)
            if decision.desk:
                desk[each.pk, n] = decision.desk.pk
                partner[each.pk, n] = decision.desk.partner_id
    data["desk"] = desk[data["category"], number]
    data["partner"] = partner[data["category"], number]
    rng = np.random.default_rng(seed)
    data["first_answer"], data["closed"], data["due"] = synthetic_case_times(
        rng, received, data["status"], deadline
    )
    return data


def fact_tables(data: dict) -> Iterator[pa.Table]:
    """The store's fact rows of the arrays, by chunks of CHUNK complaints."""
    open_statuses = [str(x) for x in OPEN_STATUSES]
    for lo in range(0, data["ids"].size, CHUNK):
        s = slice(lo, lo + CHUNK)
        yield build_facts(
            complaint_id=data["ids"][s],
            received_at=data["received"][s],
            occurred_at=data["occurred"][s],
            category_id=data["category"][s],
            family_id=data["family"][s],
            channel=data["channel"][s],
            status=data["status"][s],
            is_open=np.isin(data["status"][s], open_statuses),
            arrondissement_id=data["arrondissement"][s],
            sector_id=data["sector"][s],
            quartier_id=data["quartier"][s],
            h3={res: data["cells"][res][s] for res in data["cells"]},
            desk_id=data["desk"][s],
            partner_id=data["partner"][s],
            first_answer_at=data["first_answer"][s],
            closed_at=data["closed"][s],
            due_at=data["due"][s],
        )


def _sqlite_time(epochs: np.ndarray) -> list[str | None]:
    """Django's SQLite datetime text, "YYYY-MM-DD HH:MM:SS" UTC; None where NaN."""
    epochs = np.asarray(epochs)
    missing = np.isnan(epochs) if epochs.dtype.kind == "f" else np.zeros(epochs.size, bool)
    seconds = np.where(missing, 0, epochs).astype(np.int64).astype("datetime64[s]")
    text = np.char.replace(np.datetime_as_string(seconds, unit="s"), "T", " ").astype(object)
    text[missing] = None
    return text.tolist()


_COMPLAINT = (
    "id, reference, received_at, occurred_at, category_id, description, channel, status, "
    "priority, latitude, longitude, address, postal_code, precision, quartier_id, "
    "arrondissement_id, sector_id, h3_r8, h3_r9, h3_r10, h3_r11, source, external_id, "
    "media_url, created_at, updated_at"
)
_CASE = (
    "complaint_id, routing_reason, rerouted, is_open, priority, received_at, due_at, "
    "closing_reason, answer, answered_at, closed_at, updated_at, desk_id"
)
_EVENT = "case_id, at, kind, from_status, to_status, comment, public_message, is_public, to_desk_id"


def _complaint_rows(data: dict, s: np.ndarray, counters: dict[int, int]):
    received = _sqlite_time(data["received"][s])
    years = data["received"][s].astype("datetime64[s]").astype("datetime64[Y]").astype(int) + 1970
    references = []
    for year in years.tolist():
        counters[year] = counters.get(year, 0) + 1
        references.append(f"DOL-{year}-{counters[year]:06d}")
    return zip(
        data["ids"][s].tolist(),
        references,
        received,
        _sqlite_time(data["occurred"][s]),
        data["category"][s].tolist(),
        data["channel"][s].tolist(),
        data["status"][s].tolist(),
        data["latitude"][s].tolist(),
        data["longitude"][s].tolist(),
        [q or None for q in data["quartier"][s].tolist()],
        data["arrondissement"][s].tolist(),
        data["sector"][s].tolist(),
        *(data["cells"][res][s].tolist() for res in (8, 9, 10, 11)),
        received,
        received,
        strict=True,
    )


def _case_and_event_rows(data: dict, s: np.ndarray):
    """Case rows, and event rows: routed for every case, answer and closing where there are."""
    ids = data["ids"][s].tolist()
    status = data["status"][s]
    received = _sqlite_time(data["received"][s])
    answered = _sqlite_time(data["first_answer"][s])
    closed = _sqlite_time(data["closed"][s])
    due = _sqlite_time(data["due"][s])
    desk = [d or None for d in data["desk"][s].tolist()]
    is_open = np.isin(status, [str(x) for x in OPEN_STATUSES]).tolist()
    status = status.tolist()
    cases, events = [], []
    for i, pk in enumerate(ids):
        answer_at, closed_at = answered[i], closed[i]
        cases.append(
            (
                pk,
                "",
                0,
                is_open[i],
                PRIORITY_NORMAL,
                received[i],
                due[i],
                ClosingReason.RESOLVED.value if closed_at else "",
                ANSWER_TEXT if answer_at else "",
                answer_at,
                closed_at,
                closed_at or answer_at or received[i],
                desk[i],
            )
        )
        events.append((pk, received[i], ROUTED, "", NEW, "", "", 0, desk[i]))
        if answer_at:
            events.append((pk, answer_at, ANSWER, IN_PROGRESS, ANSWERED, "", ANSWER_TEXT, 1, None))
        if closed_at:
            events.append((pk, closed_at, TRANSITION, ANSWERED, status[i], "", "", 0, None))
    return cases, events


def _indexes(db: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    return db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        [table],
    ).fetchall()


def load(data: dict, picked: np.ndarray | None = None, *, cases: bool = True) -> dict:
    """The `picked` rows (all by default) into the SQLite case database: complaints, and with
    `cases` their case and event rows. Returns the rows written per table and the seconds."""
    picked = np.arange(data["ids"].size) if picked is None else picked
    path = settings.DATABASES["default"]["NAME"]
    connection.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    tables = ("doleances_complaint", "traitement_case", "traitement_caseevent")
    indexes = {table: _indexes(db, table) for table in tables}
    for table in tables:
        for name, _sql in indexes[table]:
            db.execute(f'DROP INDEX "{name}"')
    started = time.perf_counter()
    counters: dict[int, int] = {}
    written = dict.fromkeys(tables, 0)
    complaint_sql = (
        f"INSERT INTO doleances_complaint ({_COMPLAINT}) VALUES "
        "(?, ?, ?, ?, ?, '', ?, ?, 2, ?, ?, '', '', 'point', ?, ?, ?, ?, ?, ?, ?, "
        "'bench', '', '', ?, ?)"
    )
    case_sql = f"INSERT INTO traitement_case ({_CASE}) VALUES ({', '.join('?' * 13)})"
    event_sql = f"INSERT INTO traitement_caseevent ({_EVENT}) VALUES ({', '.join('?' * 9)})"
    db.execute("BEGIN")
    for lo in range(0, picked.size, LOAD_CHUNK):
        s = picked[lo : lo + LOAD_CHUNK]
        db.executemany(complaint_sql, _complaint_rows(data, s, counters))
        written["doleances_complaint"] += s.size
        if cases:
            case_rows, event_rows = _case_and_event_rows(data, s)
            db.executemany(case_sql, case_rows)
            db.executemany(event_sql, event_rows)
            written["traitement_case"] += len(case_rows)
            written["traitement_caseevent"] += len(event_rows)
        done = lo + s.size
        elapsed = time.perf_counter() - started
        log(f"  loaded {done:,}/{picked.size:,} complaints ({done / elapsed:,.0f}/s)")
    db.execute("COMMIT")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    for table in tables:
        for name, sql in indexes[table]:
            db.execute(sql)
            log(f"  index {name} rebuilt ({time.perf_counter() - started:.0f} s)")
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    for year, last in counters.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last": last})
    indexed = time.perf_counter() - started
    log(
        f"case database: {written['doleances_complaint']:,} complaints, "
        f"{written['traitement_case']:,} cases, {written['traitement_caseevent']:,} events "
        f"inserted in {loaded:.1f} s, indexes rebuilt in {indexed:.1f} s"
    )
    return {"rows": written, "insert_s": loaded, "index_s": indexed}

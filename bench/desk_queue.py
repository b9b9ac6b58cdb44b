"""Desk queue speed: `traitement.queue.page` on 1 M routed cases.

Builds the 1 M complaints of bench/duplicates.py (same generator, statuses by age; SQLite, or
PostgreSQL with `--postgres URL`), routes every one with the Paris routing table
(`traitement.routing.RoutingTable`, as at intake) and bulk inserts the cases. Then, for the
busiest desk and for a median one, as an agent of the desk sees them
(`traitement.scope.desk_queue`):
- the first page of the queue (overdue first, then priority, then age; 50 cases), the same
  page filtered on a category, and a deep page (page 200, or the last one) reached by keyset;
- the whole page as served by the view (`GET /traitement/`, template and counts included);
- baseline: the same pages with the plain approach, ORDER BY an "overdue" expression then
  priority and age, LIMIT/OFFSET.
Wall-clock and CPU-time percentiles are reported (the machine may be shared). The last line
is a JSON object with the figures.

    .venv/bin/python bench/desk_queue.py [--n 1000000] [--runs 200] [--deep-page 200]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Sets up Django on a temporary SQLite database and provides the complaint builder.
import duplicates
import numpy as np
from _common import emit
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.test import Client
from django.utils import timezone
from tqdm import tqdm

from accounts.choices import Role
from accounts.models import Desk, Profile
from doleances.choices import OPEN_STATUSES
from doleances.models import Category
from territory.models import Arrondissement
from traitement import queue
from traitement.models import Case
from traitement.routing import RoutingTable
from traitement.scope import desk_queue

CASE_COLUMNS = (
    "complaint_id, desk_id, routing_rule_id, routing_reason, rerouted, is_open, priority, "
    "received_at, due_at, closing_reason, answer, updated_at"
)


def build_cases(n: int, days: int) -> None:
    """The generated complaints, each routed to its desk as intake would."""
    arrays = duplicates.build_database(n, days)
    table = RoutingTable.load()
    categories = {c.code: c for c in Category.objects.all()}
    category_ids = [categories[code].pk for code in arrays.categories]
    deadlines = [categories[code].answer_deadline_days for code in arrays.categories]
    priorities = [categories[code].default_priority for code in arrays.categories]
    arrondissement_ids = dict(Arrondissement.objects.values_list("number", "pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM doleances_complaint ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    received = arrays.received_at.astype(np.int64)
    occurred = arrays.occurred_at.astype(np.int64)
    sql = f"INSERT INTO traitement_case ({CASE_COLUMNS}) VALUES ({', '.join(['%s'] * 12)})"
    now = duplicates.sql_datetime(int(time.time()))
    chunk = duplicates.INSERT_CHUNK
    for lo in tqdm(range(0, n, chunk), desc="dossiers", unit="lot", file=sys.stderr):
        rows = []
        for i in range(lo, min(lo + chunk, n)):
            c = int(arrays.category[i])
            decision = table.route(
                category_id=category_ids[c],
                arrondissement_id=arrondissement_ids[int(arrays.arrondissement[i])],
                moment=datetime.fromtimestamp(int(occurred[i]), UTC),
            )
            status = arrays.statuses[arrays.status[i]]
            rows.append(
                (
                    ids[i],
                    decision.desk.pk,
                    decision.rule.pk if decision.rule else None,
                    decision.reason,
                    False,
                    status in OPEN_STATUSES,
                    priorities[c],
                    duplicates.sql_datetime(int(received[i])),
                    duplicates.sql_datetime(int(received[i]) + deadlines[c] * 86400),
                    "",
                    "",
                    now,
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    duplicates.vacuum_analyze()


def agent_of(desk: Desk):
    user = get_user_model().objects.create_user(f"bench-{desk.code}", password="bench-queue")
    Profile.objects.create(user=user, role=Role.CASE_AGENT, desk=desk, partner=desk.partner)
    return user


def measure(fn, runs: int) -> dict:
    for _ in range(5):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    wall, cpu = np.array(wall) * 1000, np.array(cpu) * 1000
    return {
        "p50_ms": round(float(np.percentile(wall, 50)), 2),
        "p99_ms": round(float(np.percentile(wall, 99)), 2),
        "cpu_p50_ms": round(float(np.percentile(cpu, 50)), 2),
        "cpu_p99_ms": round(float(np.percentile(cpu, 99)), 2),
    }


def offset_page(base, offset: int, size: int = 50):
    """Baseline: the usual ORDER BY expression + OFFSET."""
    now = timezone.now()
    overdue = SqlCase(
        When(due_at__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return list(
        base.filter(is_open=True)
        .annotate(overdue=overdue)
        .select_related("complaint__category", "complaint__arrondissement", "desk", "assigned_to")
        .order_by("-overdue", "-priority", "received_at", "pk")[offset : offset + size]
    )


def cursor_for_page(base, number: int) -> tuple[str | None, int]:
    """The keyset cursor that opens page `number` (or the last page) and its number."""
    cursor, page = None, 1
    while page < number:
        result = queue.page(base, cursor=cursor)
        if not result.next_cursor:
            break
        cursor, page = result.next_cursor, page + 1
    return cursor, page


def bench_desk(desk: Desk, runs: int, deep_page: int, label: str) -> dict:
    agent = agent_of(desk)
    base = desk_queue(agent)
    open_count = base.filter(is_open=True).count()
    cursor, deep = cursor_for_page(base, deep_page)
    first_ids = [c.pk for c in queue.page(base).cases]
    assert first_ids == [c.pk for c in offset_page(base, 0)], "keyset and OFFSET disagree"
    deep_ids = [c.pk for c in queue.page(base, cursor=cursor).cases]
    assert deep_ids == [c.pk for c in offset_page(base, (deep - 1) * 50)], "deep page differs"
    category = Category.objects.get(code="bruit-rue")
    client = Client(HTTP_HOST="localhost")
    client.force_login(agent)
    figures = {
        "desk": desk.code,
        "cases": base.count(),
        "open": open_count,
        "deep_page": deep,
        "first_page": measure(lambda: queue.page(base), runs),
        "first_page_category": measure(
            lambda: queue.page(base, queue.Filters(category_id=category.pk)), runs
        ),
        "deep_page_keyset": measure(lambda: queue.page(base, cursor=cursor), runs),
        "counts": measure(lambda: queue.counts(base), runs),
        "view_first_page": measure(lambda: client.get("/traitement/"), max(20, runs // 4)),
        "baseline_first_page_offset": measure(lambda: offset_page(base, 0), runs),
        "baseline_deep_page_offset": measure(lambda: offset_page(base, (deep - 1) * 50), runs),
    }
    print(f"\n{label} : {desk.name} — {figures['cases']:,} dossiers, {open_count:,} ouverts")
    for key, value in figures.items():
        if isinstance(value, dict):
            print(
                f"  {key:28s} p50 {value['p50_ms']:8.2f} ms   p99 {value['p99_ms']:8.2f} ms"
                f"   (CPU p50 {value['cpu_p50_ms']:.2f}, p99 {value['cpu_p99_ms']:.2f})"
            )
    figures["deep_speedup_p50_vs_offset"] = round(
        figures["baseline_deep_page_offset"]["p50_ms"] / figures["deep_page_keyset"]["p50_ms"], 1
    )
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--deep-page", type=int, default=200)
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server to run on")
    args = parser.parse_args()
    start = time.perf_counter()
    build_cases(args.n, args.days)
    print(f"{args.n:,} doléances routées en {time.perf_counter() - start:.0f} s")
    by_open = sorted(
        (Case.objects.filter(desk=desk, is_open=True).count(), desk.pk)
        for desk in Desk.objects.filter(cases__isnull=False).distinct()
    )
    busiest = Desk.objects.get(pk=by_open[-1][1])
    median = Desk.objects.get(pk=by_open[len(by_open) // 2][1])
    figures = {
        "database": connection.vendor,
        "n": args.n,
        "days": args.days,
        "open_cases": Case.objects.filter(is_open=True).count(),
        "busiest": bench_desk(busiest, args.runs, args.deep_page, "guichet le plus chargé"),
        "median": bench_desk(median, args.runs, args.deep_page, "guichet médian"),
        "indexes": "case_open_queue_idx, case_finished_queue_idx (partial, on is_open)",
        "built_at": timezone.now().isoformat(),
    }
    emit(figures)


if __name__ == "__main__":
    main()

"""Tension graph speed: recompute the state of every pair of territories from ten years of
events of all Paris (`prevention.graph.recompute_graph`: reading the events and their
territories from the database, the numpy kernel, storing the pair states).

Target named by the issue: ≤ 1 s. The ratio reported is the first run's time (it stores every
pair: the worst case) over that 1 s target (below 1 is within target), with the event count;
the best of the later runs (nothing changed to store) is reported too. The events are
generated on a temporary SQLite database: rixes, tensions and rixes avoided between two
(sometimes three) quartiers or neighbouring communes, spread over ten years, more often
between nearby quartiers.

    .venv/bin/python bench/prevention_graph.py [--per-year 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["CPPS_VAR_DIR"] = tempfile.mkdtemp(prefix="cpps-bench-")
atexit.register(shutil.rmtree, os.environ["CPPS_VAR_DIR"], ignore_errors=True)
os.environ.pop("DATABASE_URL", None)
os.environ["CPPS_DEBUG"] = "0"
os.environ.setdefault("CPPS_DATA_DIR", str(ROOT.parent / "shared" / "data"))
os.environ.setdefault("CPPS_GEO_DIR", str(Path(os.environ["CPPS_DATA_DIR"]) / "geo"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from _common import emit  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import Partner  # noqa: E402
from cpps.bootstrap import load_referentials  # noqa: E402
from prevention.graph import recompute_graph  # noqa: E402
from prevention.models import Event, GroupTerritory, TensionPair  # noqa: E402
from prevention.territories import centres, ensure_quartier_territories  # noqa: E402

TARGET_SECONDS = 1.0
KINDS = np.array(["rixe", "tension", "rixe_evitee"])


def build(per_year: int, years: int = 10, seed: int = 2026) -> int:
    call_command("migrate", interactive=False, verbosity=0)
    load_referentials(os.environ["CPPS_GEO_DIR"])
    ensure_quartier_territories()
    rng = np.random.default_rng(seed)
    where = centres()
    ids = np.array(sorted(where))
    xy = np.array([where[i] for i in ids])
    quartier_of = dict(GroupTerritory.objects.values_list("pk", "quartier_id"))
    fallback = next(q for q in quartier_of.values() if q)
    partner = Partner.objects.get(code="ville-paris")
    n = per_year * years
    end = date.today()
    start = end - timedelta(days=365 * years)
    day_offsets = rng.integers(0, (end - start).days + 1, n)
    first = rng.integers(0, ids.size, n)
    # The rival territory is one of the 6 nearest: rixes oppose neighbouring quartiers.
    distances = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    nearest = np.argsort(distances, axis=1)[:, 1:7]
    second = nearest[first, rng.integers(0, 6, n)]
    third = np.where(rng.random(n) < 0.1, nearest[second, rng.integers(0, 6, n)], -1)
    link = Event.territories.through
    with transaction.atomic():
        events = Event.objects.bulk_create(
            [
                Event(
                    kind=KINDS[rng.integers(0, 3)],
                    day=start + timedelta(days=int(day_offsets[i])),
                    slot=int(rng.integers(0, 12)),
                    quartier_id=quartier_of[int(ids[first[i]])] or fallback,
                    size_band="6-15",
                    weapon="aucune",
                    injured_band="0",
                    minors_involved="inconnu",
                    near_school=False,
                    reporting_partner=partner,
                    follow_up="aucune",
                )
                for i in range(n)
            ],
            batch_size=5000,
        )
        rows = []
        for i, event in enumerate(events):
            members = {int(ids[first[i]]), int(ids[second[i]])}
            if third[i] >= 0:
                members.add(int(ids[third[i]]))
            rows.extend(link(event_id=event.pk, groupterritory_id=t) for t in members)
        link.objects.bulk_create(rows, batch_size=10000)
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-year", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    events = build(args.per_year)
    times, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        recompute_graph()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    # The first run stores every pair (the worst case); later ones only what changed.
    first, best = times[0], min(times[1:] or times)
    emit(
        {
            "benchmark": "prevention_graph",
            "events": events,
            "pairs": TensionPair.objects.count(),
            "active_pairs": TensionPair.objects.filter(state="active").count(),
            "seconds_first_run": round(first, 3),
            "seconds_unchanged": round(best, 3),
            # CPU time (SQLite runs in-process): less sensitive to a shared machine.
            "cpu_seconds_first_run": round(cpu[0], 3),
            "cpu_seconds_unchanged": round(min(cpu[1:] or cpu), 3),
            "target_seconds": TARGET_SECONDS,
            "ratio_vs_target": round(first / TARGET_SECONDS, 3),
        }
    )


if __name__ == "__main__":
    main()

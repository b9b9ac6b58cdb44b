"""Orientation finder speed: `GET /aide-aux-victimes/?situation=…&age=…&arrondissement=…&danger=…`
over a directory of 5,000 services, the whole request through Django's test client
(form, in-memory index of the directory, ranking, template). Warm: the first queries are
discarded (the first one builds the index; its time is reported apart).

Services are generated on a temporary SQLite database (or PostgreSQL with `--postgres URL`,
as bench/duplicates.py): 1–3 situations each, areas mixed (a quarter Paris-wide, the rest
by sector or arrondissement), weekday or evening hours, a tenth 24/7, some with age limits.
Queries are drawn at random (situation, age band or none, arrondissement or « je ne sais
pas », danger or not). The budget is p95 ≤ 50 ms; the last line is a JSON object with the
figures and their ratio to that budget.

    .venv/bin/python bench/victimes_finder.py [--services 5000] [--queries 400]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duplicates  # noqa: F401  (sets up Django on a temporary database)
import numpy as np
from _common import emit
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cpps.bootstrap import load_referentials
from territory.models import Sector
from victimes.choices import AgeBand, AreaType
from victimes.models import (
    Attribute,
    DirectoryVersion,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    TaxonomyTerm,
)

BUDGET_MS = 50.0


def build_directory(n: int, rng: random.Random) -> None:
    import os

    call_command("migrate", interactive=False, verbosity=0)
    load_referentials(os.environ["CPPS_GEO_DIR"])
    terms = list(TaxonomyTerm.objects.all())
    sectors = list(Sector.objects.values_list("code", flat=True))
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Association {i}", description="Banc d'essai.", is_example=True)
        for i in range(n // 10)
    )
    today = timezone.localdate()
    services = Service.objects.bulk_create(
        Service(
            organization=organizations[i % len(organizations)],
            name=f"Service {i:05d}",
            description="Accueil, écoute et accompagnement.",
            assured_date=today,
            provenance="Banc d'essai",
            available_24_7=rng.random() < 0.1,
            minimum_age=rng.choice([None, None, None, 18, 60]),
            maximum_age=rng.choice([None, None, None, 25, 17]),
            is_example=True,
        )
        for i in range(n)
    )
    attributes, areas, schedules, phones = [], [], [], []
    for service in services:
        for term in rng.sample(terms, rng.randint(1, 3)):
            attributes.append(Attribute(service=service, taxonomy_term=term))
        kind = rng.random()
        if kind < 0.25:
            areas.append(ServiceArea(service=service, name="Paris", extent_type=AreaType.PARIS))
        elif kind < 0.6:
            code = rng.choice(sectors)
            areas.append(
                ServiceArea(service=service, name=code, extent_type=AreaType.SECTOR, extent=code)
            )
        else:
            number = str(rng.randint(1, 20))
            areas.append(
                ServiceArea(
                    service=service,
                    name=f"Paris {number}",
                    extent_type=AreaType.ARRONDISSEMENT,
                    extent=number,
                )
            )
        if rng.random() < 0.7:
            schedules.append(
                Schedule(
                    service=service, byday="MO,TU,WE,TH,FR", opens_at=clock(9), closes_at=clock(17)
                )
            )
        if rng.random() < 0.3:
            schedules.append(
                Schedule(service=service, byday="FR,SA", opens_at=clock(20), closes_at=clock(2))
            )
        phones.append(Phone(service=service, number=f"01 00 00 {len(phones) % 100:02d} 00"))
    Attribute.objects.bulk_create(attributes, batch_size=2000)
    ServiceArea.objects.bulk_create(areas, batch_size=2000)
    Schedule.objects.bulk_create(schedules, batch_size=2000)
    Phone.objects.bulk_create(phones, batch_size=2000)
    DirectoryVersion.bump()  # bulk_create sends no signal


def random_query(rng: random.Random, situations: list[str]) -> dict:
    return {
        "situation": rng.sample(situations, rng.choice([1, 1, 2])),
        "age": rng.choice(["", *AgeBand.values]),
        "arrondissement": rng.choice(["inconnu", *map(str, range(1, 21))]),
        "danger": rng.choice(["oui", "non", "non"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    rng = random.Random(2026)
    started = time.perf_counter()
    build_directory(args.services, rng)
    build_seconds = time.perf_counter() - started
    situations = list(TaxonomyTerm.objects.values_list("code", flat=True))
    client = Client(HTTP_HOST="localhost")
    start = time.perf_counter()
    client.get("/aide-aux-victimes/", random_query(rng, situations))
    first_ms = (time.perf_counter() - start) * 1000
    times, results = [], []
    for i in range(args.warmup + args.queries):
        query = random_query(rng, situations)
        start = time.perf_counter()
        response = client.get("/aide-aux-victimes/", query)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        if i >= args.warmup:
            times.append(elapsed)
            results.append(response.content.count(b'<li class="local"'))
    times_ms = np.array(times)
    p95 = float(np.percentile(times_ms, 95))
    emit(
        {
            "services": Service.objects.count(),
            "queries": args.queries,
            "build_seconds": round(build_seconds, 1),
            "first_request_ms": round(first_ms, 1),
            "p50_ms": round(float(np.percentile(times_ms, 50)), 2),
            "p95_ms": round(p95, 2),
            "max_ms": round(float(times_ms.max()), 2),
            "mean_local_results_shown": round(float(np.mean(results)), 1),
            "budget_p95_ms": BUDGET_MS,
            "p95_over_budget": round(p95 / BUDGET_MS, 3),
            "within_budget": p95 <= BUDGET_MS,
        }
    )


if __name__ == "__main__":
    main()

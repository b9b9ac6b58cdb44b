"""Demo generator speed: `doleances.demo.generate` against the plainest generator of the same
arrays, then `cpps demo` end to end.

The baseline draws uniform points inside Paris (rejection in the bounding box), uniform
categories, channels and times: what realism (calibrated volumes, hotspots, rhythms) costs is
the ratio between the two. Targets: 10 M rows in well under a minute and under 2 GB; `cpps demo`
of 20,000 complaints (in a fresh SQLite database, routing included) under 60 s.

    .venv/bin/python bench/demo.py [--sizes 1000000,10000000] [--complaints 20000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["CPPS_VAR_DIR"] = tempfile.mkdtemp(prefix="cpps-bench-demo-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("CPPS_DATA_DIR", str(ROOT.parent / "shared" / "data"))
os.environ.setdefault("CPPS_GEO_DIR", str(Path(os.environ["CPPS_DATA_DIR"]) / "geo"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench._common import emit  # noqa: E402
from doleances import demo  # noqa: E402

START, END = date(2024, 1, 1), date(2026, 1, 1)


def naive(n: int, calibration: demo.Calibration, seed: int = 1):
    """Uniform everything: the cheapest arrays of the same shape."""
    rng = np.random.default_rng(seed)
    paris = shapely.union_all(calibration.arrondissements)
    shapely.prepare(paris)
    west, south, east, north = paris.bounds
    lat, lon = np.empty(n), np.empty(n)
    pending = np.arange(n)
    while len(pending):
        x = rng.uniform(west, east, len(pending))
        y = rng.uniform(south, north, len(pending))
        inside = shapely.contains_xy(paris, x, y)
        lon[pending[inside]], lat[pending[inside]] = x[inside], y[inside]
        pending = pending[~inside]
    start = np.datetime64(START.isoformat(), "s").astype(np.int64)
    end = np.datetime64(END.isoformat(), "s").astype(np.int64)
    occurred = rng.integers(start, end, n)
    return (
        lat,
        lon,
        occurred,
        occurred + rng.integers(60, 86400, n),
        rng.integers(0, 31, n),
        rng.integers(0, 6, n),
        rng.integers(0, 6, n),
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--complaints", type=int, default=20_000)
    args = parser.parse_args()

    calibration = demo.load_calibration()
    demo.generate(1_000, start=START, end=END)  # warm-up: imports, caches
    figures: dict = {}
    for n in sorted(int(size) for size in args.sizes.split(",")):
        started = time.perf_counter()
        arrays = demo.generate(n, start=START, end=END, calibration=calibration)
        realistic = time.perf_counter() - started
        memory = peak_mb()
        del arrays
        started = time.perf_counter()
        baseline_arrays = naive(n, calibration)
        baseline = time.perf_counter() - started
        del baseline_arrays
        label = f"{n // 1_000_000}M" if n >= 1_000_000 else str(n)
        print(
            f"generate {n:>11,} rows: {realistic:6.2f} s ({n / realistic:,.0f} rows/s), "
            f"naive {baseline:5.2f} s, ratio {realistic / baseline:4.2f}, peak {memory:,.0f} MB"
        )
        figures[f"generate_{label}_s"] = round(realistic, 3)
        figures[f"generate_{label}_rows_per_s"] = round(n / realistic)
        figures[f"naive_{label}_s"] = round(baseline, 3)
        figures[f"ratio_{label}_vs_naive"] = round(realistic / baseline, 2)
        figures[f"peak_rss_after_{label}_mb"] = round(memory)

    if args.complaints:
        call_command("migrate", interactive=False, verbosity=0)
        from cpps.bootstrap import load_referentials

        load_referentials(os.environ["CPPS_GEO_DIR"])
        started = time.perf_counter()
        out = StringIO()
        call_command("demo", complaints=args.complaints, stdout=out, stderr=StringIO())
        elapsed = time.perf_counter() - started
        print(f"cpps demo --complaints {args.complaints:,}: {elapsed:.1f} s — {out.getvalue()}")
        figures["cpps_demo_complaints"] = args.complaints
        figures["cpps_demo_s"] = round(elapsed, 2)
        figures["cpps_demo_rows_per_s"] = round(args.complaints / elapsed)
    emit(figures)


if __name__ == "__main__":
    main()

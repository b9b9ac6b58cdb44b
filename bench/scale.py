"""Sizes for docs/scale.md: rows/s and bytes per complaint of each part, on this machine.

In a fresh database (SQLite in a temporary directory, or the PostgreSQL of DATABASE_URL, which
is emptied first: use a scratch database): N demo complaints through the batch intake (with
routing: complaint, case and event rows, as `cpps demo` and the imports file them), a full
refresh of the analytical store, its Parquet export. Bytes per complaint: the case database,
the DuckDB store, the Parquet files.

    .venv/bin/python bench/scale.py [--complaints 50000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["CPPS_VAR_DIR"] = tempfile.mkdtemp(prefix="cpps-bench-scale-")
os.environ.setdefault("CPPS_DATA_DIR", str(ROOT.parent / "shared" / "data"))
os.environ.setdefault("CPPS_GEO_DIR", str(Path(os.environ["CPPS_DATA_DIR"]) / "geo"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench._common import emit  # noqa: E402
from doleances import demo  # noqa: E402
from doleances.bulk import file_complaints  # noqa: E402
from doleances.models import Category  # noqa: E402
from observatoire import store, writer  # noqa: E402


def database_bytes() -> int:
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return name.stat().st_size
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=50_000)
    n = parser.parse_args().complaints
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("setup", verbosity=0)
    empty = database_bytes()

    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    arrays = demo.generate(
        n, seed=1, start=date(2024, 1, 1), end=date(2025, 12, 31), categories=sorted(categories)
    )
    inputs = list(demo.complaint_inputs(arrays, categories, 1, range(n)))
    started = time.perf_counter()
    file_complaints(inputs)
    intake = time.perf_counter() - started
    db_bytes = database_bytes() - empty

    started = time.perf_counter()
    result = writer.refresh(full=True)
    refresh = time.perf_counter() - started
    store_bytes = store.store_path().stat().st_size

    export = Path(os.environ["CPPS_VAR_DIR"]) / "parquet"
    started = time.perf_counter()
    store.export_parquet(export)
    parquet = time.perf_counter() - started
    facts_bytes = tree_bytes(export / "facts")

    print(f"{connection.vendor}, {n} complaints")
    print(f"  batch intake:             {n / intake:,.0f} complaints/s")
    print(f"  full store refresh:       {result['rows'] / refresh:,.0f} rows/s")
    print(f"  Parquet export:           {n / parquet:,.0f} rows/s")
    print(f"  case database:  {db_bytes / n:,.0f} B/complaint")
    print(f"  DuckDB store:   {store_bytes / n:,.0f} B/complaint")
    print(f"  Parquet facts:  {facts_bytes / n:,.0f} B/complaint")
    emit(
        {
            "engine": connection.vendor,
            "complaints": n,
            "intake_rows_per_s": round(n / intake),
            "refresh_rows_per_s": round(result["rows"] / refresh),
            "parquet_rows_per_s": round(n / parquet),
            "db_bytes_per_complaint": round(db_bytes / n),
            "store_bytes_per_complaint": round(store_bytes / n),
            "parquet_facts_bytes_per_complaint": round(facts_bytes / n),
        }
    )


if __name__ == "__main__":
    main()

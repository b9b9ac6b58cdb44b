"""Import speed: `cpps import dansmarue` of a large export against the raw write of its rows.

Generates N realistic DansMaRue rows (default 1,000,000; points inside Paris, the referential's
types in export spelling) into a temporary CSV, then for SQLite and PostgreSQL, each in a fresh
database: times the whole import (read, convert, validate, locate, store, route: complaint,
case and event rows). Baseline (issue 12): the very same complaint, case and event rows,
read back after an untimed import, deleted, and written again with one `executemany`
(SQLite) / `COPY` (PostgreSQL) per table into the same tables with their indexes, in one
transaction. Target: import within 2.5× the raw write.

    .venv/bin/python bench/imports.py [--rows N] [--db sqlite,postgresql] [--batch-size N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA_DIR = Path(os.environ.get("CPPS_DATA_DIR", ROOT.parent / "shared" / "data"))
PG_SERVER = os.environ.get("CPPS_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
TARGET_RATIO = 2.5
HEADER = [
    "numero", "type", "soustype", "adresse", "code_postal", "ville", "arrondissement",
    "conseilquartier", "datedecl", "anneedecl", "moisdecl", "prefixe", "intervenant", "id_dmr",
    "geo_shape", "geo_point_2d", "mois_annee_decla",
]  # fmt: skip
STREETS = ["Rue de la Victoire", "Boulevard Voltaire", "Avenue de Clichy", "Rue Oberkampf",
           "Rue de Vaugirard", "Avenue d'Italie", "Rue de Belleville", "Quai de Valmy"]  # fmt: skip
PREFIXES = ["Android", "IOS application", "Page DMR Paris.fr", "Back Office"]


def generate(path: Path, rows: int, seed: int = 2024) -> None:
    """DansMaRue-format rows, vectorised with numpy; points drawn inside the arrondissements."""
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    features = json.loads((DATA_DIR / "geo" / "arrondissements.geojson").read_text())["features"]
    polygons = [shapely.from_geojson(json.dumps(f["geometry"])) for f in features]
    numbers = np.array([int(f["properties"]["c_ar"]) for f in features])
    xmin, ymin, xmax, ymax = shapely.union_all(polygons).bounds
    lats, lons, arr = [], [], []
    total = 0
    while total < rows:
        lon = rng.uniform(xmin, xmax, rows)
        lat = rng.uniform(ymin, ymax, rows)
        which = np.zeros(rows, dtype=int)
        for polygon, number in zip(polygons, numbers, strict=True):
            which[shapely.contains_xy(polygon, lon, lat)] = number
        keep = which > 0
        lats.append(lat[keep])
        lons.append(lon[keep])
        arr.append(which[keep])
        total += int(keep.sum())
    lat = np.concatenate(lats)[:rows]
    lon = np.concatenate(lons)[:rows]
    arr = np.concatenate(arr)[:rows]

    with (DATA_DIR / "reference" / "dansmarue_taxonomy.csv").open(encoding="utf-8") as fh:
        paths = [row["path"].split(" > ") for row in csv.DictReader(fh) if row["actif"] == "1"]
    leaves = [p for p in paths if len(p) > 1]
    # Export spelling: the root as type, the rest joined by " : " as sub-type.
    labels = [(p[0], " : ".join(p[1:])) for p in leaves]
    label_idx = rng.integers(0, len(labels), rows)
    days = rng.integers(0, 731, rows)
    dates = np.datetime64("2023-01-01") + days.astype("timedelta64[D]")
    house = rng.integers(1, 200, rows)
    street = rng.integers(0, len(STREETS), rows)
    prefix = rng.integers(0, len(PREFIXES), rows)

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            day = str(dates[i])
            postal = f"750{arr[i]:02d}"
            type_label, subtype_label = labels[label_idx[i]]
            writer.writerow(
                [
                    i + 1,
                    type_label,
                    subtype_label,
                    f"{house[i]} {STREETS[street[i]]}, {postal} PARIS",
                    postal,
                    f"Paris {arr[i]:02d}",
                    arr[i],
                    "",
                    day,
                    day[:4],
                    int(day[5:7]),
                    PREFIXES[prefix[i]],
                    "DPE",
                    f"B{day[:4]}{i:08d}",
                    json.dumps({"coordinates": [lon[i], lat[i]], "type": "Point"}),
                    f"{lat[i]}, {lon[i]}",
                    day[:7],
                ]
            )


def worker(mode: str, csv_path: Path, batch_size: int) -> dict:
    """Runs in a child process whose DATABASE_URL and CPPS_VAR_DIR select a fresh database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from cpps.bootstrap import load_referentials
    from doleances.models import Complaint
    from guichet.importers.dansmarue import DansMaRueConverter
    from guichet.importers.runner import run_import

    call_command("migrate", verbosity=0)
    load_referentials(DATA_DIR / "geo")

    if mode in ("import", "intake"):
        if mode == "intake":
            # Intake alone: without the case routing that upper layers hang on the signal.
            from doleances.signals import complaints_filed_bulk

            for receiver in list(complaints_filed_bulk.receivers):
                complaints_filed_bulk.disconnect(dispatch_uid=receiver[0][0])
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = run_import(csv_path, DansMaRueConverter(), batch_size=batch_size, progress=False)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        assert summary.complete and summary.created == summary.read, summary
        return {
            "rows": summary.read,
            "seconds": seconds,
            "cpu_s": cpu,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }

    # Baseline: the very rows an import writes (complaints, cases, events), written again
    # with one executemany (SQLite) / COPY (PostgreSQL) per table into the same tables with
    # their indexes. The import runs first, untimed; its rows are read back and deleted.
    run_import(csv_path, DansMaRueConverter(), batch_size=batch_size, progress=False)
    tables = ("doleances_complaint", "traitement_case", "traitement_caseevent")
    rows, columns = {}, {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")
            columns[table] = [c[0] for c in cursor.description]
            rows[table] = cursor.fetchall()
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in reversed(tables):
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            names = ", ".join(columns[table])
            if connection.vendor == "sqlite":
                marks = ", ".join("?" for _ in columns[table])
                cursor.connection.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[table]
                )
            else:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows[table]:
                        copy.write_row(row)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "rows": Complaint.objects.count(),
        "seconds": seconds,
        "cpu_s": cpu,
        "rows_written": {table: len(rows[table]) for table in tables},
    }


def run_worker(db: str, mode: str, csv_path: Path, batch_size: int, workdir: Path) -> dict:
    env = dict(
        os.environ,
        CPPS_VAR_DIR=str(workdir / f"var-{db}-{mode}"),
        CPPS_LOG_LEVEL="ERROR",
        CPPS_DEBUG="false",  # as in production: no SQL kept for the debug toolbar
    )
    env.pop("DATABASE_URL", None)
    db_name = f"cpps_bench_{os.getpid()}_{mode}"
    if db == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {db_name}")
            conn.execute(f"CREATE DATABASE {db_name}")
        env["DATABASE_URL"] = f"{PG_SERVER}/{db_name}"
    command = [sys.executable, __file__, "--worker", mode, str(csv_path)]
    try:
        out = subprocess.run(
            [*command, "--batch-size", str(batch_size)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise
    finally:
        if db == "postgresql":
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument(
        "--intake",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the import without the case routing hung on the intake signal",
    )
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]), args.batch_size)))
        return

    with tempfile.TemporaryDirectory(prefix="imports-bench-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "dansmarue.csv"
        started = time.perf_counter()
        generate(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        print(
            f"{args.rows:,} lignes DansMaRue générées ({size_mb:.0f} Mo) "
            f"en {time.perf_counter() - started:.1f} s"
        )
        results = {"rows": args.rows, "csv_mb": round(size_mb), "batch_size": args.batch_size}
        for db in args.db.split(","):
            modes = ("baseline", "intake", "import") if args.intake else ("baseline", "import")
            runs = {
                mode: run_worker(db, mode, csv_path, args.batch_size, workdir) for mode in modes
            }
            assert {run["rows"] for run in runs.values()} == {args.rows}, runs
            base, base_cpu = runs["baseline"]["seconds"], runs["baseline"]["cpu_s"]
            figures = {
                "baseline_raw_write_s": round(base, 1),
                "baseline_rows_written": runs["baseline"]["rows_written"],
            }
            if "intake" in runs:
                figures.update(
                    intake_s=round(runs["intake"]["seconds"], 1),
                    intake_ratio=round(runs["intake"]["seconds"] / base, 2),
                    intake_cpu_ratio=round(runs["intake"]["cpu_s"] / base_cpu, 2),
                )
            figures.update(
                import_s=round(runs["import"]["seconds"], 1),
                ratio=round(runs["import"]["seconds"] / base, 2),
                # Client-side CPU: steadier than wall time on a shared machine (but for
                # PostgreSQL it leaves out the server's work).
                cpu_ratio=round(runs["import"]["cpu_s"] / base_cpu, 2),
                import_rows_per_s=round(args.rows / runs["import"]["seconds"]),
                import_peak_rss_mb=round(runs["import"]["peak_rss_mb"]),
            )
            results[db] = figures
            print(
                f"{db}: écriture brute des mêmes lignes (executemany/COPY) {base:.1f} s "
                f"{runs['baseline']['rows_written']}"
            )
            if "intake" in runs:
                print(
                    f"{db}: enregistrement seul (sans routage) {figures['intake_s']:.1f} s, "
                    f"rapport {figures['intake_ratio']:.2f} "
                    f"(en temps CPU client {figures['intake_cpu_ratio']:.2f})"
                )
            print(
                f"{db}: import complet avec routage {figures['import_s']:.1f} s, "
                f"rapport {figures['ratio']:.2f} (cible ≤ {TARGET_RATIO} ; en temps CPU "
                f"client {figures['cpu_ratio']:.2f}) ; {figures['import_rows_per_s']:,} lignes/s ; "
                f"pic mémoire {figures['import_peak_rss_mb']} Mo"
            )
        results["target_ratio"] = TARGET_RATIO
        results["within_target"] = all(
            results[db]["ratio"] <= TARGET_RATIO for db in args.db.split(",")
        )
        print(json.dumps(results))


if __name__ == "__main__":
    main()

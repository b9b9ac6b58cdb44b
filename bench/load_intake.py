"""Intake under load: N complaints posted concurrently to a real server, then counted in the DB.

For each database (SQLite by default settings, PostgreSQL in a temporary database created and
dropped here), in a fresh temporary CPPS_VAR_DIR: `cpps setup` (migrations, Paris
referentials), one partner account with a REST API token, one Open311 key
(`cpps apikey create`); then a gunicorn server on a free port of 127.0.0.1 receives:

* baseline: a few hundred complaints sent one at a time (concurrency 1), same mix;
* warm-up: --warmup-requests complaints (default 200) at full concurrency, not timed;
* load: N complaints (default 10,000), half through the REST API (JSON, token, a unique
  `external_id` each), half through Open311 (form-encoded, api_key, a unique marker in the
  description since GeoReport v2 has no client id), from C client threads (default 32);
* minimal view (the baseline of issue 12): the same number of requests, same concurrency,
  to the same gunicorn running a minimal Django view that inserts one row into the same
  complaint table (bench/minimal_settings.py, bench/minimal_urls.py; not in cpps's URLs).
  Targets: intake throughput ≥ 1/3 of it, server CPU ≤ 8 ms per complaint.

Server CPU per request is measured the same way on both servers: the CPU of the gunicorn
master and workers (/proc) over the measured phase only, after the same warm-up, so that the
workers' start (imports, first queries, the territory index) is not spread over the requests;
the older whole-life figure is kept as `server_cpu_ms_per_request_whole_life`.

No retries: every answer is counted as it came (2xx, 4xx, 5xx, transport error). Afterwards the
database is checked: every 2xx reference stored exactly once under its own id or marker, no
stored complaint of the run without a 2xx answer, every complaint with its routed case.
Throughput (req/s) and latency p50/p95/p99 per channel and overall; the ratio compares the
loaded throughput with the sequential baseline measured in the same run. The exit status is 1
when a check fails (5xx, lost or duplicated complaints).

    .venv/bin/python bench/load_intake.py [--requests N] [--concurrency C] [--db sqlite,postgresql]
        [--database-url postgres://postgres@127.0.0.1:5432] [--workers 4] [--threads 1]
        [--baseline-requests 200] [--warmup-requests 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._load_server import (  # noqa: E402
    Phase,
    children_cpu_seconds,
    figures,
    http_get,
    run_phase,
    server_cpu_seconds,
    start_server,
)

BIN = Path(sys.executable).parent
DATA_DIR = Path(os.environ.get("CPPS_DATA_DIR") or ROOT.parent / "shared" / "data")
GEO_DIR = Path(os.environ.get("CPPS_GEO_DIR") or DATA_DIR / "geo")
PG_SERVER = os.environ.get("CPPS_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
CPU_METHOD = (
    "server CPU (master + workers, /proc) over the measured phase only, after the same "
    "warm-up (--warmup-requests at full concurrency) on both servers; the whole-life figure "
    "(workers' start included) is *_whole_life"
)
API_PATH = "/api/v1/doleances/"
OPEN311_PATH = "/open311/v2/requests.json"
PARTNER_USERNAME = "systeme.charge"
PARTNER_DESK = "pm-11"
OPEN311_KEY_NAME = "test-de-charge"


# --- child processes: Django set up against the database under test --------------------------


def child_prepare() -> dict:
    """The partner's system account (desk supervisor of a police division) and its token."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from accounts.choices import Role
    from accounts.models import Desk, Profile

    desk = Desk.objects.select_related("partner").get(code=PARTNER_DESK)
    user = get_user_model().objects.create_user(PARTNER_USERNAME)
    Profile.objects.create(user=user, role=Role.DESK_SUPERVISOR, desk=desk, partner=desk.partner)
    return {"token": Token.objects.create(user=user).key}


def child_verify(tag: str) -> dict:
    """What the run left in the database: its complaints by client id or marker, and cases."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpps.settings")
    django.setup()
    from doleances.models import Complaint
    from traitement.models import Case

    api = list(
        Complaint.objects.filter(external_id__startswith=f"{tag}-")
        .order_by()
        .values_list("external_id", "reference", "channel", "source")
    )
    open311 = list(
        Complaint.objects.filter(channel="open311", description__contains=f"[{tag}-")
        .order_by()
        .values_list("description", "reference")
    )
    marker = re.compile(rf"\[({re.escape(tag)}-\d+)\]")
    references = [r for _, r, _, _ in api] + [r for _, r in open311]
    with_case = Case.objects.filter(complaint__reference__in=references).count()
    return {
        "api": [[key, ref, channel, source] for key, ref, channel, source in api],
        "open311": [[marker.search(text).group(1), ref] for text, ref in open311],
        "complaints_total": Complaint.objects.count(),
        "with_case": with_case,
    }


def run_child(mode: str, env: dict, *args: str) -> dict:
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise
    return json.loads(out.strip().splitlines()[-1])


def cpps(env: dict, *args: str) -> str:
    try:
        return subprocess.run(
            [str(BIN / "cpps"), *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stdout + exc.stderr)
        raise


# --- the requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    channel: str  # "api" | "open311"
    key: str  # external_id (API) or description marker (Open311)
    path: str
    body: bytes
    headers: dict


def points_in_paris(count: int, rng: random.Random) -> list[tuple[float, float]]:
    """Uniform points inside the arrondissements (the official outlines)."""
    import shapely

    features = json.loads((GEO_DIR / "arrondissements.geojson").read_text())["features"]
    paris = shapely.union_all([shapely.from_geojson(json.dumps(f["geometry"])) for f in features])
    shapely.prepare(paris)
    xmin, ymin, xmax, ymax = paris.bounds
    points = []
    while len(points) < count:
        lon, lat = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        if shapely.contains_xy(paris, lon, lat):
            points.append((round(lat, 6), round(lon, 6)))
    return points


def open311_catalogue(port: int) -> list[tuple[str, dict]]:
    """(service_code, required attribute values) for every published service."""
    status, body = http_get(port, "/open311/v2/services.json")
    assert status == 200, body
    catalogue = []
    for service in json.loads(body):
        answers = {}
        if service["metadata"]:
            status, body = http_get(port, f"/open311/v2/services/{service['service_code']}.json")
            assert status == 200, body
            for attribute in json.loads(body)["attributes"]:
                if attribute["required"]:
                    answers[f"attribute[{attribute['code']}]"] = sample_answer(attribute)
        catalogue.append((service["service_code"], answers))
    return catalogue


def sample_answer(attribute: dict) -> str:
    if attribute.get("values"):
        return attribute["values"][0]["key"]
    return {"number": "3", "datetime": "2026-01-10T22:30:00+01:00"}.get(
        attribute["datatype"], "Le Comptoir"
    )


@dataclass(frozen=True)
class Catalogue:
    categories: list[str]  # REST API category codes
    services: list[tuple[str, dict]]  # Open311 service codes, required attribute answers

    @classmethod
    def fetch(cls, port: int) -> Catalogue:
        status, body = http_get(port, "/api/v1/categories/")
        assert status == 200, body
        return cls([c["code"] for c in json.loads(body)], open311_catalogue(port))


def build_jobs(
    count: int, first: int, tag: str, catalogue: Catalogue, credentials: dict, rng: random.Random
) -> list[Job]:
    """Half REST API, half Open311, interleaved; ids `tag-<n>` unique over the whole run."""
    token, api_key = credentials["token"], credentials["api_key"]
    api_headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    jobs = []
    for offset, (lat, lon) in enumerate(points_in_paris(count, rng)):
        n = first + offset
        key = f"{tag}-{n}"
        text = f"Signalement de charge n° {n} : nuisance constatée ce soir"
        email = f"habitant{n}@example.org" if n % 3 == 0 else ""
        if offset % 2 == 0:
            payload = {
                "category": rng.choice(catalogue.categories),
                "latitude": lat,
                "longitude": lon,
                "description": text,
                "external_id": key,
            }
            if email:
                payload["contact"] = {"email": email, "consent_contact": True}
            jobs.append(Job("api", key, API_PATH, json.dumps(payload).encode(), api_headers))
        else:
            service_code, answers = rng.choice(catalogue.services)
            form = {
                "api_key": api_key,
                "service_code": service_code,
                "lat": lat,
                "long": lon,
                "description": f"{text} [{key}]",
                **answers,
            }
            if email:
                form["email"] = email
            jobs.append(Job("open311", key, OPEN311_PATH, urlencode(form).encode(), form_headers))
    return jobs


def reference_of(job: Job, status: int, body: bytes) -> str:
    if not 200 <= status < 300:
        return ""
    data = json.loads(body)
    return data["reference"] if job.channel == "api" else data[0]["service_request_id"]


# --- figures and checks -----------------------------------------------------------------------


def verify(phases: list[Phase], stored: dict) -> dict:
    """Every 2xx reference stored exactly once under its key; nothing stored without a 2xx."""
    answered: dict[str, str] = {}  # key -> reference of the 2xx answer
    for phase in phases:
        for job, result in zip(phase.jobs, phase.results, strict=True):
            if result is not None and result.status is not None and 200 <= result.status < 300:
                answered[job.key] = result.reference
    rows: dict[str, list[str]] = {}
    wrong_channel = 0
    for key, reference, channel, source in stored["api"]:
        rows.setdefault(key, []).append(reference)
        wrong_channel += channel != "api" or source != f"api:{PARTNER_USERNAME}"
    for key, reference in stored["open311"]:
        rows.setdefault(key, []).append(reference)
    references = Counter(ref for refs in rows.values() for ref in refs)
    answered_refs = Counter(answered.values())
    stored_count = sum(len(refs) for refs in rows.values())
    checks = {
        "answered_2xx": len(answered),
        "stored": stored_count,
        # A 2xx whose complaint is not in the database under its key, or under another reference.
        "lost": sum(1 for key, ref in answered.items() if rows.get(key) != [ref]),
        "duplicate_keys": sum(1 for refs in rows.values() if len(refs) > 1),
        "duplicate_references": sum(1 for n in references.values() if n > 1)
        + sum(1 for n in answered_refs.values() if n > 1),
        # Stored although the client got no 2xx (a 5xx after commit, a dropped connection).
        "stored_without_2xx": sum(1 for key in rows if key not in answered),
        "wrong_channel_or_source": wrong_channel,
        "without_case": stored_count - stored["with_case"],
    }
    checks["consistent"] = checks["answered_2xx"] == checks["stored"] and not any(
        checks[k]
        for k in (
            "lost",
            "duplicate_keys",
            "duplicate_references",
            "stored_without_2xx",
            "wrong_channel_or_source",
            "without_case",
        )
    )
    return checks


# --- one database -----------------------------------------------------------------------------


def create_pg_database(server_url: str) -> tuple[str, str]:
    import psycopg

    name = f"cpps_load_{os.getpid()}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return name, f"{server_url}/{name}"


def drop_pg_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_database(db: str, args, workdir: Path) -> dict:
    var_dir = workdir / f"var-{db}"
    env = dict(
        os.environ,
        CPPS_VAR_DIR=str(var_dir),
        CPPS_DATA_DIR=str(DATA_DIR),
        CPPS_GEO_DIR=str(GEO_DIR),
        # The server runs the code next to this script, whatever checkout the venv points to.
        PYTHONPATH=str(ROOT),
        CPPS_DEBUG="false",  # as in production: no SQL kept in memory, no debug pages
        # Required with debug off (check cpps.E001); a throwaway one for the run.
        CPPS_SECRET_KEY=os.environ.get("CPPS_SECRET_KEY") or secrets.token_urlsafe(50),
        CPPS_LOG_LEVEL="WARNING",
        CPPS_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_SETTINGS_MODULE="cpps.settings",
    )
    env.pop("DATABASE_URL", None)
    pg_name = None
    if db == "postgresql":
        server_url = args.database_url.rstrip("/")
        parts = urlsplit(server_url)
        server_url = f"{parts.scheme}://{parts.netloc}"  # a database name given is replaced
        pg_name, env["DATABASE_URL"] = create_pg_database(server_url)
    try:
        started = time.perf_counter()
        cpps(env, "setup", "--geo-dir", str(GEO_DIR))
        created = cpps(env, "apikey", "create", OPEN311_KEY_NAME, "--rate", "1000000")
        credentials = {
            "token": run_child("prepare", env)["token"],
            "api_key": created.strip().splitlines()[-1],
        }
        print(f"{db} : instance prête en {time.perf_counter() - started:.1f} s", flush=True)

        cpu_before = children_cpu_seconds()
        server = start_server(env, args, var_dir / "server.log")
        try:
            rng = random.Random(2026)
            tag = f"charge-{secrets.token_hex(4)}"
            catalogue = Catalogue.fetch(server.port)
            baseline_jobs = build_jobs(args.baseline_requests, 0, tag, catalogue, credentials, rng)
            load_jobs = build_jobs(
                args.warmup_requests + args.requests,
                args.baseline_requests,
                tag,
                catalogue,
                credentials,
                rng,
            )
            baseline = run_phase(server.port, baseline_jobs, 1, args.max_seconds, reference_of)
            print(
                f"{db} : référence séquentielle {len(baseline_jobs)} requêtes en "
                f"{baseline.seconds:.1f} s",
                flush=True,
            )
            warm_jobs = load_jobs[: args.warmup_requests]
            load_jobs = load_jobs[args.warmup_requests :]
            warm_up = run_phase(
                server.port, warm_jobs, args.concurrency, args.max_seconds, reference_of
            )
            warm_cpu = server_cpu_seconds(server)
            load = run_phase(
                server.port, load_jobs, args.concurrency, args.max_seconds, reference_of
            )
            warm_cpu = server_cpu_seconds(server) - warm_cpu
            print(
                f"{db} : {len(load_jobs)} requêtes ({args.concurrency} clients) en "
                f"{load.seconds:.1f} s",
                flush=True,
            )
        finally:
            server.stop()
        server_cpu = children_cpu_seconds() - cpu_before
        stored = run_child("verify", env, tag)
        minimal = run_minimal(env, args, var_dir, catalogue, load_jobs)
        checks = verify([baseline, warm_up, load], stored)
        log = server.log_findings()
        if log["tracebacks"] or log["database_is_locked"]:
            shutil.copy(server.log_path, Path(tempfile.gettempdir()) / f"load_intake-{db}.log")
    finally:
        if pg_name:
            drop_pg_database(server_url, pg_name)

    overall = figures(load, None)
    base = figures(baseline, None)
    result = {
        "server": server.description,
        "requests": args.requests,
        "concurrency": args.concurrency,
        "seconds": round(load.seconds, 1),
        "not_sent": load.not_sent + baseline.not_sent + warm_up.not_sent,
        **overall,
        "api": figures(load, "api"),
        "open311": figures(load, "open311"),
        "baseline_sequential": {
            "requests": base["requests"],
            "throughput_rps": base["throughput_rps"],
            "latency_ms": base["latency_ms"],
            "http_5xx": base["http_5xx"],
        },
        "throughput_ratio": round(overall["throughput_rps"] / base["throughput_rps"], 2),
        # Whether the server was short of CPU or waiting (on locks): cores it kept busy, and
        # its CPU per request (PostgreSQL's own processes are not counted): over the loaded
        # phase after the warm-up (CPU_METHOD), and over the server's whole life as before.
        "server_cpu_ms_per_request": round(warm_cpu * 1000 / len(load.jobs), 1),
        "server_cpu_ms_per_request_whole_life": round(
            server_cpu * 1000 / (len(baseline.jobs) + len(warm_up.jobs) + len(load.jobs)), 1
        ),
        "cpu_method": CPU_METHOD,
        "warmup_requests": len(warm_up.jobs),
        "server_cores_used": round(warm_cpu / load.seconds, 2),
        "checks": checks,
        "server_log": log,
        "minimal_view": minimal,
        # Targets of issue 12: intake ≥ 1/3 of the minimal view's throughput behind the same
        # server, ≤ 8 ms of server CPU per complaint.
        "throughput_vs_minimal": round(overall["throughput_rps"] / minimal["throughput_rps"], 3),
    }
    result["targets_met"] = (
        result["throughput_vs_minimal"] >= 1 / 3 and result["server_cpu_ms_per_request"] <= 8
    )
    result["ok"] = (
        checks["consistent"]
        and result["not_sent"] == 0
        and overall["http_5xx"] == 0
        and overall["http_4xx"] == 0
        and overall["transport_errors"] == 0
        and all(r is not None and r.status is not None and r.status < 300 for r in warm_up.results)
        and base["http_5xx"] + base["http_4xx"] + base["transport_errors"] == 0
    )
    return result


def run_minimal(env: dict, args, var_dir: Path, catalogue: Catalogue, jobs: list[Job]) -> dict:
    """The baseline in the same run: the same number of complaints, same concurrency, posted
    to a minimal Django view that inserts one row into the same complaint table, behind the
    same server (bench/minimal_urls.py)."""
    tag = f"minimal-{secrets.token_hex(4)}"
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    rng = random.Random(7)
    minimal_jobs = []
    for n, job in enumerate(jobs):
        payload = {
            "category": rng.choice(catalogue.categories),
            "description": f"Signalement de charge n° {n}",
            "latitude": 48.86,
            "longitude": 2.35,
            "external_id": f"{tag}-{n}",
        }
        if job.channel == "api":
            payload.update({k: v for k, v in json.loads(job.body).items() if k in payload})
            payload["external_id"] = f"{tag}-{n}"
        minimal_jobs.append(
            Job("api", payload["external_id"], "/minimal/", json.dumps(payload).encode(), headers)
        )
    minimal_env = dict(env, DJANGO_SETTINGS_MODULE="bench.minimal_settings")
    warm_jobs = [
        Job(
            "api",
            f"{tag}-w{n}",
            "/minimal/",
            job.body.replace(tag.encode(), b"w" + tag.encode()),
            headers,
        )
        for n, job in enumerate(minimal_jobs[: args.warmup_requests])
    ]
    cpu_before = children_cpu_seconds()
    server = start_server(minimal_env, args, var_dir / "minimal-server.log")
    try:
        run_phase(server.port, warm_jobs, args.concurrency, args.max_seconds, reference_of)
        warm_cpu = server_cpu_seconds(server)
        phase = run_phase(
            server.port, minimal_jobs, args.concurrency, args.max_seconds, reference_of
        )
        warm_cpu = server_cpu_seconds(server) - warm_cpu
    finally:
        server.stop()
    cpu = children_cpu_seconds() - cpu_before
    result = figures(phase, None)
    result["server_cpu_ms_per_request"] = round(warm_cpu * 1000 / len(minimal_jobs), 1)
    result["server_cpu_ms_per_request_whole_life"] = round(
        cpu * 1000 / (len(warm_jobs) + len(minimal_jobs)), 1
    )
    return result


def describe(db: str, r: dict) -> str:
    def line(name, f):
        lat = f["latency_ms"]
        return (
            f"  {name:8} {f['requests']:>6} req  {f['throughput_rps']:>7.1f} req/s  "
            f"p50 {lat['p50']:>7.1f} ms  p95 {lat['p95']:>7.1f} ms  p99 {lat['p99']:>7.1f} ms  "
            f"2xx {f['ok_2xx']}  4xx {f['http_4xx']}  5xx {f['http_5xx']}  "
            f"transport {f['transport_errors']}"
        )

    c = r["checks"]
    return "\n".join(
        [
            f"{db} ({r['server']}, {r['concurrency']} clients) : {r['seconds']} s",
            line("total", r),
            line("api", r["api"]),
            line("open311", r["open311"]),
            f"  séquentiel : {r['baseline_sequential']['throughput_rps']} req/s → rapport "
            f"{r['throughput_ratio']} sous charge",
            f"  serveur : {r['server_cpu_ms_per_request']} ms de CPU par requête après "
            f"échauffement ({r['server_cpu_ms_per_request_whole_life']} ms sur toute la vie du "
            f"serveur), {r['server_cores_used']} cœur(s) occupé(s) en moyenne",
            f"  vue minimale (une ligne insérée, même serveur) : "
            f"{r['minimal_view']['throughput_rps']} req/s, "
            f"{r['minimal_view']['server_cpu_ms_per_request']} ms de CPU par requête ; "
            f"rapport débit doléances / vue minimale {r['throughput_vs_minimal']} "
            f"(cible ≥ 0,333) ; CPU ≤ 8 ms : "
            f"{'oui' if r['server_cpu_ms_per_request'] <= 8 else 'non'}",
            f"  base : {c['stored']} stockées pour {c['answered_2xx']} réponses 2xx ; perdues "
            f"{c['lost']}, doublons {c['duplicate_keys'] + c['duplicate_references']}, "
            f"stockées sans 2xx {c['stored_without_2xx']}, sans dossier {c['without_case']}",
            f"  journal serveur : « database is locked » ×{r['server_log']['database_is_locked']},"
            f" tracebacks ×{r['server_log']['tracebacks']}, "
            f"worker timeouts ×{r['server_log']['worker_timeouts']}",
            f"  => {'OK' if r['ok'] else 'ÉCHEC'}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument(
        "--database-url",
        default=PG_SERVER,
        help="PostgreSQL server; a temporary database is created there and dropped",
    )
    parser.add_argument("--server", choices=("gunicorn", "runserver"), default="gunicorn")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--baseline-requests", type=int, default=200)
    parser.add_argument(
        "--warmup-requests",
        type=int,
        default=200,
        help="sent at full concurrency before the measured phase, to both servers",
    )
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="per phase")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        print(json.dumps(child_prepare() if mode == "prepare" else child_verify(*rest)))
        return
    if not 1 <= args.concurrency <= 1024 or args.requests < 2 or args.baseline_requests < 2:
        parser.error("--concurrency 1..1024, --requests et --baseline-requests ≥ 2")

    results = {}
    with tempfile.TemporaryDirectory(prefix="cpps-bench-load-") as tmp:
        for db in args.db.split(","):
            results[db] = run_database(db, args, Path(tmp))
            print(describe(db, results[db]), flush=True)
    print(json.dumps(results, sort_keys=True))
    if not all(r["ok"] for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()

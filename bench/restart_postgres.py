"""PostgreSQL restarted and stalled under intake load: every 2xx stored once, every 5xx never.

Not part of `make test` (it restarts a database server). It never touches the shared server:
it creates a throwaway PostgreSQL cluster of its own (initdb in a temporary directory, run as
the `postgres` user, on port 5499 by default), and removes it at the end.

1. Restarts: `cpps setup` on the throwaway cluster, a gunicorn server, then N complaints
   (half REST API with an external id, half Open311 with a marker, as bench/load_intake.py)
   from C client threads while the cluster is restarted R times (`pg_ctl restart -m fast`,
   the same stop and start as `pg_ctlcluster … restart`). No client retries: each answer is
   checked against the database — every 2xx stored exactly once, every 5xx stored never
   (the issue's baseline: 503 « réessayez » for a stored complaint in 7 of 10 restarts).
2. Stall: an exclusive lock held on the reference counter longer than the server's request
   deadline (CPPS_INTAKE_DEADLINE_SECONDS, below the clients' timeout) while Open311 clients
   post; each client then retries its request once, as a client that timed out does. Counted:
   complaints filed twice (the issue's baseline: 16 of 16 retries filed a second complaint).

    .venv/bin/python bench/restart_postgres.py [--requests 2000] [--concurrency 12]
        [--restarts 5] [--stall-requests 16] [--port 5499]

Prints one JSON object on its last line; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import emit  # noqa: E402
from load_intake import (  # noqa: E402
    DATA_DIR,
    GEO_DIR,
    HOST,
    OPEN311_KEY_NAME,
    OPEN311_PATH,
    ROOT,
    Catalogue,
    build_jobs,
    cpps,
    run_child,
    run_phase,
    start_server,
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DEADLINE_SECONDS = 6  # the server's request deadline during this bench
CLIENT_TIMEOUT = 10  # the clients' patience, above the deadline


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary directory, owned by `postgres`."""

    def __init__(self, port: int):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="cpps-pg-faults-"))
        self.data = self.dir / "data"
        shutil.chown(self.dir, "postgres", "postgres")
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.start()

    def _pg(self, program: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / program), *args],
            check=True,
            capture_output=True,
            cwd=self.dir,
        )

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST}"
        log = str(self.dir / "server.log")
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", action, *extra)

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def remove(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}"


def restarter(cluster: Cluster, count: int, interval: float, stop: threading.Event, log: list):
    for _ in range(count):
        if stop.wait(interval):
            return
        started = time.monotonic()
        cluster.restart()
        log.append(round(time.monotonic() - started, 2))


def classify(phase, stored: dict) -> dict:
    """Each answer against the rows its key left in the database."""
    rows: dict[str, int] = {}
    for key, *_ in stored["api"]:
        rows[key] = rows.get(key, 0) + 1
    for key, _ in stored["open311"]:
        rows[key] = rows.get(key, 0) + 1
    counts = {
        "answered_2xx": 0,
        "2xx_stored_once": 0,
        "2xx_lost": 0,
        "2xx_duplicated": 0,
        "answered_5xx": 0,
        "5xx_stored": 0,
        "answered_4xx": 0,
        "no_answer": 0,
        "no_answer_stored": 0,
    }
    for job, result in zip(phase.jobs, phase.results, strict=True):
        n = rows.get(job.key, 0)
        status = result.status if result else None
        if status is None:
            counts["no_answer"] += 1
            counts["no_answer_stored"] += n > 0
        elif 200 <= status < 300:
            counts["answered_2xx"] += 1
            counts["2xx_stored_once"] += n == 1
            counts["2xx_lost"] += n == 0
            counts["2xx_duplicated"] += n > 1
        elif status >= 500:
            counts["answered_5xx"] += 1
            counts["5xx_stored"] += n > 0
        else:
            counts["answered_4xx"] += 1
    return counts


def post(port: int, body: bytes, timeout: float) -> int | None:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(
            "POST",
            OPEN311_PATH,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def stall_phase(cluster: Cluster, port: int, env: dict, credentials: dict, catalogue, count: int):
    """Open311 posts while the intake is blocked past the deadline, then one retry each."""
    import psycopg

    tag = f"blocage-{secrets.token_hex(4)}"
    service_code, answers = catalogue.services[0]
    bodies = [
        urlencode(
            {
                "api_key": credentials["api_key"],
                "service_code": service_code,
                "lat": 48.8675,
                "long": 2.3650 + i * 1e-4,
                "description": f"Bruit constaté [{tag}-{i}]",
                **answers,
            }
        ).encode()
        for i in range(count)
    ]
    first: list[int | None] = [None] * count
    with psycopg.connect(f"{env['DATABASE_URL']}") as lock:
        lock.execute("LOCK TABLE doleances_referencecounter IN ACCESS EXCLUSIVE MODE")
        threads = [
            threading.Thread(
                target=lambda i=i: first.__setitem__(i, post(port, bodies[i], CLIENT_TIMEOUT))
            )
            for i in range(count)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        # Held longer than both the server's deadline and the clients' patience.
        time.sleep(CLIENT_TIMEOUT + 2)
        lock.rollback()
    for thread in threads:
        thread.join()
    first_seconds = time.monotonic() - started
    retries = [post(port, body, CLIENT_TIMEOUT) for body in bodies]
    stored = run_child("verify", env, tag)
    per_key: dict[str, int] = {}
    for key, _ in stored["open311"]:
        per_key[key] = per_key.get(key, 0) + 1
    return {
        "requests": count,
        "first_attempt": {
            "503": sum(s == 503 for s in first),
            "2xx": sum(s is not None and 200 <= s < 300 for s in first),
            "client_timeouts": sum(s is None for s in first),
            "seconds": round(first_seconds, 1),
        },
        "retry_2xx": sum(s is not None and 200 <= s < 300 for s in retries),
        "stored": sum(per_key.values()),
        "filed_twice": sum(n > 1 for n in per_key.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--restarts", type=int, default=5)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between restarts")
    parser.add_argument("--stall-requests", type=int, default=16)
    parser.add_argument("--port", type=int, default=5499)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    args.server, args.threads = "gunicorn", 1

    cluster = Cluster(args.port)
    workdir = Path(tempfile.mkdtemp(prefix="cpps-restart-"))
    try:
        import psycopg

        with psycopg.connect(f"{cluster.url}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE cpps_faults")
        env = dict(
            os.environ,
            DATABASE_URL=f"{cluster.url}/cpps_faults",
            CPPS_VAR_DIR=str(workdir / "var"),
            CPPS_DATA_DIR=str(DATA_DIR),
            CPPS_GEO_DIR=str(GEO_DIR),
            PYTHONPATH=str(ROOT),
            CPPS_DEBUG="false",
            CPPS_SECRET_KEY=secrets.token_urlsafe(50),
            CPPS_LOG_LEVEL="ERROR",
            CPPS_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            CPPS_INTAKE_DEADLINE_SECONDS=str(DEADLINE_SECONDS),
            DJANGO_SETTINGS_MODULE="cpps.settings",
        )
        cpps(env, "setup", "--geo-dir", str(GEO_DIR))
        created = cpps(env, "apikey", "create", OPEN311_KEY_NAME, "--rate", "1000000")
        credentials = {
            "token": run_child("prepare", env)["token"],
            "api_key": created.strip().splitlines()[-1],
        }
        server = start_server(env, args, workdir / "server.log")
        try:
            catalogue = Catalogue.fetch(server.port)
            tag = f"redemarrage-{secrets.token_hex(4)}"
            jobs = build_jobs(args.requests, 0, tag, catalogue, credentials, random.Random(2026))
            stop, restarts = threading.Event(), []
            thread = threading.Thread(
                target=restarter, args=(cluster, args.restarts, args.interval, stop, restarts)
            )
            thread.start()
            phase = run_phase(server.port, jobs, args.concurrency, 3600)
            stop.set()
            thread.join()
            stall = stall_phase(
                cluster, server.port, env, credentials, catalogue, args.stall_requests
            )
        finally:
            server.stop()
        counts = classify(phase, run_child("verify", env, tag))
    finally:
        cluster.remove()
        shutil.rmtree(workdir, ignore_errors=True)

    result = {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "restarts": len(restarts),
        "restart_seconds": restarts,
        "seconds": round(phase.seconds, 1),
        **counts,
        "stall": stall,
        "request_deadline_s": DEADLINE_SECONDS,
        "client_timeout_s": CLIENT_TIMEOUT,
    }
    result["ok"] = (
        counts["2xx_lost"] == counts["2xx_duplicated"] == counts["5xx_stored"] == 0
        and counts["2xx_stored_once"] == counts["answered_2xx"]
        and stall["filed_twice"] == 0
    )
    emit(result)
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()

"""The HTTP side of bench/load_intake.py: the server under test (gunicorn or `cpps runserver`,
its CPU read from /proc), concurrent POSTs without retries, and the figures of a phase."""

from __future__ import annotations

import http.client
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 120.0
STARTUP_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path
    description: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_findings(self) -> dict:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return {
            "database_is_locked": text.count("database is locked"),
            "tracebacks": text.count("Traceback (most recent call last)"),
            "worker_timeouts": text.count("WORKER TIMEOUT"),
        }


def children_cpu_seconds() -> float:
    """CPU used by the finished child processes, the server's workers included once it is
    stopped (the master reaps its workers, we reap the master)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_cpu_seconds(server: Server) -> float:
    """CPU used so far by the running server: its master and workers (the processes of its
    session, /proc), with what they reaped (a worker restarted). Read before and after a
    phase, the difference is the phase's CPU, without the workers' start (imports, the
    territory index, the first queries) that a whole-life measure spreads over the requests."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        # After the command's closing parenthesis: state, ppid, pgrp, session, ... (man 5 proc)
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == server.process.pid:
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def start_server(env: dict, args, log_path: Path) -> Server:
    """The server under test; with DJANGO_SETTINGS_MODULE=bench.minimal_settings in `env`,
    the same server running the minimal baseline view instead of cpps's URLs."""
    port = free_port()
    if args.server == "gunicorn":
        gunicorn = BIN / "gunicorn"
        if not gunicorn.exists():
            sys.exit(f"gunicorn introuvable : {BIN / 'pip'} install gunicorn")
        command = [
            str(gunicorn),
            "cpps.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread" if args.threads > 1 else "sync",
            "--timeout",
            "60",
            "--backlog",
            "2048",
        ]
        description = f"gunicorn {args.workers} workers " + (
            f"gthread ×{args.threads}" if args.threads > 1 else "sync"
        )
    else:
        command = [str(BIN / "cpps"), "runserver", "--noreload", f"{HOST}:{port}"]
        description = "cpps runserver (threaded)"
    log = log_path.open("w")
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(process, port, log_path, description)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"le serveur s'est arrêté au démarrage :\n{log_path.read_text()[-3000:]}")
        try:
            if http_get(port, "/api/v1/categories/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    sys.exit(f"le serveur ne répond pas après {STARTUP_TIMEOUT:.0f} s")


@dataclass
class Result:
    status: int | None  # None: no HTTP answer (connection refused, reset, timeout)
    seconds: float
    reference: str = ""
    error: str = ""


@dataclass
class Phase:
    jobs: list
    results: list[Result | None]
    seconds: float
    not_sent: int = field(default=0)


def run_phase(
    port: int, jobs: list, concurrency: int, max_seconds: float, reference_of: Callable
) -> Phase:
    """Send every job (its `path`, `body` and `headers`) once as a POST from `concurrency`
    threads (one connection each), no retries; `reference_of(job, status, body)` reads the
    answer's reference."""
    results: list[Result | None] = [None] * len(jobs)
    next_index = iter(range(len(jobs)))
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def worker():
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        try:
            while time.monotonic() < deadline:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                job = jobs[index]
                started = time.perf_counter()
                try:
                    connection.request("POST", job.path, body=job.body, headers=job.headers)
                    response = connection.getresponse()
                    body = response.read()
                    elapsed = time.perf_counter() - started
                    results[index] = Result(
                        response.status, elapsed, reference_of(job, response.status, body)
                    )
                except (OSError, http.client.HTTPException) as exc:
                    connection.close()
                    results[index] = Result(
                        None, time.perf_counter() - started, error=type(exc).__name__
                    )
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return Phase(jobs, results, seconds, not_sent=sum(r is None for r in results))


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def figures(phase: Phase, channel: str | None) -> dict:
    """Counts by status class, throughput and latency percentiles of a phase's answers (of
    one channel's jobs, or all)."""
    pairs = [
        (job, result)
        for job, result in zip(phase.jobs, phase.results, strict=True)
        if result is not None and (channel is None or job.channel == channel)
    ]
    latencies = sorted(result.seconds * 1000 for _, result in pairs)
    statuses = Counter(
        "transport" if r.status is None else f"{r.status // 100}xx" for _, r in pairs
    )
    return {
        "requests": len(pairs),
        "ok_2xx": statuses["2xx"],
        "http_4xx": statuses["4xx"],
        "http_5xx": statuses["5xx"],
        "transport_errors": statuses["transport"],
        "throughput_rps": round(len(pairs) / phase.seconds, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "p99": round(percentile(latencies, 99), 1),
        },
    }

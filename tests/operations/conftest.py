"""Background work against real things: the test database, Redis (DB 7), worker processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
import redis
from django.db import connection

REDIS_URL = os.environ.get("CPPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_of_a_minute(margin: float = 15) -> None:
    """Wait for the next minute if this one ends within `margin` seconds: rate limits count
    per minute, and the requests that follow must fall in one."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.1)


def database_url() -> str:
    """The test database, as a DATABASE_URL for child processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(backend: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CPPS_TASKS_BACKEND": backend,
        "CPPS_REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "cpps.settings",
        **extra,
    }


def cpps(*args: str) -> list[str]:
    return [sys.executable, "-m", "cpps.cli", *args]


def run_worker_batch(env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        cpps("worker", "--batch"), env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(params=["database", "rq"])
def task_backend(request, settings):
    """The app enqueues on the database or on Redis, as a worker process will read them."""
    name = request.param
    settings.CPPS_TASKS_BACKEND = name
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": settings.CPPS_TASK_BACKENDS[name]}
    # Django's test set-up puts e-mail in memory; here it goes through the real queue.
    settings.EMAIL_BACKEND = "operations.mail.QueuedEmailBackend"
    if name == "rq":
        redis.Redis.from_url(REDIS_URL).flushdb()
    yield name
    if name == "rq":
        redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture(params=["database", "redis"])
def cache_backend(request):
    """The environment of child processes whose Django cache is the database or Redis."""
    env = {"CPPS_CACHE_BACKEND": request.param, "CPPS_CACHE_URL": REDIS_URL}
    if request.param == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()
    yield env
    if request.param == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()

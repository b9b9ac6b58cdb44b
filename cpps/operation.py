"""Running cpps unattended: `/sante/` (health, JSON, 200/503), `/metrics` (Prometheus, only for
the addresses or the token of `CPPS_METRICS_ALLOWED_IPS` / `CPPS_METRICS_TOKEN`), a request id
on every request, and logs as JSON lines without personal data.

The request log names the route pattern (`suivi/<str:reference>/<str:token>/`), never the
path, query string, form fields or client address: tracking tokens and what residents type
stay out of the logs.
"""

from __future__ import annotations

import contextvars
import hmac
import ipaddress
import json
import logging
import os
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
request_logger = logging.getLogger("cpps.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

REQUEST_SECONDS = Histogram(
    "cpps_http_request_duration_seconds",
    "Durée des requêtes HTTP, par route, méthode et classe de statut",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


# --- request id and request log --------------------------------------------------------------


class RequestMiddleware:
    """Gives each request an id (the proxy's `X-Request-ID` when well-formed), returns it in
    the response, logs one JSON line per request and times it for the metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        route = match.route if match else "(aucune)"
        REQUEST_SECONDS.labels(route, request.method, f"{response.status_code // 100}xx").observe(
            elapsed
        )
        response["X-Request-ID"] = request_id
        request_logger.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "ms": round(elapsed * 1000, 1),
            },
        )
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# Django attaches the request to its own records ("Internal Server Error: /suivi/…"): its
# path may carry a tracking token, so neither it nor the request object is written.
_DROPPED = {"request"}


def _without_path(record: logging.LogRecord) -> str:
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if not path or not isinstance(record.args, tuple):
        return record.getMessage()
    match = getattr(request, "resolver_match", None)
    route = match.route if match else "(aucune)"
    args = tuple(route if arg == path else arg for arg in record.args)
    return str(record.msg) % args if args else str(record.msg)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and the record's
    extra fields. Exceptions keep their type and traceback (our code's frames, no values)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _without_path(record),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _DROPPED and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# --- health ----------------------------------------------------------------------------------


def _migrations_pending() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def health_report() -> tuple[bool, dict]:
    from observatoire import store
    from operations import scheduler

    report: dict = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
        report["migrations_pending"] = _migrations_pending()
        seen = scheduler.last_heartbeat()
        report["worker_seconds_since_heartbeat"] = (
            round((timezone.now() - seen).total_seconds(), 1) if seen else None
        )
        report["queue_depth"] = scheduler.queue_depth()
    except DatabaseError:
        report["database"] = "injoignable"
    except OSError:  # Redis down (RQ backend)
        report["queue_depth"] = None
    age = store.age_seconds()
    report["analytics_store_age_seconds"] = round(age, 1) if age is not None else None
    worker_age = report.get("worker_seconds_since_heartbeat")
    healthy = (
        report["database"] == "ok"
        and report.get("migrations_pending") == 0
        and worker_age is not None
        and worker_age <= settings.CPPS_HEALTH_WORKER_MAX_AGE
        and report.get("queue_depth") is not None
        and age is not None
        and age <= settings.CPPS_HEALTH_STORE_MAX_AGE
    )
    report["status"] = "ok" if healthy else "dégradé"
    return healthy, report


@never_cache
def health(request):
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


# --- metrics ---------------------------------------------------------------------------------


def metrics_allowed(request) -> bool:
    token = settings.CPPS_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings.CPPS_METRICS_ALLOWED_IPS)


class DatabaseCollector:
    """Figures read from the database at scrape time: right whatever the number of
    processes."""

    def collect(self):
        from django.db.models import Count

        from doleances.models import Complaint
        from operations import scheduler

        filed = GaugeMetricFamily(
            "cpps_complaints_filed", "Doléances enregistrées, par canal", labels=["channel"]
        )
        for row in Complaint.objects.values("channel").annotate(n=Count("pk")).order_by():
            filed.add_metric([row["channel"]], row["n"])
        yield filed
        yield GaugeMetricFamily(
            "cpps_task_queue_depth", "Tâches en attente", value=scheduler.queue_depth()
        )
        yield GaugeMetricFamily(
            "cpps_task_failures", "Tâches en échec (conservées)", value=_task_failures()
        )


def _task_failures() -> int:
    if settings.CPPS_TASKS_BACKEND == "rq":
        import django_rq
        from rq.registry import FailedJobRegistry

        return len(FailedJobRegistry(queue=django_rq.get_queue("default")))
    if settings.CPPS_TASKS_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(status="FAILED").count()
    return 0


@never_cache
def metrics(request):
    if not metrics_allowed(request):
        return HttpResponse("Accès réservé.", status=403, content_type="text/plain; charset=utf-8")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # gunicorn: every worker's histograms
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(DatabaseCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

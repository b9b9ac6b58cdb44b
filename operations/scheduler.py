"""The worker's scheduler: enqueues the scheduled tasks that are due, and beats.

Each `cpps worker` runs `tick()` every few seconds in a thread beside the task loop. Due
rows are taken with `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serialises writers
anyway), so that with several workers each due run is enqueued once.
"""

from __future__ import annotations

import logging
import os
import socket

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from operations.models import Every, ScheduledTask, WorkerHeartbeat

logger = logging.getLogger(__name__)


def enqueue_due(now=None) -> list[str]:
    """Enqueue every enabled scheduled task whose time has come; returns their names."""
    now = now or timezone.now()
    names = []
    with transaction.atomic():
        due = (
            ScheduledTask.objects.select_for_update(skip_locked=True)
            .filter(enabled=True)
            .exclude(next_run_at__gt=now)
        )
        for scheduled in due:
            if scheduled.next_run_at is None and scheduled.every != Every.INTERVAL:
                # A new daily/weekly/monthly row waits for its time; interval ones start now.
                scheduled.next_run_at = scheduled.following(now)
                scheduled.save(update_fields=["next_run_at"])
                continue
            # Even a broken row moves on: it must not be retried every few seconds.
            scheduled.next_run_at = scheduled.following(now)
            try:
                import_string(scheduled.task_path).enqueue(**scheduled.kwargs)
            except (ImportError, AttributeError, TypeError, ValueError) as exc:
                logger.error("scheduled task %r not enqueued: %s", scheduled.name, exc)
            else:
                scheduled.last_enqueued_at = now
                names.append(scheduled.name)
            scheduled.save(update_fields=["next_run_at", "last_enqueued_at"])
    return names


def beat(worker_id: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
            "backend": settings.CPPS_TASKS_BACKEND,
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def last_heartbeat():
    return WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()


def queue_depth() -> int:
    """Tasks waiting to run (ready or deferred) on the configured backend."""
    if settings.CPPS_TASKS_BACKEND == "rq":
        import django_rq
        from rq.registry import ScheduledJobRegistry

        queue = django_rq.get_queue("default")
        return len(queue) + len(ScheduledJobRegistry(queue=queue))
    if settings.CPPS_TASKS_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(status="READY").count()
    return 0

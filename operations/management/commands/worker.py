"""`cpps worker`: runs the background tasks of the configured backend (database or RQ) and,
in a thread beside them, the scheduler and the heartbeat."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy

from operations import scheduler

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = gettext_lazy(
        "Exécute les tâches de fond (courriels, rafraîchissement de l'observatoire, "
        "baromètres, purge…) et met en file les tâches planifiées arrivées à échéance."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help=gettext_lazy(
                "Une passe : met en file les tâches planifiées échues, exécute tout ce qui "
                "attend, puis s'arrête."
            ),
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=float(settings.CPPS_SCHEDULER_TICK_SECONDS),
            help=gettext_lazy("Secondes entre deux passages du planificateur."),
        )

    def handle(self, *args, batch: bool, tick: float, **options):
        backend = settings.CPPS_TASKS_BACKEND
        if backend not in ("database", "rq"):
            raise CommandError(
                f"CPPS_TASKS_BACKEND={backend} : pas de worker (tâches exécutées sur place)."
            )
        worker_id = get_random_string(32)
        started_at = timezone.now()
        stop = threading.Event()

        def schedule_once():
            try:
                scheduler.beat(worker_id, started_at)
                scheduler.enqueue_due()
            except Exception:  # the next tick tries again; the task loop goes on
                logger.exception("scheduler tick failed")
            finally:
                close_old_connections()

        def schedule_forever():
            while not stop.is_set():
                schedule_once()
                stop.wait(tick)
            connection.close()

        if batch:
            schedule_once()
        else:
            threading.Thread(target=schedule_forever, name="scheduler", daemon=True).start()
        logger.info("worker %s started (%s)", worker_id, backend)
        try:
            if backend == "database":
                self._run_database(worker_id, batch)
            else:
                self._run_rq(worker_id, batch)
        finally:
            stop.set()

    def _run_database(self, worker_id: str, batch: bool) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["*"],
            interval=0.5,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()

    def _run_rq(self, worker_id: str, batch: bool) -> None:
        import django_rq
        from django_tasks_rq import Job
        from rq import SimpleWorker

        # No fork per job: the scheduler thread and the database connections stay sound.
        queue = django_rq.get_queue("default", job_class=Job)
        worker = SimpleWorker(
            [queue], connection=queue.connection, job_class=Job, name=f"cpps-{worker_id}"
        )
        worker.work(burst=batch, with_scheduler=True, logging_level="WARNING")

"""`cpps serve`: the production web server, gunicorn, with what a city's server needs."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = gettext_lazy("Serveur de production (gunicorn ; fichiers statiques par WhiteNoise).")

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("CPPS_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("CPPS_WEB_WORKERS", "0")) or default_workers(),
            help=gettext_lazy("Processus (par défaut 2 × cœurs + 1)."),
        )
        parser.add_argument("--timeout", type=int, default=30)

    def handle(self, *args, bind: str, workers: int, timeout: int, **options):
        # The histograms of this server's gunicorn processes, gathered by /metrics. Metrics
        # are per server (Prometheus scrapes each), so the directory is on this host and
        # named by the address: another `cpps serve` sharing CPPS_VAR_DIR (another port or
        # host) neither wipes these files at its start nor mixes its own (named by pid) in.
        instance = re.sub(r"[^A-Za-z0-9]+", "-", bind).strip("-")
        metrics_dir = Path(tempfile.gettempdir()) / f"cpps-prometheus-{os.getuid()}-{instance}"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "cpps.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            str(timeout),
            # A worker is recycled now and then: memory stays flat over months.
            "--max-requests",
            "2000",
            "--max-requests-jitter",
            "200",
            # The access log is cpps.request's JSON line (route pattern, status, time,
            # request id): gunicorn's own would print paths with tracking tokens.
            "--error-logfile",
            "-",
            # The control socket's default path is per user: two servers would share it.
            "--no-control-socket",
            "--forwarded-allow-ips",
            ",".join(settings.CPPS_FORWARDED_ALLOW_IPS),
        ]
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process by gunicorn

"""`cpps run [HOST:PORT]`: the web server and the background worker together, for `make run`.

One command, one Ctrl-C: both children are stopped (SIGTERM, then SIGKILL after a grace
period) and the command ends with status 0; if either stops by itself, the other is stopped
too and the command fails with its exit code."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

GRACE_SECONDS = 30


def stop_all(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


class Command(BaseCommand):
    help = gettext_lazy("Lance le serveur web et le worker ensemble (Ctrl-C arrête les deux).")

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--serve",
            action="store_true",
            help=gettext_lazy("Serveur de production (cpps serve) au lieu de runserver."),
        )

    def handle(self, *args, addrport: str, serve: bool, **options):
        cpps = [sys.executable, "-m", "cpps.cli"]
        web = [*cpps, "serve", "--bind", addrport] if serve else [*cpps, "runserver", addrport]
        children = [subprocess.Popen(web), subprocess.Popen([*cpps, "worker"])]

        def on_signal(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, on_signal)
        asked = False
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.2)
        except KeyboardInterrupt:
            asked = True  # the children were asked to stop: however they ended, that is it
        finally:
            stop_all(children)
        stopped_alone = [child.returncode for child in children if child.returncode]
        if not asked and stopped_alone:
            sys.exit(stopped_alone[0] if stopped_alone[0] > 0 else 1)

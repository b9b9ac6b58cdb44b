"""Background tasks on both backends (database, RQ on Redis) with real worker processes:
e-mails survive a mail server that is down, schedules are data, the worker alone refreshes
the observatory store and a new complaint shows in the dashboard within a minute."""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import UTC, datetime
from datetime import time as clock
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from observatoire import services, store
from operations.models import Every, OutgoingMail, ScheduledTask
from tests.operations.conftest import child_env, cpps, free_port, run_worker_batch


class Inbox(Message):
    """An SMTP server's mailbox: the messages it accepted."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def test_schedules_follow_their_period():
    moment = datetime(2026, 3, 30, 10, 0, tzinfo=UTC)  # a Monday, 12:00 in Paris
    every_30s = ScheduledTask(every=Every.INTERVAL, interval_seconds=30)
    assert (every_30s.following(moment) - moment).total_seconds() == 30
    daily = ScheduledTask(every=Every.DAY, at=clock(3, 30))
    assert daily.following(moment).isoformat() == "2026-03-31T03:30:00+02:00"
    weekly = ScheduledTask(every=Every.WEEK, weekday=0, at=clock(7, 0))
    assert weekly.following(moment).isoformat() == "2026-04-06T07:00:00+02:00"
    monthly = ScheduledTask(every=Every.MONTH, day=31, at=clock(6, 0))
    assert monthly.following(moment).isoformat() == "2026-03-31T06:00:00+02:00"
    assert monthly.following(monthly.following(moment)).isoformat() == "2026-04-30T06:00:00+02:00"


@pytest.mark.django_db(transaction=True)
def test_mail_waits_for_the_mail_server_then_goes_out(task_backend):
    ScheduledTask.objects.all().delete()  # this test says when the retry is scheduled
    port = free_port()
    with transaction.atomic():
        mail.send_mail("Votre doléance", "Bonjour,", None, ["habitante@example.org"])
        # Stored in the transaction, delivery not yet enqueued.
        assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 1
    with transaction.atomic():
        mail.send_mail("Annulé", "Jamais envoyé.", None, ["autre@example.org"])
        transaction.set_rollback(True)
    assert OutgoingMail.objects.count() == 1  # a rolled-back decision sends nothing

    env = child_env(
        task_backend,
        CPPS_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        CPPS_EMAIL_HOST="127.0.0.1",
        CPPS_EMAIL_PORT=str(port),
        CPPS_EMAIL_RETRY_SECONDS="0",
    )
    run_worker_batch(env)  # the mail server is down
    row = OutgoingMail.objects.get()
    assert (row.sent_at, row.attempts, row.last_error) == (None, 1, "ConnectionRefusedError")

    ScheduledTask.objects.create(
        name="Relance",
        task_path="operations.tasks.deliver_due_mail",
        every=Every.INTERVAL,
        interval_seconds=60,
    )
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        run_worker_batch(env)  # the scheduler enqueues the retry, the worker delivers
    finally:
        server.stop()
    [received] = inbox.messages
    assert received["To"] == "habitante@example.org"
    assert str(make_header(decode_header(received["Subject"]))) == "Votre doléance"
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2 and row.last_error == ""
    relance = ScheduledTask.objects.get(name="Relance")
    assert relance.last_enqueued_at is not None and relance.next_run_at > relance.last_enqueued_at
    run_worker_batch(env)  # nothing due: nothing sent twice
    assert OutgoingMail.objects.get().attempts == 2


@pytest.mark.django_db(transaction=True)
def test_broken_schedule_row_is_skipped_not_retried_in_a_loop(task_backend):
    ScheduledTask.objects.all().delete()
    broken = ScheduledTask.objects.create(
        name="Cassée", task_path="observatoire.tasks.nothing_here", every=Every.INTERVAL
    )
    from operations import scheduler

    assert scheduler.enqueue_due() == []
    broken.refresh_from_db()
    assert broken.last_enqueued_at is None and broken.next_run_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_complaint_shows_in_the_dashboard_within_a_minute(paris_live, task_backend, client):
    """A running worker (the fixture's schedule: refresh every 30 s) is the only writer of
    the store; this process reads it, never refreshing it."""
    assert ScheduledTask.objects.filter(task_path="observatoire.tasks.refresh_store").exists()
    ScheduledTask.objects.exclude(task_path="observatoire.tasks.refresh_store").update(
        enabled=False
    )
    shutil.rmtree(store.store_dir())  # no store yet: the worker creates it
    worker = subprocess.Popen(
        cpps("worker"),
        env=child_env(task_backend, CPPS_SCHEDULER_TICK_SECONDS="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not store.exists():  # the first tick refreshes at once
            assert worker.poll() is None and time.monotonic() < deadline
            time.sleep(0.5)
        day = datetime.now(UTC).date()
        f = services.Filters(start=day, end=day)
        assert services.key_figures(f)["total"] == 0
        response = client.post(
            "/signaler/",
            {
                "category": _category_pk("bruit-rue"),
                "description": "Musique forte chaque nuit.",
                "latitude": "48.8665",
                "longitude": "2.3745",
            },
        )
        assert response.status_code == 302
        filed = time.monotonic()
        while services.key_figures(f)["total"] != 1:
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() - filed < 60, "not in the dashboard after a minute"
            time.sleep(0.5)
    finally:
        # A warm shutdown lets a running job (a store refresh) finish: on a loaded machine
        # that can take a while.
        worker.terminate()
        worker.wait(timeout=180)
    assert worker.returncode in (0, -15, 1)


def _category_pk(code: str) -> int:
    from doleances.models import Category

    return Category.objects.get(code=code).pk


def test_setup_loads_the_schedule_once(db):
    call_command("loaddata", "paris_schedules", verbosity=0)
    names = set(ScheduledTask.objects.values_list("task_path", flat=True))
    assert {
        "observatoire.tasks.refresh_store",
        "observatoire.tasks.send_alert_digests",
        "observatoire.tasks.write_barometers",
        "observatoire.tasks.write_opendata_files",
        "doleances.tasks.purge_personal_data",
        "operations.tasks.deliver_due_mail",
    } <= names

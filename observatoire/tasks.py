"""The observatory's background tasks, run by `cpps worker` on the schedule kept in
`operations.ScheduledTask` (fixture `operations/fixtures/paris_schedules.json`).

The worker is the only writer of the analytical store: web processes only read it."""

from __future__ import annotations

from datetime import date

from django_tasks import task


@task()
def refresh_store() -> dict | None:
    """Incremental refresh; None when another worker is already refreshing."""
    from observatoire import writer

    return writer.refresh(blocking=False)


@task()
def send_alert_digests() -> int:
    """The weekly digests of the last complete week; returns the number of e-mails."""
    from observatoire.subscriptions import send_digests

    return len(send_digests().sent)


@task()
def write_barometers(month: str | None = None) -> list[str]:
    """HTML and PDF barometers of `month` (AAAA-MM, default the previous one) for Paris and
    each sector."""
    from observatoire import barometre
    from territory.models import Sector

    when = barometre.parse_month(month) if month else barometre.previous_month(date.today())
    paths = []
    for place in [None, *Sector.objects.all()]:
        paths.extend(str(path) for path in barometre.write(when, place).values())
    return paths


@task()
def write_opendata_files() -> dict:
    from observatoire import opendata, store

    return opendata.write_files(store.store_dir() / "opendata")

"""Personal data are erased once the case has been closed for the retention period; the case
stays. The clock is moved by passing `now`."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from doleances.choices import Status
from doleances.models import Complainant, Complaint, Photo
from doleances.photos import thumbnail as photo_thumbnail
from doleances.retention import (
    ERASED_DESCRIPTION,
    months_before,
    purge_personal_data,
    register_personal_data_eraser,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_closing_time")]

DESCRIPTION = "Mon voisin M. Durand, 3e étage, fait du bruit toutes les nuits."


def close(complaint, at):
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.CLOSED, updated_at=at)


@pytest.fixture
def closed_case(file_in):
    complaint = file_in(
        "75018", description=DESCRIPTION, photo=True, media_url="https://example.org/v.mp4"
    )
    closed_at = timezone.now() - timedelta(days=400)
    close(complaint, closed_at)
    return complaint, closed_at


def photo_path(complaint) -> Path:
    return Path(settings.MEDIA_ROOT) / complaint.photos.get().image.name


def test_nothing_is_erased_before_twelve_months(closed_case):
    complaint, closed_at = closed_case
    path = photo_path(complaint)
    report = purge_personal_data(now=closed_at + timedelta(days=364))
    assert report.complaints == 0
    complaint.refresh_from_db()
    contact = complaint.complainants.get()
    assert (contact.name, contact.email, contact.erased_at) == (
        "Camille Martin",
        "camille.martin@example.org",
        None,
    )
    assert complaint.description == DESCRIPTION
    assert path.exists()


def test_personal_data_are_erased_after_twelve_months_and_the_case_kept(
    closed_case, django_capture_on_commit_callbacks
):
    complaint, closed_at = closed_case
    path = photo_path(complaint)
    assert path.exists()
    thumbnail = photo_thumbnail(complaint.photos.get())  # made when an agent saw the case
    now = closed_at + timedelta(days=367)
    with django_capture_on_commit_callbacks(execute=True):
        report = purge_personal_data(now=now)
    assert (report.complaints, report.complainants, report.photos, report.descriptions) == (
        1,
        1,
        1,
        1,
    )
    assert report.media_links == 1
    complaint.refresh_from_db()
    contact = complaint.complainants.get()
    assert (contact.name, contact.email, contact.phone) == ("", "", "")
    assert not contact.consent_contact
    assert contact.erased_at == now
    assert complaint.description == ERASED_DESCRIPTION
    assert complaint.media_url == ""
    assert not Photo.objects.filter(complaint=complaint).exists()
    assert not path.exists() and not thumbnail.exists()
    # The case itself stays, for history and statistics, with its closing time.
    assert complaint.status == Status.CLOSED
    assert complaint.reference.startswith("DOL-")
    assert complaint.arrondissement.number == 18
    assert complaint.updated_at == closed_at
    event = AuditEvent.objects.get(action=AuditAction.PURGE)
    assert event.details["complainants"] == 1
    assert event.details["photos"] == 1
    assert event.details["dry_run"] is False


def test_purge_is_idempotent(closed_case):
    complaint, closed_at = closed_case
    now = closed_at + timedelta(days=367)
    purge_personal_data(now=now)
    erased_at = Complainant.objects.get(complaint=complaint).erased_at
    again = purge_personal_data(now=now + timedelta(days=30))
    assert (again.complaints, again.complainants, again.photos, again.descriptions) == (0, 0, 0, 0)
    assert Complainant.objects.get(complaint=complaint).erased_at == erased_at
    assert AuditEvent.objects.filter(action=AuditAction.PURGE).count() == 2


def test_open_and_recently_closed_cases_keep_their_data(file_in):
    old_open = file_in("75011")
    Complaint.objects.filter(pk=old_open.pk).update(
        status=Status.IN_PROGRESS, updated_at=timezone.now() - timedelta(days=800)
    )
    recent = file_in("75012")
    close(recent, timezone.now() - timedelta(days=100))
    report = purge_personal_data()  # today, default 12 months
    assert report.complaints == 0
    assert Complainant.objects.filter(erased_at__isnull=True).count() == 2


def test_default_clock_is_now(file_in):
    complaint = file_in("75018")
    close(complaint, timezone.now() - timedelta(days=370))
    report = purge_personal_data()
    assert report.complaints == 1
    assert Complainant.objects.get(complaint=complaint).erased_at is not None


def test_retention_period_is_a_setting(closed_case, settings):
    complaint, closed_at = closed_case
    settings.CPPS_RETENTION_MONTHS = 24
    assert purge_personal_data(now=closed_at + timedelta(days=400)).complaints == 0
    assert purge_personal_data(now=closed_at + timedelta(days=740)).complaints == 1


def test_dry_run_counts_without_erasing(closed_case):
    complaint, closed_at = closed_case
    report = purge_personal_data(now=closed_at + timedelta(days=367), dry_run=True)
    assert (report.complaints, report.complainants, report.photos) == (1, 1, 1)
    complaint.refresh_from_db()
    assert complaint.description == DESCRIPTION
    assert complaint.complainants.get().erased_at is None
    assert AuditEvent.objects.get(action=AuditAction.PURGE).details["dry_run"] is True


def test_other_apps_erase_their_own_personal_data(closed_case):
    """An app above doleances (answers, notes) registers an eraser for the same cases."""
    complaint, closed_at = closed_case
    seen = []

    def erase_notes(complaints):
        seen.extend(complaints.values_list("pk", flat=True))
        return len(seen)

    register_personal_data_eraser("notes_de_test", erase_notes)
    try:
        report = purge_personal_data(now=closed_at + timedelta(days=367))
    finally:
        from doleances import retention

        retention._erasers.pop("notes_de_test")
    assert seen == [complaint.pk]
    assert report.others["notes_de_test"] == 1


def test_command_reports_in_french(closed_case):
    complaint, _ = closed_case
    out = io.StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    report = json.loads(out.getvalue())
    assert report["simulation"] is True
    assert report["declarants_effaces"] == 1
    assert complaint.complainants.get().erased_at is None
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert json.loads(out.getvalue())["doleances"] == 1
    assert complaint.complainants.get().erased_at is not None


def test_months_are_calendar_months():
    moment = timezone.now().replace(year=2026, month=3, day=31, hour=10)
    assert months_before(moment, 1).date().isoformat() == "2026-02-28"
    assert months_before(moment, 12).date().isoformat() == "2025-03-31"
    assert months_before(moment, 25).date().isoformat() == "2024-02-29"

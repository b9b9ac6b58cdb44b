"""Erasing personal data once the retention period after closing is over (GDPR, CNIL).

The case itself stays (statistics, history): only what may identify a person goes — the
complainants' name, e-mail and phone, the photos (files included), the link to a media, and
the free-text description, replaced by a neutral marker since residents write names and
addresses in it. Audit events are never touched. Run daily: `cpps purge_personal_data`.

When was a case closed? `doleances` does not know the workflow (it lives in `traitement`,
above). By default a closed complaint counts as closed at its last modification
(`updated_at`): any later edit only delays erasure, never brings it forward. The workflow
app can give the real closing time with `register_closed_at_provider`, and erase personal
data it stores itself (answers, notes) with `register_personal_data_eraser`.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.audit import log_event
from accounts.choices import AuditAction
from doleances.choices import Status
from doleances.models import Complainant, Complaint, Photo
from doleances.photos import delete_thumbnail

ERASED_DESCRIPTION = "[description effacée après la durée de conservation]"

# provider(queryset, before) -> the complaints of `queryset` closed before `before`.
ClosedBefore = Callable[[QuerySet, datetime], QuerySet]
# eraser(complaints) -> how many records it erased for these complaints (idempotent).
Eraser = Callable[[QuerySet], int]

_closed_before: list[ClosedBefore] = []
_erasers: dict[str, Eraser] = {}


def register_closed_at_provider(provider: ClosedBefore) -> None:
    """Replace the default closing time (`updated_at` of closed complaints)."""
    _closed_before[:] = [provider]


def register_personal_data_eraser(name: str, eraser: Eraser) -> None:
    """Also erase, for the same complaints, personal data kept by another app."""
    _erasers[name] = eraser


def _closed_by_last_update(queryset: QuerySet, before: datetime) -> QuerySet:
    return queryset.filter(status=Status.CLOSED, updated_at__lt=before)


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` calendar months earlier (31 March - 1 → 28/29 Feb)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass
class PurgeReport:
    cutoff: datetime
    months: int
    dry_run: bool
    complaints: int = 0
    complainants: int = 0
    photos: int = 0
    descriptions: int = 0
    media_links: int = 0
    others: dict[str, int] = field(default_factory=dict)


def _has_description(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}description": ""}) & ~Q(**{f"{prefix}description": ERASED_DESCRIPTION})


def _expired(now: datetime, months: int) -> tuple[datetime, QuerySet]:
    cutoff = months_before(now, months)
    provider = _closed_before[0] if _closed_before else _closed_by_last_update
    return cutoff, provider(Complaint.objects.all(), cutoff)


def purge_personal_data(
    now: datetime | None = None, months: int | None = None, dry_run: bool = False
) -> PurgeReport:
    """Erase the personal data of complaints closed more than `months` months before `now`
    (default: `CPPS_RETENTION_MONTHS`, 12). Idempotent; one audit event per run."""
    now = now or timezone.now()
    months = settings.CPPS_RETENTION_MONTHS if months is None else months
    if months < 0:
        raise ValueError("months must be >= 0")
    cutoff, expired = _expired(now, months)
    expired_ids = expired.values("pk")
    complainants = Complainant.objects.filter(complaint__in=expired_ids, erased_at__isnull=True)
    photos = Photo.objects.filter(complaint__in=expired_ids)
    descriptions = Complaint.objects.filter(Q(pk__in=expired_ids) & _has_description())
    media_links = Complaint.objects.filter(pk__in=expired_ids).exclude(media_url="")
    touched = Complaint.objects.filter(pk__in=expired_ids).filter(
        Exists(complainants.filter(complaint=OuterRef("pk")))
        | Exists(photos.filter(complaint=OuterRef("pk")))
        | _has_description()
        | ~Q(media_url="")
    )
    report = PurgeReport(cutoff=cutoff, months=months, dry_run=dry_run)
    with transaction.atomic():
        report.complaints = touched.count()
        if dry_run:
            report.complainants = complainants.count()
            report.photos = photos.count()
            report.descriptions = descriptions.count()
            report.media_links = media_links.count()
        else:
            report.complainants = complainants.update(
                name="",
                email="",
                phone="",
                consent_contact=False,
                tracking_nonce="",
                erased_at=now,
            )
            files = list(photos.values_list("image", "sha256"))
            report.photos, _ = photos.delete()
            # Files go once the rows are gone for good: a rollback must not leave rows
            # pointing at deleted files.
            transaction.on_commit(lambda: _delete_files(files))
            # QuerySet.update leaves `updated_at` alone, so the closing time is unchanged.
            report.descriptions = descriptions.update(description=ERASED_DESCRIPTION)
            report.media_links = media_links.update(media_url="")
            for name, eraser in _erasers.items():
                report.others[name] = eraser(Complaint.objects.filter(pk__in=expired_ids))
        log_event(None, AuditAction.PURGE, details=_audit_details(report))
    return report


def _delete_files(files: list[tuple[str, str]]) -> None:
    storage = Photo._meta.get_field("image").storage
    for name, sha256 in files:
        if name:
            storage.delete(name)
        delete_thumbnail(sha256)


def _audit_details(report: PurgeReport) -> dict:
    details = asdict(report)
    details["cutoff"] = report.cutoff.isoformat()
    return details

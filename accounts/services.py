"""Searching and exporting the audit trail (the administrators' page and `cpps audit export`)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from accounts.audit_display import CSV_COLUMNS, csv_row
from accounts.models import AuditEvent
from core import spreadsheet

EXPORT_FORMATS = ("csv", "jsonl")


@dataclass
class AuditFilters:
    actor: str = ""
    action: str = ""
    since: date | datetime | None = None
    until: date | datetime | None = None
    reference: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


def _start_of(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time.min))


def filter_events(filters: AuditFilters, queryset: QuerySet | None = None) -> QuerySet:
    """Events matching the filters; a date `until` includes that whole day."""
    queryset = AuditEvent.objects.all() if queryset is None else queryset
    if filters.actor:
        queryset = queryset.filter(actor_username__icontains=filters.actor.strip())
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.reference:
        queryset = queryset.filter(target_reference__iexact=filters.reference.strip())
    if filters.since:
        queryset = queryset.filter(at__gte=_start_of(filters.since))
    if filters.until:
        if isinstance(filters.until, datetime):
            queryset = queryset.filter(at__lte=_start_of(filters.until))
        else:
            queryset = queryset.filter(at__lt=_start_of(filters.until + timedelta(days=1)))
    return queryset


def event_row(event: AuditEvent) -> dict:
    return {
        "at": timezone.localtime(event.at).isoformat(),
        "actor_username": event.actor_username,
        "actor_role": event.actor_role,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_reference": event.target_reference,
        "ip_address": event.ip_address or "",
        "user_agent": event.user_agent,
        "details": event.details,
    }


def export_lines(events: Iterable[AuditEvent], fmt: str) -> Iterator[str]:
    """The export as text lines: CSV for French spreadsheets (French headers, labels and
    details, `;`-separated, `core.spreadsheet`), or one JSON object per line (raw codes,
    for machines)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(fmt)
    if fmt == "jsonl":
        for event in events:
            yield json.dumps(event_row(event), ensure_ascii=False, cls=DjangoJSONEncoder) + "\n"
        return
    buffer = io.StringIO()
    buffer.write(spreadsheet.BOM)
    writer = spreadsheet.writer(buffer)
    writer.writerow([str(title) for title in CSV_COLUMNS])
    for event in events:
        writer.writerow([spreadsheet.text(cell) for cell in csv_row(event)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():  # no event: the header alone
        yield buffer.getvalue()


def iterate(queryset: QuerySet) -> Iterator[AuditEvent]:
    """Oldest first, streamed: the trail can hold millions of rows."""
    return queryset.order_by("at", "id").iterator(chunk_size=2000)

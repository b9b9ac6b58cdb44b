"""What residents see of a case: its public timeline and public facts (tracking page,
Open311). No personal data leaves here. Following a complaint is `traitement.followers`."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from doleances.choices import Status
from doleances.models import Complaint
from traitement.models import Case, CaseEvent


def public_timeline(complaint: Complaint) -> list[dict]:
    """What a resident may see of the case: its public status changes and messages, oldest
    first; each entry is {at, status, status_label, message}. Internal notes never appear."""
    entries = [
        {
            "at": complaint.received_at,
            "status": Status.NEW.value,
            "status_label": str(Status.NEW.label),
            "message": _("Signalement enregistré sous la référence %(reference)s.")
            % {"reference": complaint.reference},
        }
    ]
    events = CaseEvent.objects.filter(case_id=complaint.pk, is_public=True).order_by("at", "pk")
    for event in events:
        entries.append(
            {
                "at": event.at,
                "status": event.to_status,
                "status_label": str(Status(event.to_status).label),
                "message": event.public_message,
            }
        )
    return entries


def public_case_infos(complaints: Iterable[Complaint]) -> dict[int, dict]:
    """`public_case_info` of many complaints in a few queries, by complaint pk."""
    complaints = list(complaints)
    cases = Case.objects.select_related("desk", "merged_into").in_bulk([c.pk for c in complaints])
    return {c.pk: _public_info(c, cases[c.pk]) for c in complaints}


def public_case_info(complaint: Complaint) -> dict:
    """The public facts of a case for the tracking page and Open311 (no personal data)."""
    return public_case_infos([complaint])[complaint.pk]


def _public_info(complaint: Complaint, case: Case) -> dict:
    return {
        "status": complaint.status,
        "status_label": str(Status(complaint.status).label),
        "desk": case.desk.name if case.desk else "",
        "due_at": case.due_at,
        "answer": case.answer,
        "answered_at": case.answered_at,
        "closing_reason": case.get_closing_reason_display() if case.closing_reason else "",
        "merged_into": case.merged_into.reference if case.merged_into_id else "",
        "updated_at": complaint.updated_at,
    }

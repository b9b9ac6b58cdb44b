"""What residents see and do of a case: follow a complaint instead of filing a duplicate, its
public timeline and public facts (tracking page, Open311). No personal data leaves here."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from doleances.choices import Status
from doleances.models import Complainant, Complaint
from doleances.services import ContactInput, IntakeError
from traitement.choices import EventKind
from traitement.models import Case, CaseEvent
from traitement.notifications import send_to_residents
from traitement.services import case_for


def follow_complaint(complaint: Complaint, contact: ContactInput) -> Complainant:
    """Let a resident follow an existing complaint instead of filing a duplicate.

    They are stored as a follower (personal data apart, like a reporter) and receive the same
    e-mails as the original reporter. Following twice with one address is harmless.
    Raises IntakeError (field "contact" or "email") with a French message.
    """
    if contact is None or contact.is_empty():
        raise IntakeError(
            {
                "contact": [
                    _("Indiquez au moins une adresse électronique pour suivre ce signalement.")
                ]
            }
        )
    email = contact.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise IntakeError({"email": [_("Adresse électronique invalide.")]}) from None
        existing = (
            Complainant.objects.filter(
                complaint=complaint, email__iexact=email, erased_at__isnull=True
            )
            .order_by("pk")
            .first()
        )
        if existing:
            return existing
    with transaction.atomic():
        case = case_for(complaint)
        follower = Complainant.objects.create(
            complaint=complaint,
            name=contact.name.strip()[:150],
            email=email,
            phone=contact.phone.strip()[:30],
            consent_contact=contact.consent_contact,
            is_original_reporter=False,
        )
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.FOLLOWER,
            comment=_("Une personne suit désormais ce signalement."),
        )
        if email:
            send_to_residents(complaint, "follow", {}, addresses=[email])
    return follower


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

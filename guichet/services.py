"""What the resident's counter does around intake: checks, tracking links, e-mails."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import formats, timezone

from doleances.models import Category, Complaint
from doleances.services import ComplaintInput, resolve_locations, validate_input
from traitement.duplicates import find_duplicate_candidates

logger = logging.getLogger(__name__)


def intake_errors(data: ComplaintInput) -> dict[str, list[str]]:
    """The service's errors for an input, without storing anything.

    Used when the form already has field errors, so that the resident sees every problem
    (category, text, place) in one pass instead of discovering them one submission at a time.
    """
    errors = validate_input(data)
    if "location" not in errors:
        where = resolve_locations([data])[0]
        if isinstance(where, str):
            errors["location"] = [where]
    return errors


def send_confirmation_email(complaint: Complaint, email: str, tracking_url: str) -> bool:
    """Send the French acknowledgement; False (logged) when the mail server refuses it.

    The complaint is stored before this is called: a mail failure must not lose it, the page
    then tells the resident to keep the link shown on screen.
    """
    context = {"complaint": complaint, "tracking_url": tracking_url}
    subject = render_to_string("guichet/email/confirmation_subject.txt", context).strip()
    body = render_to_string("guichet/email/confirmation_body.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except OSError:
        logger.exception("confirmation e-mail for %s not sent", complaint.reference)
        return False
    return True


def nearby_reports(category: Category, latitude: float, longitude: float) -> list[dict]:
    """Open complaints of the same family near a point, as the report form shows them.

    Only public facts: no description, address, exact point or personal data, so that the
    list cannot be used to learn more about a case than its reference and stage; and never a
    complaint of a sensitive category (violence, vulnerable people), not even its existence.
    """
    return [
        {
            "reference": complaint.reference,
            "category": complaint.category.label,
            "received_at": complaint.received_at.isoformat(),
            "received_label": formats.date_format(
                timezone.localtime(complaint.received_at), "j F Y"
            ),
            # Rounded: exact distances from a few placed points would locate the complaint.
            "distance_m": round(complaint.distance_m, -1),
            "status_label": complaint.get_status_display(),
        }
        for complaint in find_duplicate_candidates(category, latitude, longitude)
        if not complaint.category.is_sensitive
    ]

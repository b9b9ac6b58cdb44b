"""E-mails to residents: every reporter and follower with an address hears of public changes.

Messages are sent after the transaction commits (nothing is announced that was rolled back),
one message per address so that no resident sees another's address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string

from doleances.models import Complainant, Complaint


def reporter_addresses(complaint: Complaint) -> list[str]:
    """Distinct e-mail addresses of the reporter and followers, personal data not yet erased."""
    rows = (
        Complainant.objects.filter(complaint=complaint, erased_at__isnull=True)
        .exclude(email="")
        .order_by("-is_original_reporter", "pk")
        .values_list("email", flat=True)
    )
    seen, addresses = set(), []
    for email in rows:
        if email.lower() not in seen:
            seen.add(email.lower())
            addresses.append(email)
    return addresses


def send_to_residents(complaint: Complaint, template: str, context: dict, addresses=None) -> None:
    """Render `traitement/emails/<template>_subject.txt` and `_body.txt`, send on commit."""
    recipients = reporter_addresses(complaint) if addresses is None else addresses
    if not recipients:
        return
    context = {
        "complaint": complaint,
        "reference": complaint.reference,
        "tracking_url": complaint.tracking_url(),
        **context,
    }
    subject = " ".join(
        render_to_string(f"traitement/emails/{template}_subject.txt", context).split()
    )
    body = render_to_string(f"traitement/emails/{template}_body.txt", context)

    def send():
        messages = [
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            for address in recipients
        ]
        get_connection().send_messages(messages)

    transaction.on_commit(send)

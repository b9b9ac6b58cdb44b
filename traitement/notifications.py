"""E-mails to residents: every reporter and follower with an address hears of public changes.

Messages are sent after the transaction commits (nothing is announced that was rolled back),
one message per address so that no resident sees another's address, each with the
recipient's own tracking link (a follower never receives the reporter's).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from doleances.models import Complainant, Complaint


def recipients(complaint: Complaint) -> list[Complainant]:
    """Reporters and confirmed followers with an address, personal data not yet erased, one
    per distinct address (a reporter first)."""
    people = (
        Complainant.objects.filter(complaint=complaint, erased_at__isnull=True)
        .filter(Q(is_original_reporter=True) | ~Q(tracking_nonce=""))
        .exclude(email="")
        .order_by("-is_original_reporter", "pk")
    )
    seen, found = set(), []
    for person in people:
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            found.append(person)
    return found


def send_to_residents(
    complaint: Complaint,
    template: str,
    context: dict,
    only: Complainant | None = None,
    with_link: bool = True,
) -> None:
    """Render `traitement/emails/<template>_subject.txt` and `_body.txt` for each recipient
    (each with their own tracking link), send on commit. `only`: that one person."""
    people = [only] if only is not None else recipients(complaint)
    if not people:
        return
    messages = []
    for person in people:
        personal = {
            "complaint": complaint,
            "reference": complaint.reference,
            "tracking_url": person.tracking_url() if with_link else "",
            **context,
        }
        subject = " ".join(
            render_to_string(f"traitement/emails/{template}_subject.txt", personal).split()
        )
        body = render_to_string(f"traitement/emails/{template}_body.txt", personal)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]))

    transaction.on_commit(lambda: get_connection().send_messages(messages))

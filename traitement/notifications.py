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

PUBLIC_URL_SETTING = "CPPS_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def public_url(path: str) -> str:
    base = getattr(settings, PUBLIC_URL_SETTING, DEFAULT_PUBLIC_URL).rstrip("/")
    return f"{base}{path}"


def tracking_url(complaint: Complaint, person: Complainant | None = None) -> str:
    """The private tracking page (rendered by the guichet app): the complaint's own link for
    its reporters, a follower's own link for a follower — never the reporter's."""
    if person is not None and not person.is_original_reporter:
        token = person.tracking_token
    else:
        token = complaint.tracking_token
    return public_url(f"/suivi/{complaint.reference}/{token}/")


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
            "tracking_url": tracking_url(complaint, person) if with_link else "",
            **context,
        }
        subject = " ".join(
            render_to_string(f"traitement/emails/{template}_subject.txt", personal).split()
        )
        body = render_to_string(f"traitement/emails/{template}_body.txt", personal)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]))

    transaction.on_commit(lambda: get_connection().send_messages(messages))

"""E-mail that is never lost: Django's e-mail API, queued in the database and delivered by the
worker.

`EMAIL_BACKEND` is `QueuedEmailBackend`: `send_mail()` and `send_messages()` anywhere in cpps
store each message as an `OutgoingMail` row in the current transaction (a rolled-back
decision sends nothing) and enqueue its delivery once the transaction commits. The worker
hands it to the real transport (`CPPS_EMAIL_BACKEND`: console, SMTP…); when the mail server
refuses or is down, the row stays, with a delay doubling from `CPPS_EMAIL_RETRY_SECONDS` up to
an hour, and the scheduled task `deliver_due_mail` tries again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from operations.models import OutgoingMail

logger = logging.getLogger(__name__)

#: A delivery claims its rows for this long: another worker does not send them meanwhile.
CLAIM = timedelta(minutes=5)
MAX_DELAY = timedelta(hours=1)


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        rows = []
        for message in email_messages:
            if message.attachments or getattr(message, "alternatives", None):
                raise ValueError("QueuedEmailBackend: pièces jointes non prises en charge")
            rows.append(
                OutgoingMail(
                    subject=message.subject[:300],
                    body=message.body,
                    from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                    to=list(message.to),
                    cc=list(message.cc),
                    bcc=list(message.bcc),
                    reply_to=list(message.reply_to),
                    headers=dict(message.extra_headers),
                )
            )
        if not rows:
            return 0
        with transaction.atomic():
            created = OutgoingMail.objects.bulk_create(rows)
            ids = [row.pk for row in created]  # SQLite ≥ 3.35 and PostgreSQL return them
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
        return len(rows)


def _enqueue(ids: list[int]) -> None:
    from operations.tasks import deliver_mail

    deliver_mail.enqueue(ids)


def _message(row: OutgoingMail) -> EmailMessage:
    return EmailMessage(
        row.subject,
        row.body,
        row.from_email,
        row.to,
        bcc=row.bcc,
        cc=row.cc,
        reply_to=row.reply_to,
        headers=row.headers,
    )


def retry_delay(attempts: int) -> timedelta:
    base = timedelta(seconds=float(settings.CPPS_EMAIL_RETRY_SECONDS))
    return min(base * 2 ** max(attempts - 1, 0), MAX_DELAY)


def deliver(ids: list[int] | None = None) -> dict:
    """Send the given pending messages (all due ones when `ids` is None) through the real
    transport; returns `{"sent": n, "failed": n}`."""
    now = timezone.now()
    due = OutgoingMail.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    sent = failed = 0
    connection = None
    for pk in list(due.values_list("pk", flat=True)[:500]):
        claimed = OutgoingMail.objects.filter(
            pk=pk, sent_at__isnull=True, next_attempt_at__lte=now
        ).update(next_attempt_at=now + CLAIM)
        if not claimed:
            continue  # another worker has it
        row = OutgoingMail.objects.get(pk=pk)
        try:
            if connection is None:
                connection = get_connection(settings.CPPS_EMAIL_TRANSPORT, fail_silently=False)
            connection.send_messages([_message(row)])
        except Exception as exc:  # any transport failure: keep the row, try again later
            attempts = row.attempts + 1
            OutgoingMail.objects.filter(pk=pk).update(
                attempts=attempts,
                next_attempt_at=timezone.now() + retry_delay(attempts),
                # The class only: a server's message may quote the addresses.
                last_error=type(exc).__name__,
            )
            logger.warning(
                "mail %s not delivered (%s), attempt %s", pk, type(exc).__name__, attempts
            )
            failed += 1
            connection = None
            continue
        OutgoingMail.objects.filter(pk=pk).update(
            sent_at=timezone.now(), attempts=row.attempts + 1, last_error=""
        )
        sent += 1
    return {"sent": sent, "failed": failed}


def purge_delivered(days: int = 7) -> int:
    """Delivered messages hold addresses: they are kept a week, then deleted."""
    cutoff = timezone.now() - timedelta(days=days)
    return OutgoingMail.objects.filter(sent_at__lt=cutoff).delete()[0]

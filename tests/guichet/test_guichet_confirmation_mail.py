"""The confirmation e-mail never costs the resident their complaint nor an error page.

In production `send_mail` goes to the mail queue (operations.mail): the message is a row
written after the complaint's commit, delivered and retried by the worker. A mail server
that refuses it is then the worker's business; what can fail at filing time is the queue
itself (its write) or, with a transport used directly, the connection.
"""

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError
from django.test import override_settings

from doleances.models import Complaint
from operations.mail import deliver
from operations.models import OutgoingMail
from tests.guichet.test_guichet_report import IN_11E, noise, post_report  # noqa: F401
from traitement.models import Case

REFUSED = "n'a pas pu être envoyé"


class BrokenQueue(BaseEmailBackend):
    """A mail backend whose storage fails, as the queue's write does when the database
    refuses it after the complaint was committed."""

    error = DatabaseError

    def send_messages(self, email_messages):
        raise self.error("mail queue unavailable")


class UnreachableTransport(BrokenQueue):
    error = ConnectionRefusedError  # an OSError, as smtplib raises it


def file_with_email(client, category):
    response = post_report(client, category=category.pk, contact_email="a@example.org", **IN_11E)
    assert response.status_code == 302, response.content.decode()[:500]
    complaint = Complaint.objects.get()
    assert Case.objects.filter(pk=complaint.pk).exists()
    return client.get("/signaler/confirmation/")


@override_settings(
    EMAIL_BACKEND="operations.mail.QueuedEmailBackend",
    CPPS_EMAIL_TRANSPORT="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=9,
    EMAIL_TIMEOUT=2,
)
def test_a_refusing_mail_server_leaves_the_message_queued(client, noise):  # noqa: F811
    page = file_with_email(client, noise)
    assert page.status_code == 200
    assert REFUSED not in page.content.decode()  # handed to the queue: it will be sent
    assert deliver() == {"sent": 0, "failed": 1}
    queued = OutgoingMail.objects.get()
    assert queued.to == ["a@example.org"] and queued.sent_at is None
    assert (queued.attempts, queued.last_error) == (1, "ConnectionRefusedError")
    assert Complaint.objects.get().reference in queued.subject


@pytest.mark.parametrize("backend", [BrokenQueue, UnreachableTransport])
def test_a_mail_failure_keeps_the_complaint_and_says_so(client, noise, backend):  # noqa: F811
    with override_settings(EMAIL_BACKEND=f"{__name__}.{backend.__name__}"):
        page = file_with_email(client, noise)
    assert page.status_code == 200
    html = page.content.decode()
    assert REFUSED in html and Complaint.objects.get().reference in html

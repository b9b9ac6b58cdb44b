"""Recognising a retry: the same key for the same request answers the complaint it filed.

Clients retry when an answer is lost (timeout, dropped connection, 503). A retry carries the
same key — the web form's one-time token, the `Idempotency-Key` header of the REST API and
Open311, or for Open311 clients that send none, the fingerprint of the request itself — and
`file_complaint` answers with the complaint already filed instead of a second one. The key is
written in the transaction that stores the complaint, so it exists exactly when the complaint
does. The same key sent with a different request is refused: it is a client's bug.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from doleances.models import Complaint, IntakeKey

KEY_MAX_LENGTH = 255
IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"
_PRINTABLE_ASCII = re.compile(r"^[!-~]{1,255}$")


class RetryConflict(Exception):
    """The key was already used for another request; the message is French."""


@dataclass(frozen=True)
class RetryKey:
    scope: str  # channel and client: keys of different clients never meet
    key: str
    fingerprint: str
    window: timedelta


def fingerprint(*parts) -> str:
    """A digest of what makes two requests the same request."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def earlier_answer(retry: RetryKey) -> Complaint | None:
    """The complaint filed with this key within its window, or None. Raises RetryConflict
    when the key came with another request."""
    scope, key = retry.scope[:100], retry.key[:KEY_MAX_LENGTH]
    # Asked on every Open311 filing and nearly always answered "none": the unique key's
    # lookup as a statement of our own; the ORM's (compiling a query of the key's and the
    # complaint's columns) was ~0.3 ms of a filing's CPU. The key is read when found.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {IntakeKey._meta.db_table} "  # noqa: S608 (the model's table)
            f"WHERE scope = %s AND {connection.ops.quote_name('key')} = %s",
            [scope, key],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    row = IntakeKey.objects.select_related("complaint").get(pk=found[0])
    if row.created_at < timezone.now() - retry.window:
        row.delete()  # expired: the key may be used afresh
        return None
    if row.fingerprint != retry.fingerprint:
        raise RetryConflict(
            _(
                "Cette clé d'idempotence a déjà servi pour une autre requête : "
                "utilisez une clé nouvelle pour chaque signalement."
            )
        )
    return row.complaint


def key_row(retry: RetryKey) -> dict:
    """The IntakeKey row of `retry`, without its complaint: written in the statement that
    stores the complaint (`doleances.services.file_complaint`)."""
    return {
        "scope": retry.scope[:100],
        "key": retry.key[:KEY_MAX_LENGTH],
        "fingerprint": retry.fingerprint,
    }


def header_retry_key(request, scope: str, digest: str, window: timedelta) -> RetryKey | None:
    """The retry key of the request's `Idempotency-Key` header, or None. Raises
    RetryConflict when the header is malformed."""
    key = request.META.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not _PRINTABLE_ASCII.match(key):
        raise RetryConflict(
            _("L'en-tête Idempotency-Key attend 1 à 255 caractères ASCII visibles.")
        )
    return RetryKey(scope, key, digest, window)

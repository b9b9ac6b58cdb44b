"""What the resident's counter does around intake: checks, tracking links, e-mails."""

from __future__ import annotations

import logging
from datetime import timedelta

import h3.api.basic_int as h3
from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _lazy

from doleances.idempotency import RetryKey, fingerprint, header_retry_key
from doleances.models import Category, Complaint
from doleances.services import ComplaintInput, resolve_locations, validate_input
from operations.ratelimit import count_request
from traitement.duplicates import find_duplicate_candidates, haversine_m

# Enough candidates that the ten shown are the nearest by generalised distance, whatever the
# exact order: the cut must not depend on the exact points either.
NEARBY_SCAN_LIMIT = 200
NEARBY_SHOWN = 10

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
    """Send the French acknowledgement; False (logged) when it could not be handed over.

    The complaint is stored before this is called: a mail failure must not lose it nor turn
    into an error page; the page then tells the resident to keep the link shown on screen.
    With the mail queue (`operations.mail`, the setting) the message is a row written here
    and delivered by the worker, which retries when the mail server refuses: what can fail
    here is that write (DatabaseError); a transport used directly fails with OSError.
    """
    context = {"complaint": complaint, "tracking_url": tracking_url}
    subject = render_to_string("guichet/email/confirmation_subject.txt", context).strip()
    body = render_to_string("guichet/email/confirmation_body.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except (OSError, DatabaseError) as exc:
        # The class only: a server's message may quote the address.
        logger.warning(
            "confirmation e-mail for %s not sent (%s)", complaint.reference, type(exc).__name__
        )
        return False
    return True


# The public list reveals no more of a place than Open311 does (about 100 m): every answer is
# a function of the H3 cells (resolution 10: hexagons 66 m a side, at least 114 m across) of
# the query and of the complaint, never of the exact points — not the distance, not whether
# a complaint is listed, not the order. Distances are then given in bands.
GENERALISATION_RESOLUTION = 10
NEARBY_RADIUS_M = 250
DISTANCE_BANDS = ((100, _lazy("moins de 100 m")), (NEARBY_RADIUS_M, _lazy("100 à 250 m")))


def generalised_point(latitude: float, longitude: float) -> tuple[float, float]:
    """The centre of the resolution-10 H3 cell holding the point."""
    return h3.cell_to_latlng(h3.latlng_to_cell(latitude, longitude, GENERALISATION_RESOLUTION))


def distance_band(metres: float) -> str:
    """« moins de 100 m » or « 100 à 250 m »."""
    return str(
        next(label for limit, label in DISTANCE_BANDS if metres < limit or limit == NEARBY_RADIUS_M)
    )


def nearby_reports(category: Category, latitude: float, longitude: float) -> list[dict]:
    """Open complaints of the same family near a point, as the report form shows them.

    Only public facts: no description, address, exact point or personal data, and never a
    complaint of a sensitive category (violence, vulnerable people), not even its existence.
    Whatever the point asked, a complaint can be placed no better than its H3 cell.
    """
    here = generalised_point(latitude, longitude)
    # A complaint is at most one cell's circumradius from its cell's centre: searching that
    # much farther finds every complaint whose cell centre is within the radius.
    reach = NEARBY_RADIUS_M + 2 * h3.average_hexagon_edge_length(GENERALISATION_RESOLUTION, "m")
    found = []
    for complaint in find_duplicate_candidates(
        category, *here, radius_m=reach, limit=NEARBY_SCAN_LIMIT
    ):
        if complaint.category.is_sensitive:
            continue
        there = generalised_point(complaint.latitude, complaint.longitude)
        metres = haversine_m(*here, *there)
        if metres <= NEARBY_RADIUS_M:
            found.append((round(metres), -complaint.received_at.timestamp(), complaint))
    found.sort(key=lambda item: item[:2])
    return [
        {
            "reference": complaint.reference,
            "category": complaint.category.label,
            "received_at": complaint.received_at.isoformat(),
            "received_label": formats.date_format(
                timezone.localtime(complaint.received_at), "j F Y"
            ),
            "distance_label": distance_band(metres),
            "status_label": complaint.get_status_display(),
        }
        for metres, _received, complaint in found[:NEARBY_SHOWN]
    ]


def client_over_rate(request, scope: str, per_minute: int) -> bool:
    """Count this client's requests to `scope` in the current minute, across every web
    process (operations.ratelimit); True once over `per_minute`. The client is its address
    (REMOTE_ADDR, as the audit)."""
    return count_request(f"{scope}:{request.META.get('REMOTE_ADDR', '')}") > per_minute


IDEMPOTENCY_WINDOW = timedelta(hours=24)


def request_fingerprint(request) -> str:
    """What makes two deliveries the same request: its fields (files by name and size)."""
    data = getattr(request, "data", None)  # a DRF request: JSON or form
    if data is None:
        data = request.POST
    fields = dict(data.lists()) if hasattr(data, "lists") else dict(data or {})
    files = sorted((name, f.name, f.size) for name, f in request.FILES.items())
    fields = {k: v for k, v in fields.items() if k not in request.FILES}
    return fingerprint(fields, files)


def retry_key(request, scope: str) -> RetryKey | None:
    """The retry key of the request's `Idempotency-Key` header, or None."""
    return header_retry_key(request, scope, request_fingerprint(request), IDEMPOTENCY_WINDOW)

"""Following a complaint someone else filed: each follower gets a tracking link of their own.

A follower first proves their address: asking to follow stores them unconfirmed and e-mails a
confirmation link (signed, valid CONFIRM_MAX_AGE). Only once they confirm do they get their
own tracking link (never the reporter's), and the case's news; the link's "stop following"
revokes it and erases their address. Nothing in an answer to the request carries a link, so
that following a complaint cannot be used to obtain anyone's access to it.
"""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doleances.models import Complainant, Complaint
from doleances.models.complaint import EMAIL_MAX_LENGTH, absolute_url, email_too_long_message
from doleances.services import ContactInput, IntakeError
from traitement.choices import EventKind
from traitement.models import CaseEvent
from traitement.notifications import send_to_residents

CONFIRM_SALT = "cpps.traitement.follow-confirmation"
CONFIRM_MAX_AGE = 3 * 24 * 3600


def _clean_email(contact: ContactInput | None) -> str:
    email = (contact.email if contact else "").strip()
    if not email:
        raise IntakeError(
            {"contact": [_("Indiquez une adresse électronique pour suivre ce signalement.")]}
        )
    if len(email) > EMAIL_MAX_LENGTH:
        raise IntakeError({"email": [email_too_long_message()]})
    try:
        validate_email(email)
    except ValidationError:
        raise IntakeError({"email": [_("Adresse électronique invalide.")]}) from None
    return email


def confirmation_url(follower: Complainant) -> str:
    token = signing.dumps(follower.pk, salt=CONFIRM_SALT, compress=True)
    # Named, not imported: the confirmation page belongs to the public counter above.
    return absolute_url(reverse("guichet:confirm-follow", args=[token]))


def follower_from_confirmation(token: str) -> Complainant | None:
    """The unexpired, not erased follower a confirmation link designates, or None."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Complainant.objects.select_related("complaint__category")
        .filter(pk=pk, is_original_reporter=False, erased_at__isnull=True)
        .first()
    )


def follow_complaint(complaint: Complaint, contact: ContactInput) -> Complainant:
    """Ask to follow `complaint`: an unconfirmed follower and a confirmation e-mail.

    Asking again with the same address sends the confirmation again (until confirmed) and
    never creates a second follower. Raises IntakeError (field "contact" or "email").
    """
    email = _clean_email(contact)
    with transaction.atomic():
        follower = (
            Complainant.objects.filter(
                complaint=complaint, email__iexact=email, erased_at__isnull=True
            )
            .order_by("pk")
            .first()
        )
        if follower is None:
            follower = Complainant.objects.create(
                complaint=complaint,
                name=(contact.name or "").strip()[:150],
                email=email,
                phone=(contact.phone or "").strip()[:30],
                consent_contact=contact.consent_contact,
                is_original_reporter=False,
            )
        if not follower.is_original_reporter and follower.confirmed_at is None:
            send_to_residents(
                complaint,
                "follow_confirm",
                {"confirmation_url": confirmation_url(follower)},
                only=follower,
                with_link=False,
            )
    return follower


@transaction.atomic
def confirm_follow(follower: Complainant) -> Complainant:
    """The address is proven: the follower's own link, sent to them, and a case event."""
    follower = Complainant.objects.select_for_update().get(pk=follower.pk)
    if follower.confirmed_at is not None:
        return follower
    follower.confirmed_at = timezone.now()
    follower.tracking_nonce = secrets.token_hex(16)
    follower.save(update_fields=["confirmed_at", "tracking_nonce"])
    CaseEvent.objects.create(
        case_id=follower.complaint_id,
        kind=EventKind.FOLLOWER,
        comment=_("Une personne suit désormais ce signalement."),
    )
    send_to_residents(follower.complaint, "follow", {}, only=follower)
    return follower


def follower_for_token(complaint: Complaint, token: str) -> Complainant | None:
    """The confirmed follower whose own link carries `token`, or None."""
    for follower in Complainant.objects.filter(
        complaint=complaint, is_original_reporter=False, erased_at__isnull=True
    ).exclude(tracking_nonce=""):
        if follower.check_tracking_token(token):
            return follower
    return None


def stop_following(follower: Complainant) -> None:
    """Revoke the follower's link and erase their personal data."""
    Complainant.objects.filter(pk=follower.pk).update(
        name="",
        email="",
        phone="",
        consent_contact=False,
        tracking_nonce="",
        erased_at=timezone.now(),
    )

"""Alert subscriptions: the weekly e-mail digest of a sector's alerts.

A CSPA coordinator (or anyone allowed to see the sector's dashboard) switches the digest on
from the sector page; `cpps alert_digest`, run weekly, mails each active subscriber the
alerts of the last complete week in their sector. A subscriber who lost access to the
sector (new role or sector) receives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import can_see_observatory
from observatoire import services
from observatoire.models import AlertSubscription
from prevention.digest import tensions_turned_active
from territory.models import Sector


def is_subscribed(user, sector: Sector) -> bool:
    return AlertSubscription.objects.filter(user=user, sector=sector, active=True).exists()


def set_subscription(user, sector: Sector, active: bool) -> AlertSubscription:
    """Switch `user`'s digest for `sector` on or off; only for users who see that sector."""
    if not can_see_observatory(user, sector):
        raise PermissionDenied
    subscription, _created = AlertSubscription.objects.update_or_create(
        user=user, sector=sector, defaults={"active": active}
    )
    return subscription


@dataclass
class DigestReport:
    """What a digest run did: (address, sector code, alert count) per message."""

    sent: list[tuple[str, str, int]] = field(default_factory=list)
    without_alert: int = 0
    without_address: int = 0
    without_access: int = 0


def _sector_url(sector: Sector) -> str:
    base = settings.CPPS_PUBLIC_URL.rstrip("/")
    return base + reverse("observatoire:sector", args=(sector.code,))


def digest_message(user, sector: Sector, alerts: list[dict], tensions=(), week=None):
    """The French e-mail listing `alerts` (rows of `services.alerts`) and the pairs of
    territories that turned active (`prevention.digest`) for `sector`."""
    context = {
        "user": user,
        "sector": sector,
        "alerts": alerts,
        "tensions": tensions,
        "count": len(alerts) + len(tensions),
        "week": alerts[0]["week"] if alerts else week,
        "url": _sector_url(sector),
    }
    subject = " ".join(render_to_string("observatoire/email/digest_subject.txt", context).split())
    body = render_to_string("observatoire/email/digest_body.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def send_digests(as_of: date | None = None, *, dry_run: bool = False) -> DigestReport:
    """Mail each active subscriber the alerts of their sector for the last complete week
    before `as_of` (today by default). Nothing is sent for a week without alert. With
    `dry_run`, messages are built and counted but not sent."""
    report = DigestReport()
    by_sector: dict[int, list[dict]] = {}
    tensions_by_sector: dict[int, list[dict]] = {}
    day = as_of or timezone.localdate()
    week = day - timedelta(days=day.weekday(), weeks=1)  # Monday of the last complete week
    messages = []
    subscriptions = AlertSubscription.objects.filter(active=True, user__is_active=True)
    for subscription in subscriptions.select_related("user", "sector").order_by("sector__order"):
        user, sector = subscription.user, subscription.sector
        if not can_see_observatory(user, sector):
            report.without_access += 1
            continue
        if not user.email:
            report.without_address += 1
            continue
        if sector.pk not in by_sector:
            by_sector[sector.pk] = [
                row
                for row in services.alerts(as_of, sectors=(sector.code,))
                if row["sector"] == sector.code
            ]
        if sector.pk not in tensions_by_sector:
            tensions_by_sector[sector.pk] = tensions_turned_active(sector, week)
        alerts, tensions = by_sector[sector.pk], tensions_by_sector[sector.pk]
        if not alerts and not tensions:
            report.without_alert += 1
            continue
        messages.append(digest_message(user, sector, alerts, tensions, week))
        report.sent.append((user.email, sector.code, len(alerts) + len(tensions)))
    if messages and not dry_run:
        get_connection().send_messages(messages)
    return report

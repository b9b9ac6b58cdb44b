"""The alert loop: raise, notify the partners the rules name, acknowledge with the actions
taken, close with an outcome or expire at the horizon; and its figures."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.permissions import role_of
from doleances.models.complaint import absolute_url
from prevention.choices import AlertOutcome
from prevention.models import Acknowledgement, Alert, AlertRule, ResponseActionTaken
from prevention.scope import arrondissement_scope, partner_of, visible_alerts
from prevention.territories import arrondissements_of

ACK_TARGET = timedelta(hours=2)


def _recipients(territories, raised_by) -> list:
    arrondissements = set().union(*arrondissements_of([t.pk for t in territories]).values())
    rules = AlertRule.objects.filter(is_active=True).filter(
        Q(arrondissement__isnull=True) | Q(arrondissement__in=arrondissements)
    )
    partner_ids = set(rules.values_list("partner_id", flat=True)) - {raised_by.pk}
    return sorted(partner_ids)


def _addresses(alert: Alert, arrondissements: set[int]) -> list[str]:
    """E-mail of each active prevention partner of a recipient partner whose territory
    touches the alert (or who works on all of Paris)."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            profile__role=Role.PREVENTION_PARTNER,
            profile__partner__in=alert.recipients.all(),
        )
        .exclude(email="")
        .prefetch_related("profile__arrondissements")
    )
    addresses = []
    for user in users:
        own = {a.pk for a in user.profile.arrondissements.all()}
        if not own or own & arrondissements:
            addresses.append(user.email)
    return sorted(set(addresses))


def _notify(alert: Alert) -> None:
    arrondissements = set().union(
        *arrondissements_of(list(alert.territories.values_list("pk", flat=True))).values()
    )
    addresses = _addresses(alert, arrondissements)
    if not addresses:
        return
    context = {
        "alert": alert,
        "territories": list(alert.territories.all()),
        "url": absolute_url(reverse("prevention:alert", args=(alert.pk,))),
    }
    subject = " ".join(render_to_string("prevention/email/alert_subject.txt", context).split())
    body = render_to_string("prevention/email/alert_body.txt", context)
    # One message per address: no partner sees who else was told.
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses
    ]
    transaction.on_commit(lambda: get_connection().send_messages(messages))


def acting_partner(user, partner=None):
    """The partner a user acts for: their own; an administrator names one."""
    if role_of(user) == Role.ADMINISTRATOR and partner is not None:
        return partner
    own = partner_of(user)
    if own is None:
        raise PermissionDenied(_("Votre compte n'est rattaché à aucun partenaire."))
    return own


@transaction.atomic
def raise_alert(user, partner, territories, level: str, horizon_hours: int, now=None) -> Alert:
    scope = arrondissement_scope(user)
    if scope is not None:
        touched = set().union(*arrondissements_of([t.pk for t in territories]).values())
        if not touched & scope:
            raise PermissionDenied(_("Ces territoires ne sont pas dans votre secteur."))
    now = now or timezone.now()
    alert = Alert.objects.create(
        level=level,
        horizon_hours=horizon_hours,
        raised_by=partner,
        raised_at=now,
        expires_at=now + timedelta(hours=horizon_hours),
    )
    alert.territories.set(territories)
    alert.recipients.set(_recipients(territories, partner))
    _notify(alert)
    return alert


def _check_can_act(user, alert: Alert, partner) -> None:
    if not visible_alerts(user, Alert.objects.filter(pk=alert.pk)).exists():
        raise PermissionDenied
    if role_of(user) == Role.ADMINISTRATOR:
        return
    involved = alert.raised_by_id == partner.pk or alert.recipients.filter(pk=partner.pk).exists()
    if not involved:
        raise PermissionDenied(_("Votre partenaire n'est pas destinataire de cette alerte."))


@transaction.atomic
def acknowledge(user, alert: Alert, actions=(), partner=None, now=None) -> Acknowledgement:
    """`user`'s partner acknowledges `alert` (once; later calls add actions)."""
    partner = acting_partner(user, partner)
    _check_can_act(user, alert, partner)
    if not alert.recipients.filter(pk=partner.pk).exists():
        raise PermissionDenied(_("Votre partenaire n'est pas destinataire de cette alerte."))
    now = now or timezone.now()
    ack, _created = Acknowledgement.objects.get_or_create(
        alert=alert, partner=partner, defaults={"at": now}
    )
    for action in actions:
        ResponseActionTaken.objects.get_or_create(
            acknowledgement=ack, action=action, defaults={"at": now}
        )
    return ack


@transaction.atomic
def close_alert(user, alert: Alert, outcome: str, partner=None, now=None) -> Alert:
    partner = acting_partner(user, partner)
    _check_can_act(user, alert, partner)
    if not alert.is_open:
        raise PermissionDenied(_("Cette alerte est déjà close."))
    alert.outcome = outcome
    alert.closed_at = now or timezone.now()
    alert.save(update_fields=["outcome", "closed_at"])
    return alert


def expire_due(now: datetime | None = None) -> int:
    """Open alerts past their horizon end as expired; returns how many."""
    now = now or timezone.now()
    due = list(Alert.objects.filter(outcome="", expires_at__lte=now))
    for alert in due:
        alert.outcome = AlertOutcome.EXPIRED
        alert.closed_at = alert.expires_at
    Alert.objects.bulk_update(due, ["outcome", "closed_at"])
    return len(due)


@dataclass
class LoopFigures:
    alerts: int
    acknowledged: int
    median_minutes_to_ack: float | None
    share_within_2h: float | None
    outcomes: dict[str, int]


def _plain(alerts):
    """The same alerts without the joins and DISTINCT of a scoped queryset, so that values
    and aggregates count each alert once."""
    return Alert.objects.filter(pk__in=alerts.values("pk")).order_by()


def first_ack_delays(alerts) -> list[float]:
    """Minutes from raising to the first acknowledgement, per acknowledged alert."""
    rows = (
        _plain(alerts)
        .annotate(first_ack=Min("acknowledgements__at"))
        .values_list("raised_at", "first_ack")
    )
    return [(ack - raised).total_seconds() / 60 for raised, ack in rows if ack is not None]


def loop_figures(alerts) -> LoopFigures:
    delays = first_ack_delays(alerts)
    alerts = _plain(alerts)
    total = alerts.count()
    outcomes = {code: 0 for code, _label in AlertOutcome.choices}
    for outcome in alerts.values_list("outcome", flat=True):
        outcomes[outcome] += 1
    within = sum(1 for d in delays if d <= ACK_TARGET.total_seconds() / 60)
    return LoopFigures(
        alerts=total,
        acknowledged=len(delays),
        median_minutes_to_ack=round(statistics.median(delays), 1) if delays else None,
        share_within_2h=round(within / total * 100, 1) if total else None,
        outcomes=outcomes,
    )

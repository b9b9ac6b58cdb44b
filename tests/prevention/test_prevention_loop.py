"""The alert loop: raise → recipients by rules → acknowledgements with actions → outcome or
expiry; its figures; the contract indicators computed from it; who sees which alert."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Partner
from contrat.computed import ensure_computed_values_fresh
from contrat.models import Indicator, IndicatorValue
from prevention import loop
from prevention.models import Alert, AlertRule, GroupTerritory
from tests.prevention.conftest import q

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(make_user):
    return make_user(
        Role.PREVENTION_PARTNER,
        partner="police-municipale",
        arrondissements=[18],
        email="pm18@example.org",
    )


@pytest.fixture
def school(make_user):
    return make_user(Role.PREVENTION_PARTNER, partner="academie-paris", email="ecoles@example.org")


def _raise(user, codes=None, now=None):
    territories = GroupTerritory.objects.filter(code__in=codes or [q(18), q(19)])
    partner = Partner.objects.get(pk=user.profile.partner_id)
    return loop.raise_alert(user, partner, territories, "elevee", 48, now=now)


def test_recipients_come_from_the_rules_and_are_mailed(
    territories, mediator18, police, school, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    AlertRule.objects.filter(partner__code="ville-paris").delete()
    with django_capture_on_commit_callbacks(execute=True):
        alert = _raise(mediator18)
    assert set(alert.recipients.values_list("code", flat=True)) == {
        "prefecture-police",
        "police-municipale",
        "academie-paris",
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["ecoles@example.org", "pm18@example.org"]
    assert "Alerte rixe" in mail.outbox[0].subject
    assert alert.expires_at - alert.raised_at == timedelta(hours=48)


def test_a_rule_for_one_arrondissement_only(territories, mediator18):
    AlertRule.objects.create(partner=Partner.objects.get(code="gpis"), arrondissement_id=13)
    assert not _raise(mediator18).recipients.filter(code="gpis").exists()
    assert _raise(mediator18, [q(18), q(13)]).recipients.filter(code="gpis").exists()


def test_acknowledge_close_and_figures(territories, mediator18, police, school):
    now = timezone.now()
    alert = _raise(mediator18, now=now)
    loop.acknowledge(police, alert, ["patrouille"], now=now + timedelta(minutes=30))
    loop.acknowledge(police, alert, ["mediateurs"], now=now + timedelta(minutes=50))
    loop.acknowledge(school, alert, ["etablissements"], now=now + timedelta(hours=3))
    ack = alert.acknowledgements.get(partner__code="police-municipale")
    assert sorted(ack.actions.values_list("action", flat=True)) == ["mediateurs", "patrouille"]
    loop.close_alert(mediator18, alert, "evitee")
    figures = loop.loop_figures(Alert.objects.all())
    assert figures.acknowledged == 1 and figures.median_minutes_to_ack == 30.0
    assert figures.share_within_2h == 100.0
    assert figures.outcomes["evitee"] == 1


def test_a_partner_that_is_not_a_recipient_cannot_acknowledge(territories, mediator18, make_user):
    from django.core.exceptions import PermissionDenied

    outsider = make_user(Role.PREVENTION_PARTNER, partner="gpis", arrondissements=[18])
    alert = _raise(mediator18)
    with pytest.raises(PermissionDenied):
        loop.acknowledge(outsider, alert, [])


def test_open_alerts_expire_at_their_horizon(territories, mediator18):
    now = timezone.now()
    alert = _raise(mediator18, now=now - timedelta(hours=49))
    fresh = _raise(mediator18, now=now)
    assert loop.expire_due(now) == 1
    alert.refresh_from_db()
    fresh.refresh_from_db()
    assert alert.outcome == "expiree" and alert.closed_at == alert.expires_at
    assert fresh.is_open


def test_a_mediator_sees_the_alerts_of_its_territories_and_not_others(
    client, territories, mediator18, mediator13
):
    own = _raise(mediator18)
    other = _raise(mediator13, [q(13), q(14)])
    client.force_login(mediator18)
    listed = client.get(reverse("prevention:alerts")).context["alerts"]
    assert [a.pk for a in listed] == [own.pk]
    assert client.get(reverse("prevention:alert", args=(own.pk,))).status_code == 200
    assert client.get(reverse("prevention:alert", args=(other.pk,))).status_code == 404
    response = client.post(reverse("prevention:alert-close", args=(other.pk,)), {"outcome": "rien"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_open


def test_a_mediator_cannot_raise_an_alert_outside_its_territory(client, territories, mediator13):
    client.force_login(mediator13)
    response = client.post(
        reverse("prevention:alerts"),
        {"territories": [q(18), q(19)], "level": "elevee", "horizon_hours": "48"},
    )
    assert response.status_code == 403
    assert not Alert.objects.exists()


def test_analysts_see_figures_not_alerts(client, territories, make_user, mediator18):
    _raise(mediator18)
    client.force_login(make_user(Role.ANALYST))
    assert client.get(reverse("prevention:alerts")).status_code == 403
    response = client.get(reverse("prevention:figures"))
    assert response.status_code == 200
    assert response.context["loop"].alerts == 1


def test_contract_indicators_follow_the_loop(territories, mediator18, police):
    now = timezone.now()
    year = timezone.localtime(now).year
    alert = _raise(mediator18, now=now)
    loop.acknowledge(police, alert, ["patrouille"], now=now + timedelta(minutes=20))
    # What a steering page does before showing `year`: the loop changed, values follow.
    ensure_computed_values_fresh(year)
    assert not IndicatorValue.objects.filter(indicator__code="rixes-evitees", value__gt=0)
    loop.close_alert(mediator18, alert, "evitee")
    assert ensure_computed_values_fresh(year)
    avoided = Indicator.objects.get(code="rixes-evitees")
    delay = Indicator.objects.get(code="delai-accuse-reception")
    paris = IndicatorValue.objects.get(indicator=avoided, sector=None, period_start__year=year)
    assert paris.value == 1 and paris.is_computed
    sector18 = IndicatorValue.objects.get(
        indicator=avoided, sector__code="paris-18", period_start__year=year
    )
    assert sector18.value == 1
    assert not IndicatorValue.objects.filter(
        indicator=avoided, sector__code="paris-13", period_start__year=year, value__gt=0
    ).exists()
    assert IndicatorValue.objects.get(indicator=delay, sector=None).value == 20.0


def test_figures_count_each_alert_once_within_a_scope(territories, mediator18, police):
    from prevention.scope import visible_alerts

    now = timezone.now()
    for _i in range(2):
        alert = _raise(mediator18, now=now)
        loop.acknowledge(police, alert, [], now=now + timedelta(minutes=10))
        loop.close_alert(mediator18, alert, "rien")
    figures = loop.loop_figures(visible_alerts(mediator18, Alert.objects.all()))
    assert (figures.alerts, figures.acknowledged, figures.outcomes["rien"]) == (2, 2, 2)

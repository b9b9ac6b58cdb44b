"""The tension graph: pair states from events, parameters as data, the map's JSON within
one's scope, Knox near repeats, and the observatory digest of pairs turned active."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from django.core import mail
from django.urls import reverse

from accounts.choices import Role
from observatoire.models import AlertSubscription
from observatoire.subscriptions import send_digests
from prevention.choices import PairState
from prevention.graph import event_pairs, near_repeat, pair_states, recompute_graph
from prevention.models import Event, TensionPair, TensionParameters
from territory.models import Sector
from tests.prevention.conftest import make_event, q

pytestmark = pytest.mark.django_db

D = date(2026, 3, 2)


def state_of(a, b) -> str:
    first, second = sorted((a, b))
    return TensionPair.objects.get(first__code=first, second__code=second).state


def _pair(territories, a, b):
    ta, tb = territories[a], territories[b]
    return (ta, tb) if ta.pk < tb.pk else (tb, ta)


def test_two_events_within_14_days_make_a_pair_active_then_calming_then_latent(territories):
    a, b = q(18), q(19)
    make_event([a, b], D)
    recompute_graph(D)
    first, second = _pair(territories, a, b)
    pair = TensionPair.objects.get(first=first, second=second)
    assert pair.state == PairState.LATENT  # one event: a history, no tension yet
    make_event([a, b], D + timedelta(days=10))
    turned = recompute_graph(D + timedelta(days=10))
    pair.refresh_from_db()
    assert [p.pk for p in turned] == [pair.pk]
    assert pair.state == PairState.ACTIVE and pair.active_since == D + timedelta(days=10)
    # Active while the two events are within the 14-day window ending today.
    assert recompute_graph(D + timedelta(days=13)) == []
    pair.refresh_from_db()
    assert pair.state == PairState.ACTIVE
    recompute_graph(D + timedelta(days=14))
    pair.refresh_from_db()
    assert pair.state == PairState.CALMING
    recompute_graph(D + timedelta(days=13 + 30))
    pair.refresh_from_db()
    assert pair.state == PairState.CALMING
    recompute_graph(D + timedelta(days=14 + 30))
    pair.refresh_from_db()
    assert pair.state == PairState.LATENT


def test_events_further_apart_do_not_activate(territories):
    make_event([q(18), q(19)], D)
    make_event([q(18), q(19)], D + timedelta(days=14))
    assert recompute_graph(D + timedelta(days=14)) == []


def test_parameters_are_data(territories):
    TensionParameters.objects.update(window_days=30, min_events=3)
    for offset in (0, 10, 20):
        make_event([q(18), q(19)], D + timedelta(days=offset))
    recompute_graph(D + timedelta(days=10))
    assert state_of(*(sorted([q(18), q(19)]))) == PairState.LATENT
    recompute_graph(D + timedelta(days=20))
    assert state_of(q(18), q(19)) == PairState.ACTIVE


def test_an_event_of_three_territories_links_each_pair(territories):
    make_event([q(18), q(19), "commune-saint-denis"], D)
    make_event([q(18), q(19), "commune-saint-denis"], D + timedelta(days=1))
    recompute_graph(D + timedelta(days=1))
    assert TensionPair.objects.filter(state=PairState.ACTIVE).count() == 3


def test_kernel_ignores_future_events_and_counts_pairs():
    ev = np.array([1, 1, 2, 2, 3, 3])
    te = np.array([5, 7, 7, 5, 5, 7])
    days = np.array([100, 100, 105, 105, 200, 200])
    first, second, pair_days = event_pairs(ev, te, days)
    assert set(zip(first, second, strict=True)) == {(5, 7)}
    states = pair_states(
        first,
        second,
        pair_days,
        110,
        TensionParameters(window_days=14, min_events=2, calming_days=30),
    )
    assert states.state.tolist() == ["active"] and states.events.tolist() == [2]
    assert states.active_since.tolist() == [105]


def test_map_json_is_scoped(client, territories, make_user):
    make_event([q(18), q(19)], date.today())
    make_event([q(18), q(19)], date.today())
    make_event([q(13), q(14)], date.today(), arrondissement=13)
    make_event([q(13), q(14)], date.today(), arrondissement=13)
    recompute_graph()
    mediator = make_user(Role.PREVENTION_PARTNER, partner="ville-paris", arrondissements=[18])
    client.force_login(mediator)
    edges = client.get(reverse("prevention:graph")).json()["edges"]
    assert [(e["first"], e["second"], e["state"]) for e in edges] == [
        (*sorted([q(18), q(19)], key=lambda c: territories[c].pk), "active")
    ]
    client.force_login(make_user(Role.ANALYST))
    assert client.get(reverse("prevention:graph")).status_code == 403


def test_pair_timeline_lists_the_events_of_the_pair(client, territories, mediator18):
    make_event([q(18), q(19)], D)
    make_event([q(18), q(20)], D)
    client.force_login(mediator18)
    response = client.get(reverse("prevention:pair", args=(q(18), q(19))))
    assert response.status_code == 200
    assert len(response.context["events"]) == 1
    other = client.get(reverse("prevention:pair", args=(q(13), q(14))))
    assert other.status_code == 404


def _rixes_at(points, days, territories):
    import h3

    from accounts.models import Partner
    from territory.services import locate

    partner = Partner.objects.get(code="ville-paris")
    rows = []
    for (lat, lon), day in zip(points, days, strict=True):
        where = locate(lat, lon)
        rows.append(
            Event(
                kind="rixe",
                day=day,
                slot=8,
                quartier_id=where["quartier"]["id"],
                h3_r9=h3.latlng_to_cell(lat, lon, 9),
                size_band="6-15",
                weapon="aucune",
                injured_band="0",
                minors_involved="inconnu",
                near_school=False,
                reporting_partner=partner,
                follow_up="aucune",
            )
        )
    Event.objects.bulk_create(rows)


def test_knox_finds_planted_near_repeats_and_not_shuffled_ones(territories):
    rng = np.random.default_rng(4)
    start = date(2025, 1, 1)
    # 40 clusters: a rixe, then another within 300 m and 5 days.
    centres = np.column_stack([rng.uniform(48.83, 48.89, 40), rng.uniform(2.29, 2.40, 40)])
    points, days = [], []
    for lat, lon in centres:
        first_day = start + timedelta(days=int(rng.integers(0, 700)))
        points += [(lat, lon), (lat + 0.001, lon + 0.001)]
        days += [first_day, first_day + timedelta(days=int(rng.integers(0, 5)))]
    _rixes_at(points, days, territories)
    planted = near_repeat(Event.objects.all(), permutations=199, seed=1)
    assert planted.p[0, 0] <= 0.01 and planted.ratio[0, 0] > 3
    # Same places, days shuffled: no near-repeat left.
    Event.objects.all().delete()
    shuffled = list(rng.permutation(np.array(days, dtype=object)))
    _rixes_at(points, shuffled, territories)
    result = near_repeat(Event.objects.all(), permutations=199, seed=1)
    assert result.p[0, 0] > 0.05


def test_the_sector_digest_announces_pairs_turned_active(territories, make_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coordinator = make_user(Role.CSPA_COORDINATOR, sector="paris-18", email="coord18@example.org")
    other = make_user(Role.CSPA_COORDINATOR, sector="paris-13", email="coord13@example.org")
    for user, code in ((coordinator, "paris-18"), (other, "paris-13")):
        AlertSubscription.objects.create(user=user, sector=Sector.objects.get(code=code))
    monday = date(2026, 3, 2)
    make_event([q(18), q(19)], monday + timedelta(days=1))
    make_event([q(18), q(19)], monday + timedelta(days=3))
    report = send_digests(monday + timedelta(days=7))
    assert [(address, sector) for address, sector, _n in report.sent] == [
        ("coord18@example.org", "paris-18")
    ]
    body = mail.outbox[0].body
    assert "paires de territoires entrées en tension active" in body
    assert "1 alerte cette semaine" in mail.outbox[0].subject
    # The week after, nothing new turned active: no message.
    mail.outbox.clear()
    assert send_digests(monday + timedelta(days=14)).sent == []

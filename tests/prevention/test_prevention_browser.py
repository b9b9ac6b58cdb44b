"""The alert loop in a real browser, on a phone-sized screen: a mediator raises an alert,
two partners acknowledge it with what they did, the mediator records the outcome, and the
contract's « rixes évitées » indicator shows it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from accounts.choices import Role
from prevention.graph import recompute_graph
from prevention.models import Alert
from prevention.territories import ensure_quartier_territories
from tests.conftest import log_in
from tests.prevention.conftest import make_event, q

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_raise_acknowledge_twice_close_and_the_indicator_follows(
    page, live_server, paris_live, make_user
):
    ensure_quartier_territories()
    page.set_viewport_size({"width": 390, "height": 844})
    mediator = make_user(Role.PREVENTION_PARTNER, partner="ville-paris", arrondissements=[18])
    police = make_user(Role.PREVENTION_PARTNER, partner="police-municipale", arrondissements=[18])
    school = make_user(Role.PREVENTION_PARTNER, partner="academie-paris")

    log_in(page, live_server, mediator.username, "/prevention/alertes/")
    expect(page.locator("h1")).to_have_text("Boucle d'alerte")
    page.select_option("#id_territories", [q(18), q(19)])
    page.select_option("#id_level", "elevee")
    page.select_option("#id_horizon_hours", "48")
    page.click("#emettre button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Alerte émise")
    alert = Alert.objects.get()
    alert_url = f"/prevention/alertes/{alert.pk}/"

    for user, action in ((police, "patrouille"), (school, "etablissements")):
        log_in(page, live_server, user.username, alert_url)
        page.check(f"#accuser input[value={action}]")
        page.click("#accuser button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("Accusé de réception enregistré")
    expect(page.locator("#accuses li")).to_have_count(2)
    expect(page.locator("#accuses")).to_contain_text("patrouille de police")

    log_in(page, live_server, mediator.username, alert_url)
    page.select_option("#id_outcome", "evitee")
    page.click("#clore button[type=submit]")
    expect(page.locator("#issue")).to_have_text("rixe évitée")

    page.goto(f"{live_server.url}/contrat/priorites/1.2/")
    expect(page.locator("#indicateur-rixes-evitees .derniere-valeur")).to_have_text("1")


def test_the_map_draws_our_outlines_and_the_pairs_in_tension(
    page, live_server, paris_live, make_user
):
    from datetime import date, timedelta

    from tests.prevention.conftest import make_event

    ensure_quartier_territories()
    make_event([q(18), q(19)], date.today() - timedelta(days=2))
    make_event([q(18), q(19)], date.today() - timedelta(days=1))
    mediator = make_user(Role.PREVENTION_PARTNER, partner="ville-paris", arrondissements=[18])
    log_in(page, live_server, mediator.username, "/prevention/")
    expect(page.locator("h1")).to_contain_text("Prévention des rixes")
    # 80 quartier outlines, one line for the active pair (red) and its two territories.
    expect(page.locator("#carte-tensions path[stroke='#c0392b']")).to_have_count(1)
    expect(page.locator("#carte-tensions .leaflet-overlay-pane path")).to_have_count(83)


def test_the_map_shows_current_pairs_and_latent_ones_only_on_request(
    page, live_server, paris_live, make_user
):
    ensure_quartier_territories()
    today = date.today()
    make_event([q(18), q(19)], today)
    make_event([q(18), q(19)], today - timedelta(days=2))
    make_event([q(18, 1), q(17)], today - timedelta(days=400))
    recompute_graph(today)
    mediator = make_user(Role.PREVENTION_PARTNER, partner="ville-paris", arrondissements=[18])

    log_in(page, live_server, mediator.username, "/prevention/")
    expect(page.locator("#carte-tensions path.paire-active")).to_have_count(1)
    expect(page.locator("#carte-tensions path.paire-latente")).to_have_count(0)
    page.check("#paires-latentes")
    expect(page.locator("#carte-tensions path.paire-latente")).to_have_count(1)
    page.uncheck("#paires-latentes")
    expect(page.locator("#carte-tensions path.paire-latente")).to_have_count(0)

"""The observatory dashboard in a real browser: map, filters reloading map and charts,
the coordinator's scope."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.choices import Role
from observatoire import charts, dashboard, services
from tests.observatoire.conftest import file_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_live(paris_live):
    """Demo complaints in the live server's database and in the store."""
    result = file_demo(count=2_500, seed=5)
    assert len(result.created) > 2_000
    services.refresh(full=True)
    dashboard.clear_cache()


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/comptes/connexion/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "motdepasse-test")
    page.click("main button[type=submit]")
    expect(page.locator("main h1")).not_to_have_text("Espace partenaires")


def wait_for_map(page, quartiers: int):
    expect(page.locator("#carte path.quartier")).to_have_count(quartiers)
    expect(page.locator("#carte[data-ready]")).to_be_attached()


def fills(page) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('#carte path.quartier')]"
        ".map(p => [[...p.classList].find(c => c.startsWith('q-')), p.getAttribute('fill')]))"
    )


def test_filters_reload_the_map_and_the_charts(page, live_server, demo_live, make_user):
    log_in(page, live_server, make_user(Role.ANALYST))
    page.goto(f"{live_server.url}/observatoire/")
    expect(page.locator("main h1")).to_contain_text("Observatoire de la tranquillité publique")
    wait_for_map(page, 80)
    before = fills(page)
    assert len(set(before.values())) >= 4  # a choropleth, not a flat map
    total = page.locator("#chiffre-total dd").inner_text()
    bars = page.locator("#arrondissements svg rect.bar").count()
    assert bars == 20
    # The slow section arrives after the page.
    expect(page.locator("#points-chauds-emergents h2")).to_be_visible()
    expect(page.locator("#points-chauds-emergents.obs-lazy")).to_have_count(0)

    page.locator("summary", has_text="Catégories, territoires").click()
    page.select_option("#filtre-arrondissement", ["18"])
    expect(page.locator("#chiffre-total dd")).not_to_have_text(total)
    expect(page.locator("#etat-filtres")).to_have_text("Tableau de bord mis à jour.")
    after = fills(page)
    # Outside the 18th, quartiers have no complaint left: the empty colour.
    assert after["q-7510504"] == charts.MAP_SEQUENTIAL[0] != before["q-7510504"]
    assert after != before
    assert page.locator("#arrondissements svg rect.bar").count() == 1
    assert "arrondissement=18" in page.url
    # The URL is shareable: opening it shows the same view.
    page.goto(page.url)
    wait_for_map(page, 80)
    assert fills(page) == after
    expect(page.locator("#filtre-arrondissement option[value='18']")).to_have_js_property(
        "selected", True
    )

    # Density instead of counts: the same classes scheme, other colours.
    page.check("input[name=mode-carte][value=densite]")
    assert "carte=densite" in page.url
    expect(page.locator("#legende-carte")).to_contain_text("Doléances par km²")


def test_coordinator_sees_their_sector_only(page, live_server, demo_live, make_user):
    log_in(page, live_server, make_user(Role.CSPA_COORDINATOR, sector="paris-18"))
    page.goto(f"{live_server.url}/observatoire/secteurs/paris-18/")
    expect(page.locator("#lieu")).to_have_text("Paris 18e")
    wait_for_map(page, 80)
    coloured = [q for q, fill in fills(page).items() if fill != charts.MAP_SEQUENTIAL[0]]
    assert sorted(coloured) == ["q-7511801", "q-7511802", "q-7511803", "q-7511804"]

    response = page.goto(f"{live_server.url}/observatoire/secteurs/paris-5/")
    assert response.status == 403
    expect(page.locator("main h1")).to_have_text("Accès refusé")
    response = page.goto(f"{live_server.url}/observatoire/")
    assert response.status == 403
    expect(page.locator("main h1")).to_have_text("Accès refusé")


def test_subscribe_from_the_sector_page(page, live_server, demo_live, make_user):
    log_in(page, live_server, make_user(Role.CSPA_COORDINATOR, sector="paris-18"))
    page.goto(f"{live_server.url}/observatoire/secteurs/paris-18/")
    page.click("#abonnement")
    expect(page.locator(".messages")).to_contain_text("Vous recevrez chaque semaine")
    expect(page.locator("#abonnement")).to_have_text("Ne plus recevoir les alertes")

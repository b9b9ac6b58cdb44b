"""A pilot in a real browser: overview → priority → enter a value → status and chart update."""

from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.choices import Role
from contrat.models import IndicatorValue
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_entering_a_value_updates_the_status_and_the_chart(
    page, live_server, paris_live, make_user, make_indicator
):
    year = min(max(date.today().year, 2023), 2026)  # the overview's default year
    make_user(Role.CONTRACT_PILOT, username="pilote-navigateur")
    indicator = make_indicator(
        "reunions-veille",
        priority="1.2",
        name="Réunions des cellules de veille rixes",
        by_sector=False,
        targets={year - 1: 40, year: 40},
    )
    IndicatorValue.objects.create(indicator=indicator, period_start=date(year - 1, 1, 1), value=30)

    log_in(page, live_server, "pilote-navigateur", "/contrat/")
    expect(page.locator("h1")).to_have_text(f"Pilotage du contrat — Paris, {year}")
    expect(page.locator("#etat-1-2")).to_have_text("En retard")  # 30 against last year's 40
    page.get_by_role("link", name="Prévenir et lutter contre les rixes").click()

    expect(page.locator("h1")).to_have_text("1.2 — Prévenir et lutter contre les rixes")
    expect(page.locator("#etat-priorite")).to_have_text("En retard")
    chart = page.get_by_role("img", name="Réunions des cellules de veille rixes — Paris")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.value")).to_have_count(1)
    page.click("#saisir-reunions-veille")

    expect(page.locator("h1")).to_have_text("Saisir une valeur")
    expect(page.get_by_label("Période")).to_have_value(f"{year}-01-01")
    page.get_by_label("Valeur", exact=True).fill("42")  # meetings: a whole number
    page.get_by_label("Source de la valeur").fill("Compte rendu du comité")
    page.click("#enregistrer")

    expect(page.locator(".messages")).to_contain_text("La valeur est enregistrée.")
    expect(page.locator("#etat-priorite")).to_have_text("Dans les temps")
    expect(page.locator("#etat-reunions-veille")).to_have_text("Dans les temps")
    expect(page.locator("#indicateur-reunions-veille .derniere-valeur")).to_have_text("42")
    expect(chart.locator("circle.value")).to_have_count(2)

    page.get_by_role("link", name="← Tout le contrat parisien").click()
    expect(page.locator("#etat-1-2")).to_have_text("Dans les temps")
    assert IndicatorValue.objects.get(period_start__year=year).entered_by.username == (
        "pilote-navigateur"
    )


def test_keyboard_only_and_a_wrong_value(page, live_server, paris_live, make_user, make_indicator):
    make_user(Role.CSPA_COORDINATOR, sector="paris-18", username="coordination-18")
    make_indicator("reunions-veille", priority="1.2", name="Réunions de veille")
    log_in(page, live_server, "coordination-18", "/contrat/")
    page.goto(f"{live_server.url}/contrat/indicateurs/reunions-veille/saisir/")
    expect(page.get_by_label("Territoire")).to_have_value("paris-18")  # the only choice
    page.get_by_label("Valeur", exact=True).focus()
    page.keyboard.type("beaucoup")
    page.keyboard.press("Enter")
    expect(page.locator("#erreurs")).to_contain_text("Valeur : Saisissez un nombre.")
    assert not IndicatorValue.objects.filter(indicator__code="reunions-veille").exists()

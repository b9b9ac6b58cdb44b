"""The finder in Chromium: quick exit (button and Esc) without a history entry, a phone
screen of 390 px, keyboard only, and nothing requested from another site."""

from urllib.parse import urlparse

import pytest
from django.test import override_settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEUTRAL = "https://neutre.example/"


@pytest.fixture
def finder(paris_live, live_server, page):
    """The finder opened after the home page; requests to other sites are recorded and
    answered by a stub (this machine is offline)."""
    hosts = []

    def stub(route):
        hosts.append(urlparse(route.request.url).netloc)
        route.fulfill(status=200, content_type="text/html", body="<p>Météo</p>")

    page.route(lambda url: not url.startswith(live_server.url), stub)
    with override_settings(CPPS_VICTIMES_SORTIE_URL=NEUTRAL):
        page.goto(f"{live_server.url}/")
        page.goto(f"{live_server.url}/aide-aux-victimes/")
        yield page, live_server, hosts


def assert_left_without_history(page, live_server, length_before):
    page.wait_for_url(NEUTRAL)
    assert page.evaluate("history.length") == length_before
    page.go_back()
    page.wait_for_load_state()
    assert "aide-aux-victimes" not in page.url
    assert page.url.rstrip("/") == live_server.url


def test_quick_exit_button_replaces_the_page(finder):
    page, live_server, _hosts = finder
    length = page.evaluate("history.length")
    page.get_by_role("link", name="Quitter ce site").click()
    assert_left_without_history(page, live_server, length)


def test_escape_key_replaces_the_page(finder):
    page, live_server, _hosts = finder
    length = page.evaluate("history.length")
    page.keyboard.press("Escape")
    assert_left_without_history(page, live_server, length)


def test_phone_and_keyboard_only_and_nothing_from_other_sites(finder):
    page, live_server, hosts = finder
    page.set_viewport_size({"width": 390, "height": 844})
    situation = page.get_by_label("Violences conjugales")
    situation.focus()
    page.keyboard.press("Space")
    expect(situation).to_be_checked()
    page.get_by_label("Où ? Arrondissement").select_option("18")
    page.get_by_label("oui").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Voir l'aide possible").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/aide-aux-victimes/?*")
    assert "situation=violences-conjugales" in page.url and "danger=oui" in page.url
    expect(page.get_by_role("heading", name="Qui peut vous aider")).to_be_visible()
    expect(page.locator(".results li.urgence").first).to_contain_text("17")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert hosts == []
    assert page.context.cookies() == []

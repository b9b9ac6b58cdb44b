"""Agents' screens in Chromium (issue 11 §4): the case map and the queue map draw the point
over the base map, fall back to the quartier outlines when the tiles cannot load (tests run
offline) or are switched off, and the agent's pages fit a 390 px phone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from playwright.sync_api import expect

from tests.conftest import offline_context
from traitement.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# The elements that stick out of the phone's width, to say what to fix.
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > 391).slice(0, 8)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''))"""


def logged_in_page(browser, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    context = offline_context(browser, viewport=viewport)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def agent_case(paris_live, make_agent, file_at):
    agent = make_agent("pm-11", username="agent.carte")
    complaint = file_at("bruit-rue", arrondissement=11)
    for n in range(3):
        file_at("bruit-etablissement", arrondissement=11, description=f"Bar n° {n}.")
    return agent, complaint


def test_case_map_falls_back_to_outlines_when_tiles_fail(browser, live_server, agent_case):
    agent, complaint = agent_case
    page = logged_in_page(browser, live_server, agent, {"width": 1280, "height": 900})
    tiles = []
    page.on("requestfailed", lambda r: tiles.append(r.url) if "data.geopf.fr" in r.url else None)
    page.goto(f"{live_server.url}/traitement/dossiers/{complaint.reference}/")
    case_map = page.locator("#case-map")
    # The point is drawn; the tiles were asked for and failed; the outlines took over.
    expect(case_map.locator(".leaflet-overlay-pane path.leaflet-interactive")).to_have_count(1)
    expect(case_map).to_have_attribute("data-fond", "contours")
    expect(case_map.locator(".leaflet-overlay-pane path").nth(1)).to_be_attached()
    assert tiles, "the IGN plan tiles were not requested"
    expect(case_map.locator(".leaflet-control-attribution")).to_contain_text("IGN")
    page.context.close()


def test_tiles_can_be_switched_off(browser, live_server, agent_case):
    agent, complaint = agent_case
    with override_settings(CPPS_MAP_TILE_URL="", CPPS_MAP_TILE_ATTRIBUTION=""):
        page = logged_in_page(browser, live_server, agent, {"width": 1280, "height": 900})
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{live_server.url}/traitement/carte/?statut=all")
        queue_map = page.locator("#queue-map")
        expect(queue_map).to_have_attribute("data-points", "4")
        expect(queue_map).to_have_attribute("data-fond", "contours")
        expect(queue_map.locator(".leaflet-overlay-pane path").nth(10)).to_be_attached()
        assert not [u for u in requested if not u.startswith(live_server.url)]
        page.context.close()


@pytest.mark.parametrize("screen", ["queue", "map", "case"])
def test_agent_pages_fit_a_phone(browser, live_server, agent_case, screen):
    agent, complaint = agent_case
    Case.objects.filter(complaint=complaint).update(assigned_to=agent)
    path = {
        "queue": "/traitement/?statut=all",
        "map": "/traitement/carte/",
        "case": f"/traitement/dossiers/{complaint.reference}/",
    }[screen]
    page = logged_in_page(browser, live_server, agent, PHONE)
    page.goto(live_server.url + path)
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDEST) if width > PHONE["width"] else []
    assert width <= PHONE["width"], f"{path}: {width} px wide on a 390 px phone: {wide}"
    page.context.close()

"""Accessibility (RGAA / WCAG 2.1 AA): axe-core, from the npm package `make install` puts in
node_modules/, runs in Chromium on every public screen and on the agent's queue and case
pages; no serious or critical violation is accepted.

To check a new screen, add one `Screen` to SCREENS: a name and a function that brings the
page there (it gets the page, the live server's URL and the `world` of accounts and cases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from accounts.choices import Role
from accounts.models import Desk, Profile
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput, ContactInput, file_complaint
from tests.conftest import offline_context
from traitement.services import case_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 levels A and AA, which the RGAA follows.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@dataclass(frozen=True)
class Screen:
    name: str
    go: Callable  # (page, base_url, world) -> None, leaves the page on the screen
    staff: bool = False  # opened by the world's case agent, logged in


def _report_form(page, base, world):
    page.goto(f"{base}/signaler/")
    expect(page.locator("#carte .leaflet-overlay-pane path").first).to_be_attached()


def _report_with_errors(page, base, world):
    _report_form(page, base, world)
    page.click("#envoyer")
    expect(page.locator("#error-summary")).to_be_visible()


def _confirmation(page, base, world):
    _report_form(page, base, world)
    page.select_option("#id_category", label="Bruit sur la voie publique")
    page.fill("#id_address", "40 rue Oberkampf")
    page.fill("#id_postal_code", "75011")
    page.click("#envoyer")
    expect(page.locator("h1")).to_have_text("Votre signalement est enregistré")


def _tracking(page, base, world):
    complaint = world["complaint"]
    page.goto(f"{base}/suivi/{complaint.reference}/{complaint.tracking_token}/")


SCREENS = [
    Screen("accueil", lambda page, base, world: page.goto(f"{base}/")),
    Screen("formulaire", _report_form),
    Screen("formulaire avec erreurs", _report_with_errors),
    Screen("confirmation", _confirmation),
    Screen("suivi", _tracking),
    Screen("connexion", lambda page, base, world: page.goto(f"{base}/comptes/connexion/")),
    Screen("aide aux victimes", lambda page, base, world: page.goto(f"{base}/aide-aux-victimes/")),
    Screen(
        "aide aux victimes, résultats",
        lambda page, base, world: page.goto(
            f"{base}/aide-aux-victimes/?situation=violences-conjugales&age=25-59"
            "&arrondissement=18&danger=non"
        ),
    ),
    Screen(
        "radicalisation",
        lambda page, base, world: page.goto(f"{base}/prevention/radicalisation/"),
    ),
    Screen("file du guichet", lambda page, base, world: page.goto(f"{base}/traitement/"), True),
    Screen(
        "carte de la file",
        lambda page, base, world: page.goto(f"{base}/traitement/carte/?statut=all"),
        True,
    ),
    Screen(
        "dossier",
        lambda page, base, world: page.goto(
            f"{base}/traitement/dossiers/{world['complaint'].reference}/"
        ),
        True,
    ),
]


@pytest.fixture
def world(paris_live):
    desk = Desk.objects.get(code="pm-11")
    agent = get_user_model().objects.create_user("agent.a11y", first_name="Agent")
    Profile.objects.create(user=agent, role=Role.CASE_AGENT, desk=desk, partner=desk.partner)
    complaint = file_complaint(
        ComplaintInput(
            category=Category.objects.get(code="bruit-rue"),
            channel=Channel.WEB,
            description="Musique très forte chaque nuit.",
            latitude=48.8665,
            longitude=2.3745,
            contact=ContactInput(name="Camille", email="a11y@example.org", consent_contact=True),
        )
    )
    assert case_for(complaint).desk == desk
    return {"agent": agent, "complaint": complaint}


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
             const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
             return result.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
           }""",
        WCAG_TAGS,
    )


def test_axe_is_installed_by_make_install():
    assert AXE.exists(), "axe-core manque : lancez `make install` (npm ci)"


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
def test_no_serious_accessibility_violation(browser, live_server, world, screen):
    # axe is injected as a script: the page's Content-Security-Policy must not block the test.
    context = offline_context(browser, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    if screen.staff:
        client = Client()
        client.force_login(world["agent"])
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        screen.go(page, live_server.url, world)
        page.wait_for_load_state("load")
        blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
        assert not blocking, f"{screen.name} : {blocking}"
    finally:
        context.close()

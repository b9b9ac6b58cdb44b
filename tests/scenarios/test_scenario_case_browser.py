"""End to end in a real browser: a resident reports, the right desk answers, nobody else sees it.

One complaint travels the whole chain: the web form, routing by the Paris defaults, the queue
and the case page of the desk in charge (qualify, answer), the resident's tracking page and
e-mail; then agents of another desk and of another territory try the queue, the case page
by guessed reference and the REST API, and learn nothing.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import shapely
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from accounts.choices import Role
from accounts.models import Desk, Profile
from doleances.models import Complaint
from territory.models import Arrondissement
from territory.services import locate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "scenario-motdepasse"


@dataclass(frozen=True)
class Scenario:
    category_label: str
    arrondissement: int
    desk_code: str  # where the Paris routing defaults send it
    other_desks: tuple[str, ...]  # same territory other partner, same partner other territory
    description: str
    answer: str


SCENARIOS = [
    Scenario(
        category_label="Point de deal",
        arrondissement=18,
        desk_code="pp-cmt-18",
        other_desks=("pm-18", "pp-cmt-11"),
        description="Vente de drogue tous les soirs dès 19 h devant le square, guetteurs au coin.",
        answer="Des patrouilles renforcées ont été engagées sur ce point depuis lundi.",
    ),
    Scenario(
        category_label="Bruit d'un établissement (bar, restaurant, club)",
        arrondissement=11,
        desk_code="pm-11",
        other_desks=("pp-cmt-11", "pm-12"),
        description="Le bar laisse sa porte ouverte et la musique très forte jusqu'à 2 h.",
        answer="L'établissement a été contrôlé vendredi soir et mis en demeure.",
    ),
]


def make_agent(desk_code: str):
    """A case agent of the desk, as an administrator would set the account up."""
    desk = Desk.objects.select_related("partner").get(code=desk_code)
    user = get_user_model().objects.create_user(
        username=f"agent.{desk_code}", password=PASSWORD, first_name="Agent", last_name=desk_code
    )
    Profile.objects.create(user=user, role=Role.CASE_AGENT, desk=desk, partner=desk.partner)
    return user


def point_in(number: int) -> tuple[float, float]:
    geometry = Arrondissement.objects.get(number=number).geometry
    point = shapely.from_geojson(geometry).representative_point()
    assert locate(point.y, point.x)["arrondissement"]["number"] == number
    return point.y, point.x


def map_point(page, lat, lon):
    """Where (lat, lon) is drawn inside the map element, in CSS pixels."""
    return page.evaluate(
        "([lat, lon]) => { const p = window.cppsReportMap.latLngToContainerPoint([lat, lon]);"
        " return {x: p.x, y: p.y}; }",
        [lat, lon],
    )


def api_get(live_server, path: str, user) -> tuple[int, dict]:
    """GET on the REST API with the user's token, as a partner's system would."""
    token, _ = Token.objects.get_or_create(user=user)
    url = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
    try:
        headers = {"Authorization": f"Token {token.key}", "Accept": "application/json"}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


@pytest.fixture
def staff_page(browser, live_server):
    """staff_page(user) -> a page of a fresh browser context, logged in through the form."""
    contexts = []

    def login(user):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/comptes/connexion/?next=/traitement/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.locator("#queue-title")).to_be_visible()
        return page

    yield login
    for context in contexts:
        context.close()


def file_through_the_form(page, live_server, scenario: Scenario) -> tuple[Complaint, str]:
    """The resident's report; returns the stored complaint and the tracking link shown."""
    page.goto(f"{live_server.url}/signaler/")
    expect(page.locator("#carte .leaflet-overlay-pane path").first).to_be_attached()
    page.select_option("#id_category", label=scenario.category_label)
    page.locator("#carte").click(position=map_point(page, *point_in(scenario.arrondissement)))
    expect(page.locator("#lieu-trouve")).to_contain_text(f"{scenario.arrondissement}e arr")
    page.fill("#id_description", scenario.description)
    page.fill("#id_contact_email", "habitante@example.org")
    page.click("#envoyer")
    expect(page.locator("h1")).to_have_text("Votre signalement est enregistré")
    complaint = Complaint.objects.select_related("case__desk", "arrondissement").get()
    link = page.locator("#lien-suivi")
    expect(link).to_have_attribute(
        "href", f"{live_server.url}/suivi/{complaint.reference}/{complaint.tracking_token}/"
    )
    return complaint, link.get_attribute("href")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.desk_code)
def test_report_routed_answered_and_kept_from_other_desks(
    page, staff_page, live_server, paris_live, scenario
):
    in_charge = make_agent(scenario.desk_code)
    others = [make_agent(code) for code in scenario.other_desks]

    # 1. The resident reports through the web form.
    complaint, tracking_url = file_through_the_form(page, live_server, scenario)
    assert complaint.arrondissement.number == scenario.arrondissement
    assert complaint.case.desk.code == scenario.desk_code
    desk_name = complaint.case.desk.name

    # 2. The agent of the desk in charge finds it in the queue and opens it.
    agent = staff_page(in_charge)
    expect(agent.locator("#queue-title")).to_have_text(desk_name)
    row = agent.locator(f"#row-{complaint.reference}")
    expect(row).to_contain_text(scenario.category_label)
    expect(row).to_contain_text("Nouvelle")
    row.get_by_role("link", name=complaint.reference).click()
    expect(agent.locator("#case-title")).to_contain_text(complaint.reference)
    expect(agent.locator("#case-desk")).to_have_text(desk_name)
    expect(agent.locator("#case-description")).to_contain_text(scenario.description)
    expect(agent.locator("#complainants")).to_contain_text("habitante@example.org")

    # 3. Qualifies it, then answers the resident.
    agent.select_option("#id_qualify-priority", label="Haute")
    agent.click("#action-qualify")
    expect(agent.locator(".messages")).to_contain_text("La doléance est qualifiée.")
    expect(agent.locator("#case-status")).to_have_text("Qualifiée")
    agent.fill("#id_answer-text", scenario.answer)
    agent.click("#action-answer")
    expect(agent.locator(".messages")).to_contain_text("La réponse a été envoyée au déclarant.")
    expect(agent.locator("#case-status")).to_have_text("Répondue")
    expect(agent.locator("#case-answer")).to_have_text(scenario.answer)

    # 4. The resident's tracking page shows the answer; an e-mail carried it too.
    page.goto(tracking_url)
    expect(page.locator("#statut")).to_have_text("Répondue")
    expect(page.locator("section.answer")).to_contain_text(scenario.answer)
    expect(page.locator("main")).to_contain_text(desk_name)
    answers = [m for m in mail.outbox if scenario.answer in m.body]
    assert len(answers) == 1
    assert answers[0].to == ["habitante@example.org"]
    assert complaint.reference in answers[0].subject
    assert f"/suivi/{complaint.reference}/{complaint.tracking_token}/" in answers[0].body

    # 5. The desk in charge reads it by API (with personal data): the endpoint works...
    status, body = api_get(live_server, f"/api/v1/doleances/{complaint.reference}/", in_charge)
    assert status == 200 and body["personal_data"]["description"] == scenario.description
    status, body = api_get(live_server, "/api/v1/doleances/?page_size=200", in_charge)
    assert [item["reference"] for item in body["results"]] == [complaint.reference]

    # ...while the other desks see nothing: not in their queue, 404 on the case page and API.
    for other in others:
        other_page = staff_page(other)
        expect(other_page.locator("#queue-table")).to_be_visible()
        expect(other_page.locator(f"#row-{complaint.reference}")).to_have_count(0)
        other_page.goto(f"{live_server.url}/traitement/?statut=all&reference={complaint.reference}")
        expect(other_page.locator("#queue-empty")).to_be_visible()
        response = other_page.goto(f"{live_server.url}/traitement/dossiers/{complaint.reference}/")
        assert response.status == 404
        expect(other_page.locator("body")).not_to_contain_text(scenario.description)
        expect(other_page.locator("body")).not_to_contain_text("habitante@example.org")

        status, body = api_get(live_server, f"/api/v1/doleances/{complaint.reference}/", other)
        assert status == 404
        status, body = api_get(live_server, "/api/v1/doleances/?page_size=200", other)
        assert status == 200
        assert complaint.reference not in {item["reference"] for item in body["results"]}

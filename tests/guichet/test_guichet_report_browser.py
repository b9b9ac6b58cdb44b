"""The report form in a real browser: map, errors, keyboard only, phone screen."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from doleances.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Rue Saint-Maur / avenue de la République: quartier Folie-Méricourt, 11e arrondissement.
IN_11E = (48.8665, 2.3745)
BOULOGNE = (48.8355, 2.2400)


def open_form(page, live_server):
    page.goto(f"{live_server.url}/signaler/")
    # The quartier outlines are drawn: the map is ready.
    expect(page.locator("#carte .leaflet-overlay-pane path").first).to_be_attached()


def map_point(page, lat, lon):
    """Where (lat, lon) is drawn inside the map element, in CSS pixels, once the map has
    finished any zoom or pan animation (a click during one lands elsewhere)."""
    page.wait_for_function(
        "() => { const m = window.cppsReportMap;"
        " return m && !m._animatingZoom && !(m._panAnim && m._panAnim._inProgress); }"
    )
    point = page.evaluate(
        "([lat, lon]) => { const p = window.cppsReportMap.latLngToContainerPoint([lat, lon]);"
        " return {x: p.x, y: p.y}; }",
        [lat, lon],
    )
    return {"x": point["x"], "y": point["y"]}


def tab_to(page, selector, limit=80):
    """Press Tab until the element is focused: proves it is reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} n'est pas atteignable au clavier")


def test_report_on_the_map_end_to_end(page, live_server, paris_live):
    open_form(page, live_server)
    page.select_option("#id_category", label="Bruit sur la voie publique")
    expect(page.locator("#id_category_helptext")).to_contain_text("Cris")
    page.locator("#carte").click(position=map_point(page, *IN_11E))
    expect(page.locator("#lieu-trouve")).to_contain_text("11e arrondissement")
    page.fill("#id_description", "Musique très forte chaque nuit vers 2 h devant le n° 40.")
    page.click("#envoyer")

    expect(page.locator("h1")).to_have_text("Votre signalement est enregistré")
    complaint = Complaint.objects.select_related("quartier", "arrondissement").get()
    assert complaint.arrondissement.number == 11
    assert complaint.quartier.name == "Folie-Méricourt"
    assert complaint.channel == "web"
    assert abs(complaint.latitude - IN_11E[0]) < 0.001
    assert complaint.description.startswith("Musique très forte")
    expect(page.locator(".reference")).to_have_text(complaint.reference)
    link = page.locator("#lien-suivi")
    expect(link).to_have_attribute(
        "href", f"{live_server.url}/suivi/{complaint.reference}/{complaint.tracking_token}/"
    )
    link.click()
    expect(page.locator("h1")).to_contain_text(complaint.reference)
    expect(page.locator("#statut")).to_have_text("Nouvelle")
    expect(page.locator("main")).to_contain_text("quartier Folie-Méricourt, Paris 11e")


def test_emergency_and_police_complaint_guidance(page, live_server, paris_live):
    open_form(page, live_server)
    expect(page.locator("#alerte-urgence")).to_be_hidden()
    page.select_option("#id_category", label="Violence ou danger immédiat")
    expect(page.locator("#alerte-urgence")).to_be_visible()
    expect(page.locator("#alerte-urgence")).to_contain_text("Appelez le 17 ou le 112")
    expect(page.locator("#info-plainte")).to_be_visible()
    page.select_option("#id_category", label="Vol ou agression")
    expect(page.locator("#alerte-urgence")).to_be_hidden()
    expect(page.locator("#info-plainte")).to_contain_text("commissariat")
    expect(page.locator("#info-plainte")).to_contain_text("Pré-plainte en ligne")


def test_bad_submission_shows_french_errors_and_stores_nothing(page, live_server, paris_live):
    open_form(page, live_server)
    # A point outside Paris is refused at once on the map...
    page.locator("#carte").click(position=map_point(page, *BOULOGNE))
    expect(page.locator("#lieu-erreur")).to_contain_text("en dehors de Paris")
    expect(page.locator("#id_latitude")).to_have_value("")
    # ...and by the server through the address path.
    page.fill("#id_address", "20 rue de Paris, Boulogne-Billancourt")
    page.fill("#id_postal_code", "92100")
    page.fill("#id_description", "x" * 4001)
    expect(page.locator("#compteur")).to_contain_text("dépassé la limite de 1 caractère")
    page.click("#envoyer")

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Le signalement n'a pas été envoyé")
    expect(page.locator("#id_category_error")).to_have_text("Erreur : Choisissez une catégorie.")
    expect(page.locator("#id_description_error")).to_contain_text(
        "ne doit pas dépasser 4000 caractères (elle en compte 4001)"
    )
    expect(page.locator("#id_address_error")).to_contain_text("en dehors de Paris")
    expect(page.locator("#id_category")).to_have_attribute("aria-invalid", "true")
    assert "id_description_error" in page.get_attribute("#id_description", "aria-describedby")
    # The summary links lead to the fields.
    summary.get_by_role("link", name="Catégorie : Choisissez une catégorie.").click()
    expect(page.locator("#id_category")).to_be_focused()
    assert Complaint.objects.count() == 0


def test_keyboard_only(page, live_server, paris_live):
    open_form(page, live_server)
    tab_to(page, "#id_category")
    for _ in range(60):  # arrow keys walk through the options of a closed <select>
        page.keyboard.press("ArrowDown")
        if (
            page.evaluate("document.querySelector('#id_category').selectedOptions[0].text")
            == "Dépôts sauvages"
        ):
            break
    expect(page.locator("#id_category_helptext")).to_contain_text("Encombrants")
    tab_to(page, "#carte")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowUp")
    expect(page.locator("#lieu-trouve")).to_contain_text("arrondissement")
    assert page.input_value("#id_latitude")
    tab_to(page, "#id_description")
    page.keyboard.type("Sacs et cartons abandonnés au pied de l'arbre.")
    tab_to(page, "#envoyer")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Votre signalement est enregistré")
    complaint = Complaint.objects.get()
    assert complaint.category.code == "depots-sauvages"
    assert complaint.quartier_id is not None


def test_phone_viewport(browser, live_server, paris_live):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        open_form(page, live_server)
        # Nothing wider than the screen: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator("#carte").bounding_box()
        assert box["width"] <= 390 and box["height"] >= 250
        page.select_option("#id_category", label="Dépôts sauvages")
        page.locator("#carte").tap(position=map_point(page, *IN_11E))
        expect(page.locator("#lieu-trouve")).to_contain_text("11e arrondissement")
        for selector in ("#id_description", "#id_contact_email", "#envoyer"):
            field = page.locator(selector)
            field.scroll_into_view_if_needed()
            field_box = field.bounding_box()
            assert field_box["x"] >= 0 and field_box["x"] + field_box["width"] <= 390
        assert page.locator("#envoyer").bounding_box()["height"] >= 44
        page.fill("#id_description", "Matelas sur le trottoir.")
        page.locator("#envoyer").tap()
        expect(page.locator("h1")).to_have_text("Votre signalement est enregistré")
        assert Complaint.objects.get().arrondissement.number == 11
    finally:
        context.close()


def test_already_reported_nearby_can_be_followed(page, live_server, paris_live):
    from doleances.models import Category, Complainant
    from doleances.services import ComplaintInput, file_complaint

    existing = file_complaint(
        ComplaintInput(
            category=Category.objects.get(code="bruit-etablissement"),
            channel="web",
            description="Bar bruyant",
            latitude=IN_11E[0] + 0.0003,
            longitude=IN_11E[1],
        )
    )
    open_form(page, live_server)
    page.select_option("#id_category", label="Bruit sur la voie publique")
    page.locator("#carte").click(position=map_point(page, *IN_11E))
    panel = page.locator("#doublons")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Déjà signalé à proximité")
    expect(panel).to_contain_text(existing.reference)
    expect(panel).not_to_contain_text("Bar bruyant")
    panel.get_by_role("button", name="Suivre ce signalement").click()
    expect(page.locator("#suivre-courriel-0")).to_be_focused()
    page.keyboard.type("voisine@example.org")
    page.keyboard.press("Enter")  # follows; does not send the new report
    # No link on the page: the follower confirms their address first, then gets their own.
    expect(panel).to_contain_text("courriel de confirmation")
    expect(panel.locator("a[href*='/suivi/']")).to_have_count(0)
    follower = Complainant.objects.get(email="voisine@example.org")
    assert follower.complaint_id == existing.pk and follower.confirmed_at is None
    assert Complaint.objects.count() == 1
    confirmation = next(m for m in mail.outbox if "voisine@example.org" in m.to)
    confirm_path = "/suivi/confirmer/" + confirmation.body.split("/suivi/confirmer/")[1].split()[0]
    page.goto(live_server.url + confirm_path)
    page.get_by_role("button", name="Confirmer le suivi").click()
    follower.refresh_from_db()
    assert follower.tracking_token and follower.tracking_token != existing.tracking_token
    expect(page).to_have_url(
        f"{live_server.url}/suivi/{existing.reference}/{follower.tracking_token}/"
    )
    expect(page.locator("h1")).to_contain_text(existing.reference)
    expect(page.locator("#historique")).to_contain_text("Nouvelle")

"""The API documentation (Swagger UI and Redoc) and the admin carry cpps's name, speak
French where they can and load nothing from another site (issue 11 §6): every request the
browser makes goes to our own server, and no page has an inline script or style."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "title"),
    [("/api/docs/", ".swagger-ui .info .title"), ("/api/redoc/", "#redoc-container h1")],
)
def test_api_docs_load_nothing_from_other_sites(page, live_server, paris_live, path, title):
    def outside(request):
        return not request.url.startswith((live_server.url, "data:", "blob:"))

    # A request to another site that the page's own policy blocks ("csp") never leaves the
    # browser; any other one would (here it fails only because tests run offline).
    sent = []
    page.on("requestfinished", lambda r: sent.append(r.url) if outside(r) else None)
    page.on(
        "requestfailed",
        lambda r: sent.append(r.url) if outside(r) and r.failure != "csp" else None,
    )
    page.goto(live_server.url + path)
    expect(page.locator(title)).to_contain_text("API cpps")
    page.wait_for_load_state("networkidle")
    assert sent == []
    assert page.locator("html").get_attribute("lang") == "fr"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_have_no_inline_script_or_style(client, path):
    html = client.get(path).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
    assert "fonts.googleapis.com" not in html


def test_the_admin_is_titled_cpps(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin-titre", password="x")
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert "Administration de Django" not in html and "Site d’administration" not in html
    assert "cpps — administration" in html and "| cpps</title>" in html

"""Content-Security-Policy on every kind of page, French error pages, the favicon, JSON 404s
under /api/ and no inline script or style in any template."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

from accounts.choices import Role

ROOT = Path(__file__).resolve().parent.parent
APPS = ["cpps", "accounts", "territory", "doleances", "traitement", "guichet", "open311"]
APPS += ["observatoire", "contrat"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _assert_strict(response):
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    return policy


@pytest.fixture
def agent(paris, django_user_model):
    from accounts.models import Desk, Profile

    user = django_user_model.objects.create_user("agent-csp", password="x")
    Profile.objects.create(user=user, role=Role.CASE_AGENT, desk=Desk.objects.get(code="pm-18"))
    return user


def test_every_kind_of_page_carries_the_policy(client, paris, agent, admin_user):
    for url in [
        "/",
        "/signaler/",
        "/comptes/connexion/",
        "/api/docs/",
        "/suivi/DOL-2026-000001/x/",
    ]:
        _assert_strict(client.get(url))
    _assert_strict(client.get("/api/docs/?script="))
    client.force_login(agent)
    _assert_strict(client.get("/traitement/"))
    client.force_login(admin_user)
    _assert_strict(client.get("/admin/"))
    # Redoc writes its styles at run time: its page alone allows inline styles, never scripts.
    redoc = _policy(client.get("/api/redoc/"))
    assert redoc["script-src"] == ["'self'"] and "'unsafe-inline'" in redoc["style-src"]


@override_settings(
    CONTENT_SECURITY_POLICY={
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "img-src": ["'self'", "https://data.geopf.fr"],
        }
    }
)
def test_configured_tile_server_is_the_only_other_image_origin(client, paris):
    assert _policy(client.get("/signaler/"))["img-src"] == ["'self'", "https://data.geopf.fr"]


def test_settings_derive_the_tile_origin_from_the_tile_url():
    import subprocess
    import sys

    code = "import cpps.settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "CPPS_MAP_TILE_URL": "https://data.geopf.fr/wmts?layer=PLAN&x={x}",
            "PATH": "/usr/bin",
            "CPPS_VAR_DIR": str(ROOT / "var"),
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "https://data.geopf.fr'" in out and "wmts" not in out


def test_no_inline_script_nor_style_in_any_template():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("templates/**/*.html"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"\sstyle=", text):
                offenders.append(f"{path}: style=")
            for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", text, re.DOTALL):
                if body.strip() and "application/json" not in attrs:
                    offenders.append(f"{path}: <script> inline")
            # Self-contained report documents (HTML and PDF) keep their <style>, allowed by
            # its hash (observatoire.views._style_hashes).
            documents = ("*/observatoire/barometre.html", "*/contrat/bilan.html")
            if "<style" in text and not any(path.match(d) for d in documents):
                offenders.append(f"{path}: <style>")
    for path in (ROOT).glob("*/[a-z]*.py"):
        css_attribute = re.compile(r'style="[a-z-]+\s*:')  # markup, not python-docx's style=
        if path.parts[-2] in APPS and css_attribute.search(path.read_text(encoding="utf-8")):
            offenders.append(f"{path}: style attribute in generated markup")
    assert not offenders


def test_barometer_document_style_allowed_by_hash_only():
    from observatoire.views import _style_hashes

    html = "<style>body{margin:0}</style><p>x</p>"
    [digest] = _style_hashes(html)
    assert digest.startswith("'sha256-") and digest.endswith("='")


@pytest.mark.parametrize(
    "url",
    ["/suivi/DOL-2026-000001/mauvais-jeton/", "/page-inexistante/", "/signaler/inconnu/"],
)
def test_wrong_links_give_the_french_404_never_the_technical_page(client, paris, url):
    response = client.get(url)
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page introuvable" in text and "favicon.svg" in text
    assert "URLconf" not in text and "Using the URLconf" not in text


def test_api_404_is_json_and_open311_404_its_own_format(client, paris):
    response = client.get("/api/v1/doleances/pas-une-reference/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Ressource introuvable."}
    assert client.get("/api/v1/inexistant/").json() == {"detail": "Ressource introuvable."}
    xml = client.get("/open311/inexistant.xml")
    assert xml.status_code == 404 and xml.content.startswith(b"<?xml")


@override_settings(DEBUG=False)
def test_french_400_403_500_pages(client, paris, agent):
    # 400: a request Django refuses before any view (too many fields).
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5):
        response = client.post("/signaler/", {f"f{i}": "x" for i in range(10)})
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()
    # 403: an agent on an administrator's screen.
    client.force_login(agent)
    response = client.get("/comptes/audit/")
    assert response.status_code == 403
    assert "<html" in response.content.decode()
    # 500: the page exists, in French, and loads nothing but our own files.
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Le service a rencontré une erreur" in page and "favicon.svg" in page


def test_favicon_is_served(client, paris):
    response = client.get("/static/cpps/favicon.svg")
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)

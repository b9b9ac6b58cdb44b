"""The annual report is downloaded from the contract pages (issue 11 §6): HTML, PDF and DOCX,
for Paris by pilots (and administrators), for a sector by its coordinator too — and refused
both ways; each download is audited."""

import io

import pytest
from docx import Document

from accounts.choices import AuditAction, Role
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.CSPA_COORDINATOR, sector="paris-18", username="coord-18")


def test_a_pilot_downloads_the_bilan_of_paris_in_three_formats(client, pilot):
    client.force_login(pilot)
    page = client.get("/contrat/?annee=2025").content.decode()
    for fmt in ("html", "pdf", "docx"):
        assert f'href="/contrat/bilan.{fmt}?annee=2025"' in page
    html = client.get("/contrat/bilan.html?annee=2025")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "Bilan 2025 du contrat de prévention et de sécurité — Paris" in html.content.decode()
    pdf = client.get("/contrat/bilan.pdf?annee=2025")
    assert pdf.content.startswith(b"%PDF") and "bilan-2025-paris.pdf" in pdf["Content-Disposition"]
    docx = client.get("/contrat/bilan.docx?annee=2025")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Bilan 2025" in text
    exports = AuditEvent.objects.filter(actor=pilot, action=AuditAction.EXPORT)
    assert sorted(e.details["format"] for e in exports) == ["docx", "html", "pdf"]
    # And any sector's.
    assert client.get("/contrat/secteurs/paris-5/bilan.html?annee=2025").status_code == 200


def test_a_coordinator_downloads_their_sector_only(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/contrat/secteurs/paris-18/?annee=2025").content.decode()
    assert 'href="/contrat/secteurs/paris-18/bilan.docx?annee=2025"' in page
    response = client.get("/contrat/secteurs/paris-18/bilan.html?annee=2025")
    assert response.status_code == 200
    assert "Paris 18e" in response.content.decode()
    # Not another sector's, not Paris's, and no link to them.
    assert client.get("/contrat/secteurs/paris-5/bilan.html").status_code == 403
    assert client.get("/contrat/bilan.html").status_code == 403
    assert "bilan.html" not in client.get("/contrat/secteurs/paris-5/").content.decode()
    assert "bilan.html" not in client.get("/contrat/").content.decode()


def test_other_roles_cannot_download_it(client, make_user):
    client.force_login(make_user(Role.ANALYST, username="analyste"))
    assert client.get("/contrat/bilan.html").status_code == 403
    assert "bilan.html" not in client.get("/contrat/").content.decode()

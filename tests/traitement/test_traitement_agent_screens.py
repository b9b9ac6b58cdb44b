"""What agents could not see (issue 11 §4): photos through a checked and audited view with
thumbnails, the point of a case and of a queue on a map, « M'attribuer » only when it
changes something, desks in arrondissement order, each role landing on its workspace."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.choices import AuditAction, Role
from accounts.models import AuditEvent, Desk, Profile, ordered_desks
from doleances.choices import Channel
from doleances.models import Category
from doleances.photos import thumbnail_path
from doleances.services import ComplaintInput, ContactInput, file_complaint
from territory.models import Sector
from traitement import services
from traitement.models import Case


def jpeg(width=1200, height=800) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(out, format="JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def with_photo(paris, point_in):
    lat, lon = point_in(11)
    return file_complaint(
        ComplaintInput(
            category=Category.objects.get(code="bruit-rue"),
            channel=Channel.WEB,
            description="Musique forte.",
            latitude=lat,
            longitude=lon,
            contact=ContactInput(name="Camille", email="c@example.org", consent_contact=True),
            photos=[jpeg()],
        )
    )


def case_url(complaint, suffix=""):
    return f"/traitement/dossiers/{complaint.reference}/{suffix}"


def test_photos_are_served_by_a_checked_view_with_thumbnails(client, agent, with_photo):
    photo = with_photo.photos.get()
    client.force_login(agent)
    html = client.get(case_url(with_photo)).content.decode()
    # The page shows the thumbnail and links the full photo, both through the view.
    thumb_url = case_url(with_photo, f"photos/{photo.pk}/miniature/")
    full_url = case_url(with_photo, f"photos/{photo.pk}/")
    assert f'src="{thumb_url}"' in html and f'href="{full_url}"' in html
    assert settings.MEDIA_URL not in html
    # The stored file has no public URL.
    assert client.get("/" + settings.MEDIA_URL + photo.image.name).status_code == 404

    thumbnail_path(photo.sha256).unlink(missing_ok=True)
    before = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).count()
    response = client.get(thumb_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert max(image.size) == 320
    cached = thumbnail_path(photo.sha256)
    assert cached.is_relative_to(settings.CPPS_VAR_DIR) and cached.exists()

    response = client.get(full_url)
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (1200, 800)
    reads = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).order_by("pk")
    assert reads.count() == before + 2
    assert [e.details["vue"] for e in reads.reverse()[:2]] == ["photo", "miniature"]
    assert all(e.target_reference == with_photo.reference for e in reads.reverse()[:2])


def test_photos_refused_outside_the_desk(client, make_agent, with_photo, file_at):
    photo = with_photo.photos.get()
    client.force_login(make_agent("pm-12"))
    assert client.get(case_url(with_photo, f"photos/{photo.pk}/")).status_code == 404
    # A desk's own complaint does not open another complaint's photo by its id.
    own = file_at("bruit-rue", arrondissement=12)
    assert client.get(case_url(own, f"photos/{photo.pk}/")).status_code == 404


def test_case_page_shows_the_point_on_a_map(client, agent, with_photo):
    client.force_login(agent)
    html = client.get(case_url(with_photo)).content.decode()
    found = re.search(r'id="case-map"[^>]*data-lat="([\d.]+)" data-lon="([\d.]+)"', html)
    assert found, "no map on the case page"
    assert float(found[1]) == pytest.approx(with_photo.latitude, abs=1e-6)
    assert float(found[2]) == pytest.approx(with_photo.longitude, abs=1e-6)
    assert 'id="case-coordinates"' in html
    assert f'data-tile-url="{settings.CPPS_MAP_TILE_URL}"'.replace("&", "&amp;") in html


def test_default_base_map_is_the_ign_plan():
    assert settings.CPPS_MAP_TILE_URL.startswith("https://data.geopf.fr/wmts?")
    assert "LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2" in settings.CPPS_MAP_TILE_URL
    assert "IGN" in settings.CPPS_MAP_TILE_ATTRIBUTION


def test_queue_map_keeps_the_filters(client, agent, file_at):
    noise = file_at("bruit-rue", arrondissement=11)
    other = file_at("bruit-etablissement", arrondissement=11)
    client.force_login(agent)
    query = f"categorie={noise.category_id}&statut=all"
    html = client.get(f"/traitement/?{query}").content.decode()
    assert f'href="/traitement/carte/?{query.replace("&", "&amp;")}"' in html
    html = client.get(f"/traitement/carte/?{query}").content.decode()
    points = re.search(r'<script id="queue-points" type="application/json">(.*?)</script>', html)
    assert noise.reference in points[1] and other.reference not in points[1]
    # Back to the list with the same filters.
    assert f'href="/traitement/?{query.replace("&", "&amp;")}"' in html


def test_assign_me_not_offered_when_already_mine(client, agent, file_at):
    complaint = file_at("bruit-rue", arrondissement=11)
    client.force_login(agent)
    assert 'id="action-assign-me"' in client.get(case_url(complaint)).content.decode()
    services.assign(Case.objects.get(complaint=complaint), agent, agent)
    html = client.get(case_url(complaint)).content.decode()
    assert 'id="action-assign-me"' not in html
    assert 'id="form-assign"' in html  # giving it to a colleague stays possible


def test_desks_listed_by_arrondissement_number(client, paris):
    admin = get_user_model().objects.create_user("admin-ordre", password="x")
    Profile.objects.create(user=admin, role=Role.ADMINISTRATOR)
    names = [d.name for d in ordered_desks(Desk.objects.filter(partner__code="police-municipale"))]
    assert names.index("Police municipale — division 5e arrondissement") < names.index(
        "Police municipale — division 10e arrondissement"
    )
    client.force_login(admin)
    html = client.get("/traitement/").content.decode()
    assert html.index("division 5e arrondissement") < html.index("division 10e arrondissement")


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.CASE_AGENT, "/traitement/"),
        (Role.DESK_SUPERVISOR, "/traitement/"),
        (Role.ANALYST, "/observatoire/"),
        (Role.CSPA_COORDINATOR, "/observatoire/secteurs/paris-18/"),
        (Role.CONTRACT_PILOT, "/contrat/"),
        (Role.VICTIM_SUPPORT, "/victimes/orientations/"),
        (Role.PREVENTION_PARTNER, "/prevention/"),
        (Role.ADMINISTRATOR, "/admin/"),
    ],
)
def test_each_role_lands_on_its_workspace(client, paris, role, landing):
    user = get_user_model().objects.create_user(f"u-{role}", password="motdepasse-test")
    desk = (
        Desk.objects.get(code="pm-11") if role in (Role.CASE_AGENT, Role.DESK_SUPERVISOR) else None
    )
    if role == Role.VICTIM_SUPPORT:
        desk = Desk.objects.get(code="pav-accueil")
    sector = Sector.objects.get(code="paris-18") if role == Role.CSPA_COORDINATOR else None
    Profile.objects.create(user=user, role=role, desk=desk, sector=sector)
    response = client.post(
        "/comptes/connexion/", {"username": user.username, "password": "motdepasse-test"}
    )
    assert response.status_code == 302 and response["Location"] == landing
    # An explicit next page still wins.
    client.logout()
    response = client.post(
        "/comptes/connexion/?next=/contrat/",
        {"username": user.username, "password": "motdepasse-test", "next": "/contrat/"},
    )
    assert response["Location"] == "/contrat/"

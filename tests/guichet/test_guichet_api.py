"""The complaints REST API for partners' systems: create, read, list, errors."""

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.choices import AuditAction, Role
from accounts.models import AuditEvent
from doleances.models import Category, Complainant, Complaint, Photo
from tests import factories
from tests.conftest import token_client

URL = "/api/v1/doleances/"
IN_11E = {"latitude": 48.8665, "longitude": 2.3745}
IN_18E = {"latitude": 48.8925, "longitude": 2.3444}


@pytest.fixture
def admin(paris):
    return token_client(factories.make_user(username="admin.api", superuser=True))


def create(client, **fields):
    payload = {"category": "bruit-rue", **IN_11E, **fields}
    return client.post(URL, payload, format="json")


def test_create_returns_reference_and_tracking_link(partner):
    response = create(
        partner,
        description="Musique forte chaque nuit",
        contact={"name": "Camille", "email": "c@example.org", "consent_contact": True},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    complaint = Complaint.objects.get()
    assert body["reference"] == complaint.reference
    assert body["tracking_url"].endswith(
        f"/suivi/{complaint.reference}/{complaint.tracking_token}/"
    )
    assert body["channel"] == "api" and body["status"] == "new"
    assert body["location"]["arrondissement"]["number"] == 11
    assert body["location"]["quartier"]["name"] == "Folie-Méricourt"
    assert "personal_data" not in body and "Camille" not in json.dumps(body)
    assert complaint.channel == "api"
    assert complaint.source == "api:systeme.pm11"
    assert Complainant.objects.get().email == "c@example.org"


def test_create_by_address(partner):
    response = partner.post(
        URL,
        {"category": "depots-sauvages", "address": "3 rue Oberkampf", "postal_code": "75011"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["location"]["precision"] == "postal_code"
    assert response.json()["location"]["arrondissement"]["number"] == 11


def test_retry_with_same_external_id_gives_the_same_complaint(partner):
    first = create(partner, external_id="SYS-42")
    again = create(partner, external_id="SYS-42")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Complaint.objects.count() == 1
    # Another partner system may use the same identifier for its own complaint.
    other = token_client(
        factories.make_user(Role.DESK_SUPERVISOR, desk="pp-cmt-18", username="systeme.gpis")
    )
    assert create(other, external_id="SYS-42").status_code == 201
    assert Complaint.objects.count() == 2


def test_multipart_with_photo_drops_exif(partner):
    exif = Image.Exif()
    exif[0x010F] = "TelephoneCorp"
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(raw, "JPEG", exif=exif)
    raw.seek(0)
    raw.name = "photo.jpg"
    response = partner.post(
        URL,
        {
            "category": "graffitis",
            "latitude": "48.8665",
            "longitude": "2.3745",
            "contact.email": "m@example.org",
            "photo": raw,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    with Image.open(Photo.objects.get().image.path) as stored:
        assert len(stored.getexif()) == 0
    assert Complainant.objects.get().email == "m@example.org"


def test_multipart_text_file_as_photo_is_refused(partner):
    fake = io.BytesIO(b"pas une image")
    fake.name = "photo.jpg"
    response = partner.post(
        URL, {"category": "graffitis", "postal_code": "75011", "photo": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "n'est pas une image lisible" in response.json()["errors"]["photo"][0]
    assert Complaint.objects.count() == 0


def test_only_partner_systems_with_a_token_create(paris):
    anonymous = APIClient()
    assert create(anonymous).status_code == 401
    analyst = token_client(factories.make_user(Role.ANALYST, username="analyste.api"))
    response = create(analyst)
    assert response.status_code == 403
    assert "formulaire /signaler/" in response.json()["detail"]
    # A partner account logged in on the web site (session) is not a partner system.
    session = APIClient()
    session.force_login(factories.make_user(Role.CASE_AGENT, desk="pm-11", username="agent.web"))
    assert create(session).status_code == 403
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"category": ""}, "category", "Indiquez la catégorie"),
        ({"category": None}, "category", "Indiquez la catégorie"),
        ({"category": "nimporte-quoi"}, "category", "Catégorie inconnue"),
        ({"category": 12}, "category", "code de la catégorie"),
        ({"category": ["bruit-rue"]}, "category", "code de la catégorie"),
        ({"category": {"code": "x"}}, "category", "code de la catégorie"),
        ({"category": "bruit\x00rue"}, "category", "code de la catégorie"),
        ({"description": "x" * 4001}, "description", "4000 caractères"),
        ({"description": "a\x00b"}, "description", "nul"),
        ({"latitude": "abc"}, "latitude", "nombre valide"),
        ({"latitude": True}, "latitude", "nombre valide"),
        ({"latitude": 10**400}, "latitude", ""),
        ({"latitude": 1e308 * 10}, "non_field_errors", "illisible"),  # serialised as Infinity
        ({"latitude": [48.8]}, "latitude", "nombre valide"),
        ({"latitude": {"v": 1}}, "latitude", "nombre valide"),
        ({"latitude": "9" * 2000}, "latitude", ""),
        ({"latitude": 48.83, "longitude": 2.24}, "location", "en dehors de Paris"),
        ({"latitude": 95.0}, "location", "Coordonnées invalides"),
        ({"latitude": None}, "location", "Coordonnées invalides"),
        ({"latitude": None, "longitude": None}, "location", "placez un point"),
        ({"postal_code": "abcde", "latitude": None, "longitude": None}, "postal_code", "5"),
        ({"occurred_at": "hier"}, "occurred_at", ""),
        ({"occurred_at": "2099-01-01T00:00:00Z"}, "occurred_at", "futur"),
        ({"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at", ""),
        ({"received_at": "2099-01-01T00:00:00Z"}, "received_at", "future"),
        ({"contact": {"email": "pas-un-courriel"}}, "contact.email", ""),
        ({"contact": "Camille"}, "contact.non_field_errors", ""),
        ({"contact": {"name": "x" * 500}}, "contact.name", ""),
        ({"external_id": "x" * 500}, "external_id", ""),
        ({"external_id": {"a": 1}}, "external_id", ""),
        ({"media_url": "javascript:alert(1)"}, "media_url", ""),
        ({"photo": "data:image/png;base64,AAAA"}, "photo", ""),
    ],
)
def test_bad_json_fields_get_french_field_errors(partner, payload, field, message):
    body = {"category": "bruit-rue", **IN_11E, **payload}
    # json.dumps writes Infinity for an overflowing float: invalid JSON for the API.
    response = partner.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert all(isinstance(m, str) for m in errors[field])
    assert message in " ".join(errors[field])
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{", "application/json"),
        (b"", "application/json"),
        (b"null", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"bruit-rue"', "application/json"),
        (b"42", "application/json"),
        (b'{"category": NaN}', "application/json"),
        (b'{"latitude": -Infinity}', "application/json"),
        ('{"category": "bruit-rue", "description": "été"}'.encode("latin-1"), "application/json"),
        (b"\xff\xfe\x00\x00garbage", "application/json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b'{"latitude": 1' + b"0" * 5000 + b"}", "application/json"),
        (b"--xx\r\nnot multipart", "multipart/form-data; boundary=xx"),
        (b"category=bruit-rue", "multipart/form-data"),
        (b"{}", "application/json; charset=nope"),
    ],
)
def test_garbage_bodies_never_500(partner, body, content_type):
    response = partner.generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert "errors" in response.json()
    assert Complaint.objects.count() == 0


def test_unsupported_media_type_and_methods(partner):
    response = partner.generic("POST", URL, b"category=bruit-rue", content_type="text/plain")
    assert response.status_code == 415
    assert "detail" in response.json()
    assert partner.delete(URL).status_code == 405
    assert partner.put(URL, {}, format="json").status_code == 405


def test_too_large_body_is_refused_before_reading(partner):
    response = partner.generic(
        "POST", URL, b"{}", content_type="application/json", CONTENT_LENGTH=str(200 * 1024**2)
    )
    assert response.status_code == 413
    assert "volumineuse" in response.json()["errors"]["non_field_errors"][0]


# --- reading ------------------------------------------------------------------------------


@pytest.fixture
def stored(partner):
    """Complaints in the 11th and the 18th, of several categories and dates."""
    now = timezone.now()
    specs = [
        ("bruit-rue", IN_11E, 1),
        ("depots-sauvages", IN_11E, 10),
        ("point-deal", IN_18E, 3),
        ("rodeos", IN_18E, 40),
    ]
    for code, where, days_ago in specs:
        response = create(
            partner,
            category=code,
            **where,
            received_at=(now - timedelta(days=days_ago)).isoformat(),
            description=f"texte {code}",
            contact={"email": f"{code}@example.org"},
        )
        assert response.status_code == 201, response.json()
    return Complaint.objects.all()


def references(response) -> list[str]:
    return [row["reference"] for row in response.json()["results"]]


def test_list_has_no_personal_data(admin, stored):
    response = admin.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    text = json.dumps(body)
    assert "texte" not in text and "@example.org" not in text
    assert "personal_data" not in body["results"][0]
    # Most recent first.
    assert body["results"][0]["category"]["code"] == "bruit-rue"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=point-deal", {"point-deal"}),
        ("family=incivilites", {"depots-sauvages"}),
        ("family=securite", {"point-deal"}),
        ("arrondissement=18", {"point-deal", "rodeos"}),
        ("sector=paris-11", {"bruit-rue", "depots-sauvages"}),
        ("channel=api", {"bruit-rue", "depots-sauvages", "point-deal", "rodeos"}),
        ("channel=web", set()),
        ("status=new", {"bruit-rue", "depots-sauvages", "point-deal", "rodeos"}),
        ("status=closed", set()),
        ("received_after={days5}", {"bruit-rue", "point-deal"}),
        ("received_before={days5}", {"depots-sauvages", "rodeos"}),
        ("received_after={days20}&received_before={days2}", {"depots-sauvages", "point-deal"}),
        ("bbox=2.36,48.86,2.39,48.87", {"bruit-rue", "depots-sauvages"}),
        ("bbox=2.0,48.0,2.1,48.1", set()),
    ],
)
def test_list_filters(admin, stored, query, expected):
    today = timezone.localdate()
    query = query.format(
        days5=(today - timedelta(days=5)).isoformat(),
        days20=(today - timedelta(days=20)).isoformat(),
        days2=timezone.now() - timedelta(days=2),
    ).replace("+", "%2B")
    response = admin.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    assert {row["category"]["code"] for row in response.json()["results"]} == expected


def test_pagination(admin, stored):
    first = admin.get(f"{URL}?page_size=3")
    assert first.json()["count"] == 4 and len(first.json()["results"]) == 3
    second = admin.get(first.json()["next"])
    assert len(second.json()["results"]) == 1
    assert set(references(first)) | set(references(second)) == set(
        stored.values_list("reference", flat=True)
    )
    assert admin.get(f"{URL}?page=99").status_code == 404
    assert admin.get(f"{URL}?page=abc").status_code == 404
    assert admin.get(f"{URL}?page_size=abc").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "category=inconnue",
        "category=%00",
        "family=%00",
        "status=perdu",
        "channel=fax",
        "arrondissement=21",
        "arrondissement=onze",
        "arrondissement=99999999999999999999999",
        "received_after=hier",
        "received_after=2024-13-45",
        "received_before=99999-01-01",
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=nan,48,2.4,49",
        "bbox=2.4,48,2.3,49",
        "bbox=" + "9" * 300,
    ],
)
def test_bad_filters_are_400_in_french(admin, stored, query):
    response = admin.get(f"{URL}?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["errors"]


def test_undecodable_filter_values_match_nothing(admin, stored):
    response = admin.get(f"{URL}?sector=%ff%fe&family=%C3")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_detail_with_personal_data_is_audited(admin, stored):
    complaint = stored.get(category__code="point-deal")
    response = admin.get(f"{URL}{complaint.reference}/")
    assert response.status_code == 200
    personal = response.json()["personal_data"]
    assert personal["description"] == "texte point-deal"
    assert personal["complainants"][0]["email"] == "point-deal@example.org"
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_READ)
    assert event.target_reference == complaint.reference


def test_scope_and_roles_when_reading(stored):
    complaint_18 = stored.get(category__code="point-deal")
    # An agent of the 11th arrondissement desk never sees the 18th.
    agent_11 = token_client(
        factories.make_user(Role.CASE_AGENT, desk="pm-11", username="agent.pm11")
    )
    listed = agent_11.get(URL).json()
    assert complaint_18.reference not in [row["reference"] for row in listed["results"]]
    assert agent_11.get(f"{URL}{complaint_18.reference}/").status_code == 404
    # Analysts work on aggregates: no individual complaint through the API.
    analyst = token_client(factories.make_user(Role.ANALYST, username="analyste.lecture"))
    assert analyst.get(URL).json()["count"] == 0
    assert analyst.get(f"{URL}{complaint_18.reference}/").status_code == 404
    assert APIClient().get(URL).status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).count() == 0


def test_detail_of_unknown_or_malformed_reference(admin, paris):
    assert admin.get(f"{URL}DOL-2024-999999/").status_code == 404
    assert admin.get(f"{URL}DOL-2024-%00/").status_code == 404
    assert admin.get(f"{URL}{'x' * 5000}/").status_code == 404


def test_categories_are_public(paris):
    response = APIClient().get("/api/v1/categories/")
    assert response.status_code == 200
    codes = {row["code"]: row for row in response.json()}
    assert len(codes) == Category.objects.filter(is_active=True).count()
    assert codes["violence-en-cours"]["is_emergency"] is True
    assert codes["vol-agression"]["requires_police_complaint"] is True
    assert codes["bruit-rue"]["family"] == {
        "code": "vie-nocturne",
        "label": "Nuisances de la vie nocturne",
    }


def test_schema_documents_the_api_in_french(admin):
    response = admin.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/doleances/"]["post"]
    assert operation["summary"] == "Déposer une doléance"
    assert "multipart/form-data" in operation["requestBody"]["content"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/doleances/"]["get"]["parameters"]}
    assert {"category", "family", "status", "channel", "arrondissement", "sector"} <= parameters
    assert {"received_after", "received_before", "bbox", "page", "page_size"} <= parameters

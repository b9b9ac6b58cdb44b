"""Hostile input on every channel ends in a French 4xx that stores nothing, never a 500:
absurd dates, over-long e-mail addresses, control characters, oversized bodies."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from accounts.choices import Role
from accounts.models import Profile
from doleances.models import Category, Complainant, Complaint

ABSURD_DATES = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "1899-12-31T23:00:00Z"]
LONG_EMAIL = "a" * 250 + "@example.org"  # 262 characters: the column holds 254


def _web(client, **fields):
    category = Category.objects.get(code="bruit-rue")
    data = {"category": category.pk, "latitude": 48.8665, "longitude": 2.3745, **fields}
    return client.post("/signaler/", data)


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_web_form_absurd_date_is_a_french_400(client, paris, value):
    response = _web(client, occurred_at=value)
    assert response.status_code == 400
    assert "hors de la période admise" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("value", ABSURD_DATES)
@pytest.mark.parametrize("field", ["occurred_at", "received_at"])
def test_rest_absurd_dates_are_a_french_400(partner, value, field):
    payload = {"category": "bruit-rue", "latitude": 48.8665, "longitude": 2.3745, field: value}
    response = partner.post("/api/v1/doleances/", payload, format="json")
    assert response.status_code == 400, response.content
    assert "période admise" in json.dumps(response.json(), ensure_ascii=False)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31T23:59:59Z"])
def test_rest_list_filter_absurd_dates_are_a_400(partner, value):
    response = partner.get("/api/v1/doleances/", {"received_after": value})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/open311/v2/requests.json?start_date=0001-01-01",
        "/open311/v2/requests.json?start_date=9999-12-31T23:59:59-14:00",
        "/open311/v2/requests.json?end_date=0001-01-01T00:00:00Z",
        "/open311/v2/servicerequestupdates.json?start_date=0001-01-01",
        "/open311/v2/servicerequestupdates.xml?end_date=9999-12-31",
    ],
)
def test_open311_absurd_dates_are_a_french_400(client, paris, url):
    response = client.get(url.replace("+", "%2B"))
    assert response.status_code == 400
    assert "hors de la période admise" in response.content.decode()


def test_web_form_refuses_an_email_longer_than_the_column(client, paris):
    response = _web(client, contact_email=LONG_EMAIL)
    assert response.status_code == 400
    assert "254 caractères" in response.content.decode()
    assert not Complaint.objects.exists()


def test_api_refuses_an_email_longer_than_the_column(partner):
    payload = {
        "category": "bruit-rue",
        "latitude": 48.8665,
        "longitude": 2.3745,
        "contact": {"email": LONG_EMAIL},
    }
    response = partner.post("/api/v1/doleances/", payload, format="json")
    assert response.status_code == 400
    assert "contact.email" in response.json()["errors"]
    assert not Complainant.objects.exists()


def test_intake_service_itself_refuses_it(paris):
    from doleances.services import ComplaintInput, ContactInput, IntakeError, file_complaint

    with pytest.raises(IntakeError) as caught:
        file_complaint(
            ComplaintInput(
                category=Category.objects.get(code="bruit-rue"),
                channel="import",
                latitude=48.8665,
                longitude=2.3745,
                contact=ContactInput(email=LONG_EMAIL),
            )
        )
    assert "email" in caught.value.errors


def test_open311_errors_stay_well_formed_xml_with_control_characters(client, paris):
    response = client.get("/open311/v2/requests/a%00%01%1b.xml")
    assert response.status_code == 404
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == "errors"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_open311_too_many_fields_answers_an_open311_error(client, paris, api_key, fmt):
    fields = {f"attribute[f{i}]": "x" for i in range(20)}
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10):
        response = client.post(f"/open311/v2/requests.{fmt}", {"api_key": api_key, **fields})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml" if fmt == "xml" else "application/json")
    assert "Requête invalide" in response.content.decode()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_open311_oversized_body_answers_an_open311_error(client, paris, api_key, fmt):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = client.post(
            f"/open311/v2/requests.{fmt}", {"api_key": api_key, "description": "x" * 5000}
        )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/xml" if fmt == "xml" else "application/json")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/comptes/audit/?since=0001-01-01",
        "/comptes/audit/?until=9999-12-31",
        "/comptes/audit/export.csv?since=0001-01-01",
    ],
)
def test_audit_filters_refuse_absurd_dates_in_french(client, paris, admin_user, url):

    Profile.objects.create(user=admin_user, role=Role.ADMINISTRATOR)
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 400
    assert "hors de la période admise" in response.content.decode()


def test_routing_rule_tester_refuses_absurd_dates(client, paris, admin_user):
    client.force_login(admin_user)
    category = Category.objects.get(code="bruit-rue")
    response = client.get(
        "/admin/traitement/routingrule/tester/",
        {"category": category.pk, "arrondissement": 1, "moment": "0001-01-01T00:00"},
    )
    assert response.status_code == 200
    assert "hors de la période admise" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/open311/v2/requests.json?service_request_id=DOL%00",
        "/open311/v2/requests.xml?service_code=a%00b",
        "/open311/v2/services/a%00b.json",
        "/open311/v2/requests.json?api_key=k%00",
    ],
)
def test_open311_nul_characters_are_a_client_error_on_every_database(client, paris, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500


def test_nul_in_a_token_or_a_session_cookie_is_a_400_not_a_database_error(client, paris):
    api = client.get("/api/v1/doleances/", HTTP_AUTHORIZATION="Token abc\x00def")
    assert api.status_code == 400
    assert api.json() == {
        "errors": {"requete": ["Requête invalide : caractère nul dans un en-tête ou un cookie."]}
    }
    register = client.get("/prevention/api/evenements/", HTTP_AUTHORIZATION="Token a\x00b")
    assert register.status_code == 400 and register["Content-Type"] == "application/json"
    client.cookies["sessionid"] = "abcdefghij\x00kl"
    page = client.get("/")
    assert page.status_code == 400 and "Requête invalide" in page.content.decode()

"""A request sent twice files one complaint: the web form's one-time token, the REST API's
Idempotency-Key, Open311's header or the same request within a short window."""

import re

from django.test import Client

from doleances.models import Category, Complaint
from open311.models import RequestAttributes
from tests.conftest import make_partner_account, token_client

API = "/api/v1/doleances/"
PAYLOAD = {"category": "bruit-rue", "latitude": 48.8665, "longitude": 2.3745}
OPEN311 = {"service_code": "bruit-rue", "lat": "48.8675", "long": "2.3650"}


def test_the_web_form_sent_twice_files_one_complaint(client, paris):
    page = client.get("/signaler/").content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = {
        "category": Category.objects.get(code="bruit-rue").pk,
        "latitude": 48.8665,
        "longitude": 2.3745,
        "description": "Musique forte",
        "form_token": token,
    }
    first = client.post("/signaler/", data)
    again = client.post("/signaler/", data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == "/signaler/confirmation/"
    assert Complaint.objects.count() == 1
    # Another browser replaying the token gets no confirmation page (no tracking link).
    stranger = Client().post("/signaler/", data)
    assert stranger.status_code == 302 and stranger["Location"] == "/signaler/"
    assert Complaint.objects.count() == 1
    # A fresh form files a second complaint.
    fresh = re.search(
        r'name="form_token" value="([^"]+)"', client.get("/signaler/").content.decode()
    ).group(1)
    assert fresh != token
    client.post("/signaler/", {**data, "form_token": fresh})
    assert Complaint.objects.count() == 2


def test_rest_idempotency_key(partner):
    first = partner.post(API, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    again = partner.post(API, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert Complaint.objects.count() == 1
    # The same key for another request is the client's bug: refused, nothing stored.
    other = partner.post(
        API, {**PAYLOAD, "description": "autre"}, format="json", HTTP_IDEMPOTENCY_KEY="cle-1"
    )
    assert other.status_code == 400 and "idempotency_key" in other.json()["errors"]
    bad = partner.post(API, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY="é" * 3)
    assert bad.status_code == 400
    # Without a key, two sends are two complaints (as before).
    partner.post(API, PAYLOAD, format="json")
    partner.post(API, PAYLOAD, format="json")
    assert Complaint.objects.count() == 3


def test_open311_retry_with_or_without_a_header(client, paris, api_key):
    url = "/open311/v2/requests.json"
    first = client.post(url, {"api_key": api_key, **OPEN311}).json()
    again = client.post(url, {"api_key": api_key, **OPEN311}).json()
    assert first[0]["service_request_id"] == again[0]["service_request_id"]
    assert Complaint.objects.count() == RequestAttributes.objects.count() == 1
    keyed = {"api_key": api_key, **OPEN311, "description": "autre"}
    one = client.post(url, keyed, HTTP_IDEMPOTENCY_KEY="k1").json()
    two = client.post(url, keyed, HTTP_IDEMPOTENCY_KEY="k1").json()
    assert one[0]["service_request_id"] == two[0]["service_request_id"]
    assert Complaint.objects.count() == 2
    conflict = client.post(url, {**keyed, "description": "encore"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert conflict.status_code == 400


def test_open311_past_its_deadline_commits_nothing(client, paris, api_key, settings):
    settings.CPPS_INTAKE_DEADLINE_SECONDS = -1  # the client has already given up
    response = client.post("/open311/v2/requests.json", {"api_key": api_key, **OPEN311})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert not Complaint.objects.exists()


def test_rest_past_its_deadline_commits_nothing(partner, settings):
    settings.CPPS_INTAKE_DEADLINE_SECONDS = -1
    response = partner.post(API, PAYLOAD, format="json")
    assert response.status_code == 503
    assert not Complaint.objects.exists()


def test_rest_answer_needs_no_query_after_the_commit(paris_live):
    """The database dies right after the commit: the client still gets its 201, because the
    answer was built from what the transaction held (a 5xx must mean "nothing stored")."""
    from django.db import OperationalError, connection, transaction

    client = token_client(make_partner_account())

    def dead(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    def kill_after_commit(*args, **kwargs):
        transaction.on_commit(lambda: connection.execute_wrappers.append(dead))

    from doleances.signals import complaint_filed

    complaint_filed.connect(kill_after_commit, dispatch_uid="test-kill-after-commit")
    try:
        response = client.post(API, PAYLOAD, format="json")
    finally:
        complaint_filed.disconnect(dispatch_uid="test-kill-after-commit")
        if dead in connection.execute_wrappers:
            connection.execute_wrappers.remove(dead)
    assert response.status_code == 201, response.content
    assert Complaint.objects.filter(reference=response.json()["reference"]).exists()
    assert response.json()["category"]["family"]["code"]

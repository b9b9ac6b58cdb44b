"""'Already reported nearby' at intake: the JSON list and following an open complaint."""

import pytest
from django.core import mail

from doleances.choices import Channel, Status
from doleances.models import Category, Complainant, Complaint
from doleances.services import ComplaintInput, ContactInput, file_complaint

NEAR = (48.8665, 2.3745)  # Folie-Méricourt, 11e
CLOSE_BY = (48.8669, 2.3748)  # ~50 m away
FAR = (48.8530, 2.3690)  # ~1.5 km away


def filed(code, where, description="Musique très forte", email=""):
    return file_complaint(
        ComplaintInput(
            category=Category.objects.get(code=code),
            channel=Channel.WEB,
            description=description,
            latitude=where[0],
            longitude=where[1],
            contact=ContactInput(email=email, name="Déclarante"),
        )
    )


@pytest.fixture
def reported(paris):
    return filed("bruit-etablissement", NEAR, email="premiere@example.org")


def nearby(client, code, where):
    category = Category.objects.get(code=code)
    return client.get(
        "/signaler/doublons/", {"category": category.pk, "lat": where[0], "lon": where[1]}
    )


def test_nearby_open_complaint_of_the_same_family_is_listed(client, reported):
    filed("depots-sauvages", CLOSE_BY)  # another family: not a duplicate
    filed("bruit-rue", FAR)  # same family but far away
    response = nearby(client, "bruit-rue", CLOSE_BY)
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["reference"] == reported.reference
    assert item["category"] == "Bruit d'un établissement (bar, restaurant, club)"
    assert 30 <= item["distance_m"] <= 80
    assert item["status_label"] == "Nouvelle"
    assert item["received_label"]
    # Public facts only.
    text = response.content.decode()
    assert "Musique" not in text and "premiere@" not in text and "Déclarante" not in text
    assert "latitude" not in text and "tracking" not in text
    assert set(item) == {
        "reference",
        "category",
        "received_at",
        "received_label",
        "distance_m",
        "status_label",
    }


def test_closed_complaints_are_not_offered(client, reported):
    Complaint.objects.filter(pk=reported.pk).update(status=Status.CLOSED)
    assert nearby(client, "bruit-rue", CLOSE_BY).json()["results"] == []


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"category": "abc", "lat": "48.86", "lon": "2.37"},
        {"category": "999999", "lat": "48.86", "lon": "2.37"},
        {"category": "1", "lat": "nan", "lon": "2.37"},
        {"category": "1", "lat": "1e999", "lon": "2.37"},
        {"category": "1", "lat": "91", "lon": "2.37"},
        {"category": "1", "lat": "48.86", "lon": "\x00"},
    ],
)
def test_bad_nearby_queries_are_400_json(client, paris, query):
    response = client.get("/signaler/doublons/", query)
    assert response.status_code == 400
    assert response.json()["errors"]


def offered(client, complaint):
    """The form showed this browser the complaint as already reported nearby."""
    results = nearby(client, "bruit-rue", CLOSE_BY).json()["results"]
    assert complaint.reference in [r["reference"] for r in results]


def test_distances_shown_to_residents_are_rounded_to_ten_metres(client, reported):
    [item] = nearby(client, "bruit-rue", CLOSE_BY).json()["results"]
    assert item["distance_m"] % 10 == 0


def test_follow_an_open_complaint(client, reported, django_capture_on_commit_callbacks):
    offered(client, reported)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/signaler/doublons/suivre/",
            {"reference": reported.reference, "email": "voisin@example.org"},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_url"].endswith(f"/suivi/{reported.reference}/{reported.tracking_token}/")
    assert reported.reference in body["message"]
    follower = Complainant.objects.get(email="voisin@example.org")
    assert follower.complaint == reported and not follower.is_original_reporter
    assert [m.to for m in mail.outbox] == [["voisin@example.org"]]
    # The follower's browser sees the case, not the first reporter's text.
    page = client.get(body["tracking_url"]).content.decode()
    assert reported.reference in page and "Musique" not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": ""}, "email", "Indiquez votre adresse"),
        ({"email": "pas-un-courriel"}, "email", "adresse électronique valide"),
        ({"reference": "DOL-1999-000001"}, "reference", "proposé près du lieu"),
        ({"reference": "n'importe quoi"}, "reference", "Référence invalide"),
    ],
)
def test_follow_errors(client, reported, data, field, message):
    offered(client, reported)
    payload = {"reference": reported.reference, "email": "v@example.org", **data}
    response = client.post("/signaler/doublons/suivre/", payload)
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])
    assert Complainant.objects.count() == 1


def test_follow_a_complaint_not_offered_to_this_browser_is_refused(client, reported):
    """Knowing (or guessing) a reference is not enough to receive news of someone's case."""
    response = client.post(
        "/signaler/doublons/suivre/", {"reference": reported.reference, "email": "v@example.org"}
    )
    assert response.status_code == 400
    assert "proposé près du lieu" in " ".join(response.json()["errors"]["reference"])
    assert Complainant.objects.count() == 1


def test_follow_a_closed_complaint_is_refused(client, reported):
    offered(client, reported)
    Complaint.objects.filter(pk=reported.pk).update(status=Status.CLOSED)
    response = client.post(
        "/signaler/doublons/suivre/", {"reference": reported.reference, "email": "v@example.org"}
    )
    assert response.status_code == 400
    assert Complainant.objects.count() == 1


def test_follow_needs_post_and_csrf(paris, reported):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/signaler/doublons/suivre/").status_code == 405
    response = strict.post(
        "/signaler/doublons/suivre/", {"reference": reported.reference, "email": "v@example.org"}
    )
    assert response.status_code == 403
    assert Complainant.objects.count() == 1

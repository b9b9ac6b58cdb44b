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
    assert item["distance_label"] == "moins de 100 m"
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
        "distance_label",
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


def test_follow_an_open_complaint(client, reported, django_capture_on_commit_callbacks):
    offered(client, reported)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/signaler/doublons/suivre/",
            {"reference": reported.reference, "email": "voisin@example.org"},
        )
    assert response.status_code == 200
    body = response.json()
    # Never a tracking link in the answer: the reporter's link stays the reporter's.
    assert "tracking_url" not in body and "/suivi/" not in response.content.decode()
    assert reported.tracking_token not in response.content.decode()
    assert reported.reference in body["message"] and "confirmation" in body["message"]
    follower = Complainant.objects.get(email="voisin@example.org")
    assert follower.complaint == reported and not follower.is_original_reporter
    assert follower.confirmed_at is None
    [confirmation] = mail.outbox
    assert confirmation.to == ["voisin@example.org"]
    assert reported.tracking_token not in confirmation.body
    confirm_path = "/suivi/confirmer/" + confirmation.body.split("/suivi/confirmer/")[1].split()[0]
    # Opening the link (as a mail scanner would) confirms nothing; the button does.
    assert client.get(confirm_path).status_code == 200
    assert Complainant.objects.get(pk=follower.pk).confirmed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(confirm_path)
    follower.refresh_from_db()
    own_path = f"/suivi/{reported.reference}/{follower.tracking_token}/"
    assert confirmed.status_code == 302 and confirmed["Location"] == own_path
    assert follower.tracking_token != reported.tracking_token
    assert own_path in mail.outbox[1].body
    # The follower's page shows the case, not the first reporter's text, and « Ne plus suivre ».
    page = client.get(own_path).content.decode()
    assert reported.reference in page and "Musique" not in page and "Ne plus suivre" in page
    assert client.post(own_path + "arreter/").status_code == 302
    assert client.get(own_path).status_code == 404
    assert Complainant.objects.get(pk=follower.pk).email == ""
    # The reporter's own link still works.
    assert client.get(f"/suivi/{reported.reference}/{reported.tracking_token}/").status_code == 200


def test_a_forged_or_expired_confirmation_confirms_nothing(client, reported):
    from django.core import signing

    from traitement.followers import CONFIRM_SALT

    reporter = reported.complainants.get().pk
    other_purpose = signing.dumps(reporter, salt="autre-chose")
    # Even signed for this purpose, the reporter's own row is no follower to confirm.
    not_a_follower = signing.dumps(reporter, salt=CONFIRM_SALT, compress=True)
    for token in ("forge", other_purpose, not_a_follower):
        assert client.post(f"/suivi/confirmer/{token}/").status_code == 404


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

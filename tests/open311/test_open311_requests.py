"""GET requests and GET a request: filters, both formats, schemas, privacy, case facts."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from doleances.bulk import file_complaints
from doleances.choices import Channel, Status
from doleances.models import Category, Complaint
from doleances.services import ComplaintInput, ContactInput, file_complaint
from open311.choices import open311_status
from open311.keys import create_key
from tests.open311.conftest import (
    REPUBLIQUE,
    error_descriptions,
    json_of,
    post_request,
    xml_of,
    xml_records,
)
from traitement import services as casework

pytestmark = pytest.mark.django_db

PERSONAL = {
    "description": "Mon voisin Jean Dupont du 3e étage fait la fête tous les soirs.",
    "address": "12 rue Oberkampf, chez Mme Léa Petit, 75011 Paris",
    "name": "Claire Personnelle",
    "email": "claire.personnelle@example.org",
    "phone": "0611223344",
    "media_url": "https://photos.example.org/claire/voisin.jpg",
}


def _file(code="bruit-rue", days_ago=0, lat=48.867512, lon=2.365043, **extra) -> Complaint:
    return file_complaint(
        ComplaintInput(
            category=Category.objects.get(service_code=code),
            channel=Channel.WEB,
            latitude=lat,
            longitude=lon,
            received_at=timezone.now() - timedelta(days=days_ago),
            **extra,
        )
    )


def _agent():
    return get_user_model().objects.get_or_create(username="agent-test")[0]


def _get(client, path, fmt="json", **params):
    response = client.get(f"/open311/v2/{path}.{fmt}", params)
    assert response.status_code == 200, response.content
    if fmt == "json":
        return json_of(response)
    root = xml_of(response)
    assert root.tag == "service_requests"
    assert all(child.tag == "request" for child in root)
    return xml_records(root, "request")


def _ids(records) -> list[str]:
    return [r["service_request_id"] for r in records]


def _as_xml_text(record: dict) -> dict:
    return {k: None if v is None else str(v) for k, v in record.items()}


def test_list_validates_and_xml_says_the_same_as_json(client, paris, open311_schema):
    for code in ("bruit-rue", "megots", "rodeos"):
        _file(code)
    as_json = _get(client, "requests")
    open311_schema("requests.json", as_json)
    assert len(as_json) == 3
    as_xml = _get(client, "requests", "xml")
    assert [_as_xml_text(r) for r in as_json] == as_xml
    # Newest first.
    assert _ids(as_json) == sorted(_ids(as_json), reverse=True)


@pytest.mark.parametrize("path", ["requests/{ref}", "request/{ref}"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_one_request_by_id_and_by_the_swagger_alias(client, paris, open311_schema, path, fmt):
    complaint = _file()
    records = _get(client, path.format(ref=complaint.reference), fmt)
    assert _ids(records) == [complaint.reference]
    if fmt == "json":
        open311_schema("requests.json", records)
        open311_schema("request.json", records[0])
    assert records[0]["service_code"] == "bruit-rue"
    assert records[0]["status"] == "open"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_id_is_404(client, paris, fmt):
    response = client.get(f"/open311/v2/requests/DOL-2020-999999.{fmt}")
    assert response.status_code == 404
    assert error_descriptions(response, fmt) == ["service_request_id inconnu : DOL-2020-999999."]


def test_a_request_filed_by_open311_is_routed_with_a_deadline(client, paris, api_key):
    response = post_request(
        client,
        api_key=api_key,
        service_code="rodeos",
        **REPUBLIQUE,
        **{"attribute[frequence]": "quotidienne"},
    )
    (answer,) = json_of(response)
    complaint = Complaint.objects.get(reference=answer["service_request_id"])
    case = casework.case_for(complaint)
    assert case.desk is not None
    (shown,) = _get(client, f"requests/{complaint.reference}")
    assert shown["agency_responsible"] == case.desk.name
    assert shown["expected_datetime"] == timezone.localtime(case.due_at).isoformat(
        timespec="seconds"
    )
    assert shown["status_notes"] == "Nouvelle"


def test_status_follows_the_case_work_without_publishing_agents_messages(client, paris):
    agent = _agent()
    new, qualified, answered, closed = (_file() for _ in range(4))
    casework.qualify(casework.case_for(qualified), agent)
    casework.qualify(casework.case_for(answered), agent)
    casework.answer(
        casework.case_for(answered), agent, "Madame Personnelle, une patrouille est passée."
    )
    casework.close(
        casework.case_for(closed), agent, "resolved", message="Merci M. Dupont pour votre appel."
    )
    by_id = {r["service_request_id"]: r for r in _get(client, "requests")}
    assert by_id[new.reference]["status"] == "open"
    assert by_id[qualified.reference]["status"] == "open"
    assert by_id[qualified.reference]["status_notes"] == "Qualifiée"
    assert by_id[answered.reference]["status"] == "closed"
    assert by_id[answered.reference]["status_notes"] == "Répondue"
    assert by_id[answered.reference]["expected_datetime"] is None
    assert by_id[closed.reference]["status"] == "closed"
    assert by_id[closed.reference]["status_notes"] == "Clôturée : Résolu"
    body = client.get("/open311/v2/requests.json").content.decode()
    assert "Personnelle" not in body and "Dupont" not in body

    assert set(_ids(_get(client, "requests", status="open"))) == {
        new.reference,
        qualified.reference,
    }
    assert set(_ids(_get(client, "requests", status="closed"))) == {
        answered.reference,
        closed.reference,
    }
    assert len(_get(client, "requests", status="open,closed")) == 4


def test_a_merged_duplicate_says_which_request_it_joined(client, paris):
    main, duplicate = _file(), _file()
    casework.merge(casework.case_for(main), [casework.case_for(duplicate)], _agent())
    (shown,) = _get(client, f"requests/{duplicate.reference}")
    assert shown["status"] == "closed"
    assert shown["status_notes"] == f"Clôturée : Doublon (regroupé avec {main.reference})"


def test_closed_request_was_updated_when_it_was_closed(client, paris):
    complaint = _file(days_ago=3)
    casework.close(casework.case_for(complaint), _agent(), "not_observed")
    (shown,) = _get(client, f"requests/{complaint.reference}")
    closed_at = casework.case_for(complaint).closed_at
    assert abs(timezone.datetime.fromisoformat(shown["updated_datetime"]) - closed_at) < timedelta(
        seconds=2
    )


def test_filters_by_service_code_and_ids(client, paris):
    noise, butts, old = _file("bruit-rue"), _file("megots"), _file("megots", days_ago=200)
    assert _ids(_get(client, "requests", service_code="megots")) == [butts.reference]
    assert set(_ids(_get(client, "requests", service_code="megots,bruit-rue"))) == {
        noise.reference,
        butts.reference,
    }
    # A list of ids overrides every other argument, the default window included.
    ids = f"{old.reference},{noise.reference},DOL-1999-000001"
    assert set(_ids(_get(client, "requests", service_request_id=ids, service_code="rodeos"))) == {
        old.reference,
        noise.reference,
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_filter_is_404(client, paris, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}", {"service_code": "megots,nids"})
    assert response.status_code == 404
    assert error_descriptions(response, fmt) == ["service_code inconnu : nids."]


def test_date_window(client, paris):
    recent, month, old = _file(days_ago=1), _file(days_ago=30), _file(days_ago=100)
    # Default: the last 90 days.
    assert set(_ids(_get(client, "requests"))) == {recent.reference, month.reference}
    start = (timezone.now() - timedelta(days=110)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=25)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(_ids(_get(client, "requests", start_date=start, end_date=end))) == {
        month.reference,
        old.reference,
    }
    # Only a start: the 90 days after it.
    early = (timezone.now() - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(_ids(_get(client, "requests", start_date=early))) == {old.reference}
    # An offset whose "+" the client forgot to encode arrives as a space: still understood.
    end_paris = timezone.localtime(timezone.now() - timedelta(days=20)).strftime(
        "%Y-%m-%dT%H:%M:%S+01:00"
    )
    response = client.get(f"/open311/v2/requests.json?end_date={end_paris}")
    assert response.status_code == 200
    assert set(_ids(json_of(response))) == {month.reference, old.reference}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start_date": "hier"},
            "start_date invalide : date W3C attendue (ex. 2024-01-31T00:00:00Z).",
        ),
        (
            {"end_date": "2024-13-45T00:00:00Z"},
            "end_date invalide : date W3C attendue (ex. 2024-01-31T00:00:00Z).",
        ),
        (
            {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"},
            "La période demandée ne peut pas dépasser 90 jours.",
        ),
        (
            {"start_date": "2024-02-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"},
            "end_date doit être postérieure à start_date.",
        ),
        ({"status": "pending"}, "status invalide : pending (open ou closed)."),
    ],
    ids=["bad-start", "bad-end", "over-90-days", "end-before-start", "bad-status"],
)
def test_bad_filters_are_400(client, paris, fmt, params, message):
    response = client.get(f"/open311/v2/requests.{fmt}", params)
    assert response.status_code == 400
    assert error_descriptions(response, fmt) == [message]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_no_personal_data_in_public_output(client, paris, fmt):
    complaint = _file(
        description=PERSONAL["description"],
        address=PERSONAL["address"],
        media_url=PERSONAL["media_url"],
        contact=ContactInput(
            name=PERSONAL["name"], email=PERSONAL["email"], phone=PERSONAL["phone"]
        ),
    )
    bodies = [
        client.get(f"/open311/v2/requests.{fmt}").content.decode(),
        client.get(f"/open311/v2/requests/{complaint.reference}.{fmt}").content.decode(),
        client.get(f"/open311/v2/servicerequestupdates.{fmt}").content.decode(),
    ]
    for body in bodies:
        assert complaint.reference in body
        for value in PERSONAL.values():
            assert value not in body
        for fragment in ("Dupont", "Petit", "Personnelle", "claire", "0611223344", "Oberkampf"):
            assert fragment not in body
    (shown,) = _get(client, f"requests/{complaint.reference}", fmt)
    # A generalised place: quartier, arrondissement, postal code; ~100 m coordinates.
    assert shown["address"] == "quartier Folie-Méricourt, Paris 11e arrondissement, 75011"
    assert shown["zipcode"] == "75011"
    assert float(shown["lat"]) == 48.868 and float(shown["long"]) == 2.365
    assert shown["description"] is None and shown["media_url"] is None


def test_sensitive_services_are_only_shown_to_the_client_that_filed_them(client, paris):
    _, own_key = create_key("victim-app")
    _, other_key = create_key("other-app")
    public = _file("bruit-rue")
    response = post_request(client, api_key=own_key, service_code="vss-nuit", **REPUBLIQUE)
    (answer,) = json_of(response)
    sensitive = answer["service_request_id"]
    web_sensitive = _file("vss-nuit")

    assert _ids(_get(client, "requests")) == [public.reference]
    assert client.get(f"/open311/v2/requests/{sensitive}.json").status_code == 404
    assert _ids(_get(client, "requests", api_key=other_key)) == [public.reference]
    assert set(_ids(_get(client, "requests", api_key=own_key))) == {sensitive, public.reference}
    assert _ids(_get(client, f"requests/{sensitive}", api_key=own_key)) == [sensitive]
    assert web_sensitive.reference not in _ids(_get(client, "requests", api_key=own_key))
    # A wrong key on a GET is refused rather than silently ignored.
    response = client.get("/open311/v2/requests.json", {"api_key": "o311_wrong"})
    assert response.status_code == 403


def test_at_most_1000_records(client, paris):
    category = Category.objects.get(service_code="megots")
    result = file_complaints(
        [
            ComplaintInput(
                category=category,
                channel=Channel.IMPORT,
                latitude=48.86 + i * 1e-5,
                longitude=2.36,
                received_at=timezone.now() - timedelta(minutes=i),
            )
            for i in range(1001)
        ]
    )
    assert not result.rejected
    records = _get(client, "requests")
    assert len(records) == 1000
    newest = Complaint.objects.order_by("-received_at").first()
    assert records[0]["service_request_id"] == newest.reference


def test_open311_mapping_of_every_status():
    """GeoReport v2 knows "open" and "closed" only: an answered request is closed."""
    assert {s: open311_status(s) for s in Status} == {
        Status.NEW: "open",
        Status.QUALIFIED: "open",
        Status.ASSIGNED: "open",
        Status.IN_PROGRESS: "open",
        Status.ANSWERED: "closed",
        Status.CLOSED: "closed",
    }

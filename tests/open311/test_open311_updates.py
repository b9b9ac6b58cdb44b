"""FixMyStreet's service request updates: the public status changes of a window."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput, file_complaint
from tests.open311.conftest import error_descriptions, json_of, xml_of, xml_records
from traitement import services as casework

pytestmark = pytest.mark.django_db


def _file(code="bruit-rue", days_ago=0):
    return file_complaint(
        ComplaintInput(
            category=Category.objects.get(service_code=code),
            channel=Channel.WEB,
            latitude=48.8675,
            longitude=2.3650,
            received_at=timezone.now() - timedelta(days=days_ago),
        )
    )


def _updates(client, fmt="json", **params):
    response = client.get(f"/open311/v2/servicerequestupdates.{fmt}", params)
    assert response.status_code == 200
    if fmt == "json":
        return json_of(response)
    root = xml_of(response)
    assert root.tag == "service_requests_updates"
    assert all(child.tag == "request_update" for child in root)
    return xml_records(root, "request_update")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_updates_list_the_public_status_changes_oldest_first(client, paris, fmt):
    agent = get_user_model().objects.create(username="agent")
    complaint = _file()
    case = casework.case_for(complaint)
    casework.qualify(case, agent)
    casework.add_note(case, agent, "Note interne : voisin connu des services.")
    casework.close(case, agent, "resolved", message="Merci Mme Martin.")
    updates = [u for u in _updates(client, fmt) if u["service_request_id"] == complaint.reference]
    assert [u["status"] for u in updates] == ["open", "open", "closed"]
    assert [u["description"] for u in updates] == ["Nouvelle", "Qualifiée", "Clôturée"]
    assert [u["update_id"] for u in updates] == [
        f"{complaint.reference}-0",
        f"{complaint.reference}-1",
        f"{complaint.reference}-2",
    ]
    assert updates == sorted(updates, key=lambda u: u["updated_datetime"])
    assert all(
        set(u)
        == {
            "update_id",
            "service_request_id",
            "status",
            "updated_datetime",
            "description",
            "media_url",
        }
        for u in updates
    )
    body = client.get(f"/open311/v2/servicerequestupdates.{fmt}").content.decode()
    assert "Martin" not in body and "voisin" not in body


def test_updates_respect_the_window(client, paris):
    agent = get_user_model().objects.create(username="agent")
    old = _file(days_ago=40)
    casework.qualify(casework.case_for(old), agent)
    recent = _file(days_ago=2)
    week_ago = (timezone.now() - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    updates = _updates(client, start_date=week_ago)
    # The old request was filed outside the window but qualified inside it.
    assert [(u["service_request_id"], u["description"]) for u in updates] == [
        (recent.reference, "Nouvelle"),
        (old.reference, "Qualifiée"),
    ]
    before = (timezone.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [u["service_request_id"] for u in _updates(client, end_date=before)] == [old.reference]


def test_updates_hide_sensitive_services(client, paris):
    _file("vss-nuit")
    assert _updates(client) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_updates_with_a_bad_date_is_400(client, paris, fmt):
    response = client.get(f"/open311/v2/servicerequestupdates.{fmt}", {"start_date": "demain"})
    assert response.status_code == 400
    assert error_descriptions(response, fmt) == [
        "start_date invalide : date W3C attendue (ex. 2024-01-31T00:00:00Z)."
    ]

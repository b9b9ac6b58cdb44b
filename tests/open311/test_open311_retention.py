"""Retention: the free-text answers and the address id go with the complaint's personal data."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from doleances.models import Complaint
from doleances.retention import purge_personal_data
from open311.models import RequestAttributes
from tests.open311.conftest import json_of, post_request
from traitement import services as casework

pytestmark = pytest.mark.django_db


def test_purge_erases_free_text_answers_and_address_id_but_keeps_choices(client, paris, api_key):
    params = {
        "service_code": "bruit-etablissement",
        "address_id": "75111_8158_00010",
        "attribute[nom_etablissement]": "Chez Mme Martin",
        "attribute[type_etablissement]": "bar",
    }
    (answer,) = json_of(post_request(client, api_key=api_key, **params))
    complaint = Complaint.objects.get(reference=answer["service_request_id"])
    casework.close(
        casework.case_for(complaint), get_user_model().objects.create(username="a"), "resolved"
    )
    report = purge_personal_data(now=timezone.now() + timedelta(days=800))
    assert report.others["open311_request_attributes"] == 1
    stored = RequestAttributes.objects.get(complaint=complaint)
    assert stored.values == {"type_etablissement": "bar"}
    assert stored.address_id == ""
    # Idempotent.
    assert (
        purge_personal_data(now=timezone.now() + timedelta(days=800)).others[
            "open311_request_attributes"
        ]
        == 0
    )

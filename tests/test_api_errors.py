"""core.api.exception_handler: known errors are 4xx/503 bodies; anything else a logged 500."""

import logging

from django.core.exceptions import ValidationError
from django.db import OperationalError
from rest_framework.exceptions import NotFound

from core.api import exception_handler


def test_unexpected_errors_are_logged_500s_not_hidden_as_bad_requests(caplog):
    for error in (ValueError("bug"), TypeError("bug"), KeyError("bug")):
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="core.api"):
            response = exception_handler(error, {"view": None})
        assert response.status_code == 500
        assert "Requête invalide" not in str(response.data)
        assert caplog.records and caplog.records[0].exc_info[1] is error


def test_known_errors_keep_their_answers():
    assert exception_handler(NotFound(), {}).status_code == 404
    invalid = exception_handler(ValidationError({"email": ["Adresse invalide."]}), {})
    assert invalid.status_code == 400 and invalid.data == {
        "errors": {"email": ["Adresse invalide."]}
    }
    outage = exception_handler(OperationalError("down"), {})
    assert outage.status_code == 503 and outage["Retry-After"] == "2"

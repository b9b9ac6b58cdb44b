"""Schemathesis over every operation of the OpenAPI schema, in-process (WSGI), anonymous and
with a partner's token: never a 5xx, never an answer the schema does not describe (status,
content type, body). Bounded: a few examples per operation, no shrinking past a deadline."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from cpps.wsgi import application
from tests.conftest import make_partner_account

schema = schemathesis.from_wsgi("/api/schema/?format=json", application)
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


@pytest.fixture
def same_connection():
    """As Django's test client does: requests keep the test's database connection (its
    transaction is the test's) instead of closing it at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def partner_token(paris, same_connection):
    return Token.objects.create(user=make_partner_account()).key


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.parametrize("auth", ["anonymous", "token"])
def test_api_never_fails_nor_breaks_its_schema(case, auth, partner_token):
    headers = {"Authorization": f"Token {partner_token}"} if auth == "token" else {}
    response = case.call_wsgi(headers=headers)
    case.validate_response(response, checks=CHECKS)

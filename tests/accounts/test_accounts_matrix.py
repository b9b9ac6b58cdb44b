"""Role × route matrix: what each role gets on every page, API endpoint, export and admin
screen, as one data table (PAGES) tested both ways — who may, who may not — including
objects reached by guessing their URL.

The rows are kept per domain in tests/accounts/matrix/ (`common` says what a row is,
`world` builds the accounts and objects they are requested with).

Every route must have a row: tests/accounts/test_accounts_matrix_coverage.py fails when a
named route has none. A known permission bug is a row asserting the correct outcome with the
affected roles in `bugs` (strict xfail), so that it stays visible until it is fixed.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.accounts.matrix.admin import ADMIN_PAGES
from tests.accounts.matrix.api import API_PAGES
from tests.accounts.matrix.cases import CASE_PAGES
from tests.accounts.matrix.common import ADMIN_LOGIN, FORM_ENCODED, LOGIN, ROLES, Page
from tests.accounts.matrix.contract import CONTRACT_PAGES
from tests.accounts.matrix.observatory import OBSERVATORY_PAGES
from tests.accounts.matrix.prevention import PREVENTION_PAGES
from tests.accounts.matrix.public import OPEN311_PAGES, PUBLIC_PAGES
from tests.accounts.matrix.victims import VICTIMS_PAGES
from tests.accounts.matrix.world import build_world

PAGES = [
    *PUBLIC_PAGES,
    *OPEN311_PAGES,
    *ADMIN_PAGES,
    *API_PAGES,
    *CASE_PAGES,
    *OBSERVATORY_PAGES,
    *CONTRACT_PAGES,
    *PREVENTION_PAGES,
    *VICTIMS_PAGES,
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction rolled back at its end; each test runs in
    a savepoint of it (pytest-django's `db`), so what a POST changes is undone.

    The observatory's store is refreshed once, after filing (pages never refresh it: the
    worker does, and none runs here): a refresh during a test would make the next steering
    pages recompute the contract's computed values in every test (their writes are rolled
    back each time)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --- the test -----------------------------------------------------------------------------


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL) + "?"):
            return LOGIN
        if location.startswith(reverse("admin:login") + "?"):
            return ADMIN_LOGIN
    return response.status_code


def request(client, page: Page, role: str, world):
    headers = {}
    if role != "anonymous":
        if page.auth == "token":
            headers["HTTP_AUTHORIZATION"] = f"Token {world['tokens'][role]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
    url = page.url(world)
    if page.method == "get":
        return client.get(url, **headers)
    data = page.resolve(page.data, world)
    if page.content_type == FORM_ENCODED:
        data = urlencode(data, doseq=True)
    if page.content_type:
        return getattr(client, page.method)(url, data, content_type=page.content_type, **headers)
    return getattr(client, page.method)(url, data, **headers)


def cases():
    for page in PAGES:
        for role in ROLES:
            marks = []
            if role in page.bugs:
                marks.append(pytest.mark.xfail(strict=True, reason=f"bug: {page.bugs[role]}"))
            yield pytest.param(page, role, marks=marks, id=f"{page.id()} @{role}")


def test_every_row_has_one_outcome_per_role():
    ids = [page.id() for page in PAGES]
    assert not [i for i in ids if ids.count(i) > 1], "rows need distinct labels"
    for page in PAGES:
        assert set(page.expect) == set(ROLES), f"{page.id()}: one expected outcome per role"
        assert set(page.bugs) | set(page.hidden_from) <= set(ROLES), page.id()


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "role"), list(cases()))
def test_role_route_matrix(client, world, page, role):
    response = request(client, page, role, world)
    assert outcome(response) == page.expect[role]
    if page.hidden and role in page.hidden_from and 200 <= response.status_code < 300:
        body = b"".join(response) if response.streaming else response.content
        assert page.hidden(world).encode() not in body

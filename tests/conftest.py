"""Shared fixtures: the Paris referentials in the test database, users per role, a browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from accounts.choices import Role
from cpps.bootstrap import load_referentials
from tests import factories

GEO_DIR = Path(os.environ["CPPS_GEO_DIR"])
DATA_DIR = Path(os.environ["CPPS_DATA_DIR"])
CHROMIUM = os.environ.get("CPPS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _territory_version_checked():
    """A test's rolled-back territory edits leave no index behind (a process trusts its index
    for a few seconds, `territory.services.VERSION_CHECK_SECONDS`): each test checks the
    version once, as a process does after that delay."""
    from core import memo
    from territory import services

    services._cached.pop("checked_until", None)
    memo.clear_all()  # the referential rows kept a few seconds (core.memo), likewise


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the Paris referentials once into the test database."""
    with django_db_blocker.unblock():
        load_referentials(GEO_DIR)


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _every_complaint_has_its_case(request):
    """After every test that used the database: the invariant of `traitement.checks` holds
    (whatever path the test filed its complaints through)."""
    uses_db = request.node.get_closest_marker("django_db") or (
        DATABASE_FIXTURES & set(request.fixturenames)
    )
    if not uses_db:
        yield
        return
    request.getfixturevalue("_django_db_helper")  # torn down after this check
    yield
    from traitement.checks import every_complaint_has_its_case

    assert every_complaint_has_its_case(databases=["default"]) == []


@pytest.fixture
def paris(db):
    """The Paris territory and referentials; reloaded if a transactional test flushed them."""
    from territory.models import Quartier

    if not Quartier.objects.exists():
        load_referentials(GEO_DIR)


@pytest.fixture
def make_user(paris):
    """make_user(role, desk="pm-18", sector="paris-18", partner=..., arrondissements=[1],
    username=..., superuser=False, active=True) -> User (see tests/factories.py)."""
    return factories.make_user


def token_client(user):
    """A DRF client that authenticates as `user` with a fresh API token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def make_partner_account():
    """A partner's system: the account of the 11th district municipal police's desk
    supervisor (desk "pm-11"), as the REST API tests use it."""
    return factories.make_user(Role.DESK_SUPERVISOR, desk="pm-11", username="systeme.pm11")


@pytest.fixture
def partner(paris):
    """The partner's system (`make_partner_account`) behind an API client with its token."""
    return token_client(make_partner_account())


@pytest.fixture
def api_key(db):
    """The secret of an active Open311 key of client "test-client"."""
    from open311.keys import create_key

    return create_key("test-client", rate_limit=1000)[1]


@pytest.fixture
def users(make_user):
    """One account per role; agents and supervisors at the Police municipale desk of the 18th."""
    return {
        "case_agent": make_user(Role.CASE_AGENT, desk="pm-18"),
        "desk_supervisor": make_user(Role.DESK_SUPERVISOR, desk="pm-18"),
        "analyst": make_user(Role.ANALYST),
        "cspa_coordinator": make_user(Role.CSPA_COORDINATOR, sector="paris-18"),
        "contract_pilot": make_user(Role.CONTRACT_PILOT),
        "victim_support": make_user(Role.VICTIM_SUPPORT, partner="paris-aide-victimes"),
        "administrator": make_user(Role.ADMINISTRATOR),
    }


@pytest.fixture
def paris_live(transactional_db):
    """Referentials for tests that run a live server (their data is flushed afterwards)."""
    load_referentials(GEO_DIR)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download cannot work here)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable : {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Tests run offline: anything not served by the test server (map tiles…) fails at once, as
# it would without a network, instead of waiting for a DNS or connect timeout.
OUTSIDE = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])")


def offline_context(browser, **options):
    context = browser.new_context(locale="fr-FR", **options)
    context.route(OUTSIDE, lambda route: route.abort("internetdisconnected"))
    return context


def log_in(page, live_server, username: str, next_url: str = "/") -> None:
    """Log in through the login form (the password of tests/factories.py), then to `next_url`;
    the page's earlier session is dropped first."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/comptes/connexion/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")


@pytest.fixture
def page(browser):
    context = offline_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()

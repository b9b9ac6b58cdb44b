"""Shared fixtures: the Paris referentials in the test database, users per role, a browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from cpps.bootstrap import load_referentials

GEO_DIR = Path(os.environ["CPPS_GEO_DIR"])
DATA_DIR = Path(os.environ["CPPS_DATA_DIR"])
CHROMIUM = os.environ.get("CPPS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the Paris referentials once into the test database."""
    with django_db_blocker.unblock():
        load_referentials(GEO_DIR)


@pytest.fixture
def paris(db):
    """The Paris territory and referentials; reloaded if a transactional test flushed them."""
    from territory.models import Quartier

    if not Quartier.objects.exists():
        load_referentials(GEO_DIR)


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


@pytest.fixture
def page(browser):
    context = offline_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()

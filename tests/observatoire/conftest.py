"""Observatory tests: demo complaints filed once per module, accounts per role.

The demo complaints are committed outside the tests' transactions (module scope), so every
test of a module reads the same store; they are flushed at the end of the module.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from accounts.choices import Role
from cpps.bootstrap import load_referentials
from doleances import demo
from doleances.bulk import file_complaints
from doleances.models import Category
from observatoire import services
from tests.conftest import GEO_DIR

SVG = "{http://www.w3.org/2000/svg}"
DEMO_COMPLAINTS = 4_000
DEMO_SEED = 11
# Over two years and a half: the seasonal baseline needs more than a year of history.
DEMO_START = date.today() - timedelta(days=913)


def file_demo(count: int = DEMO_COMPLAINTS, seed: int = DEMO_SEED, start=None, end=None):
    """File `count` demo complaints through the batch intake; returns the BulkResult."""
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    arrays = demo.generate(
        count,
        seed=seed,
        start=start or DEMO_START,
        end=end or date.today(),
        categories=sorted(categories),
    )
    return file_complaints(demo.complaint_inputs(arrays, categories, seed, range(count)))


def parse_svg(content) -> ET.Element:
    """Our own SVG output as an element tree; fails unless it is a standalone SVG image."""
    root = ET.fromstring(content)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    return root


@pytest.fixture(scope="module")
def demo_store(django_db_setup, django_db_blocker):
    """The Paris referentials and DEMO_COMPLAINTS complaints, in the database and the store."""
    with django_db_blocker.unblock():
        load_referentials(GEO_DIR)
        file_demo()
        services.refresh(full=True)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        load_referentials(GEO_DIR)
        services.refresh(full=True)


@pytest.fixture
def roles(make_user):
    """One account per role; the coordinator is the 18th's."""
    return {
        "analyst": make_user(Role.ANALYST),
        "contract_pilot": make_user(Role.CONTRACT_PILOT),
        "administrator": make_user(Role.ADMINISTRATOR),
        "cspa_coordinator": make_user(Role.CSPA_COORDINATOR, sector="paris-18"),
        "case_agent": make_user(Role.CASE_AGENT, desk="pm-18"),
        "desk_supervisor": make_user(Role.DESK_SUPERVISOR, desk="pm-18"),
        "victim_support": make_user(Role.VICTIM_SUPPORT),
    }

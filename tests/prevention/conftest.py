"""Accounts and events for the prevention tests."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.choices import Role
from accounts.models import Partner
from prevention.models import Event, GroupTerritory
from prevention.territories import ensure_quartier_territories
from territory.models import Quartier


@pytest.fixture
def territories(paris):
    ensure_quartier_territories()
    return {t.code: t for t in GroupTerritory.objects.all()}


@pytest.fixture
def mediator18(make_user):
    return make_user(
        Role.PREVENTION_PARTNER,
        partner="ville-paris",
        arrondissements=[18],
        email="mediation18@example.org",
    )


@pytest.fixture
def mediator13(make_user):
    return make_user(Role.PREVENTION_PARTNER, partner="ville-paris", arrondissements=[13])


def quartier_code(arrondissement: int, index: int = 0) -> str:
    return (
        Quartier.objects.filter(arrondissement__number=arrondissement)
        .order_by("number")[index]
        .insee_code
    )


def make_event(
    territory_codes, day: date, *, kind="rixe", arrondissement=18, partner="ville-paris"
):
    event = Event.objects.create(
        kind=kind,
        day=day,
        slot=9,
        quartier=Quartier.objects.get(insee_code=quartier_code(arrondissement)),
        size_band="6-15",
        weapon="aucune",
        injured_band="0",
        minors_involved="inconnu",
        near_school=False,
        reporting_partner=Partner.objects.get(code=partner),
        follow_up="aucune",
    )
    event.territories.set(GroupTerritory.objects.filter(code__in=territory_codes))
    return event


def q(arrondissement: int, index: int = 0) -> str:
    """Code of the group territory of a quartier of `arrondissement`."""
    number = (
        Quartier.objects.filter(arrondissement__number=arrondissement)
        .order_by("number")[index]
        .number
    )
    return f"q-{number}"

"""Accounts per role and contract indicators for the steering tests."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts.choices import Role
from accounts.models import Desk, Partner, Profile
from contrat.choices import Direction, IndicatorSource
from contrat.models import Indicator, IndicatorTarget, Priority
from territory.models import Sector


@pytest.fixture
def staff(paris):
    """staff(role, sector="paris-18", partner="ville-paris", desk="pm-18") -> User."""
    counter = iter(range(1, 10_000))

    def make(role, *, sector=None, partner=None, desk=None, username=None):
        user = get_user_model().objects.create_user(
            username=username or f"{role}-contrat-{next(counter)}", password="motdepasse-test"
        )
        desk_obj = Desk.objects.get(code=desk) if desk else None
        Profile.objects.create(
            user=user,
            role=role,
            desk=desk_obj,
            partner=Partner.objects.get(code=partner)
            if partner
            else (desk_obj.partner if desk_obj else None),
            sector=Sector.objects.get(code=sector) if sector else None,
        )
        user.refresh_from_db()
        return user

    return make


@pytest.fixture
def pilot(staff):
    return staff(Role.CONTRACT_PILOT, username="pilote-test")


@pytest.fixture
def make_indicator(paris):
    """make_indicator("code", priority="3.2", targets={2025: 10}, ...) -> Indicator."""

    def make(
        code,
        *,
        priority="3.2",
        name=None,
        unit="réunions",
        direction=Direction.HIGHER_IS_BETTER,
        source=IndicatorSource.MANUAL,
        partner="ville-paris",
        by_sector=True,
        measure="",
        params=None,
        targets=None,
    ):
        indicator = Indicator.objects.create(
            code=code,
            priority=Priority.objects.get(code=priority),
            name=name or f"Indicateur {code}",
            unit=unit,
            direction=direction,
            source=source,
            responsible_partner=Partner.objects.get(code=partner) if partner else None,
            by_sector=by_sector,
            measure=measure,
            measure_params=params or {},
        )
        for year, value in (targets or {}).items():
            IndicatorTarget.objects.create(indicator=indicator, year=year, value=value)
        return indicator

    return make

"""Accounts per role and contract indicators for the steering tests."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from accounts.models import Partner
from contrat.choices import Direction, IndicatorSource
from contrat.models import Indicator, IndicatorTarget, Priority


@pytest.fixture
def pilot(make_user):
    return make_user(Role.CONTRACT_PILOT, username="pilote-test")


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

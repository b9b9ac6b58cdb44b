"""Periods cut by the edges of the chosen dates (issue 11 §5): a first week of 2 days counted
≈ 17 against ≈ 125 and read as a dip; the barometer's last week was a red point. Partial
periods are marked (hollow point, « Période incomplète » column, note) and never coloured;
the barometer leaves them out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from observatoire import barometre, dashboard, services
from observatoire.services import Filters

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_store")]


def test_partial_weeks_are_marked_and_never_coloured():
    # Saturday 2025-03-01 to Wednesday 2025-04-30: a 2-day first week, a 3-day last week.
    f = Filters.from_querydict({"du": "2025-03-01", "au": "2025-04-30"})
    section = dashboard.section("evolution", f, {"grain": "week"}, dashboard.store_version())
    first, last = section.rows[0], section.rows[-1]
    assert first["partial"] and first["days"] == 2 and first["partial_label"] == "oui (2 j)"
    assert last["partial"] and last["days"] == 3
    assert not any(r["partial"] for r in section.rows[1:-1])
    svg = section.chart()
    assert svg.count('class="partial"') == 2
    assert "Période incomplète" in svg and "période incomplète" in svg
    assert "leur nombre n'est pas une baisse" in section.note
    assert "Période incomplète" in section.csv().splitlines()[0]


def test_whole_months_are_not_partial():
    f = Filters.from_querydict({"du": "2025-01-01", "au": "2025-06-30"})
    section = dashboard.section("evolution", f, {"grain": "month"}, dashboard.store_version())
    assert not any(r["partial"] for r in section.rows)
    assert 'class="partial"' not in section.chart()


def test_the_barometer_leaves_partial_weeks_out():
    month = barometre.previous_month(timezone.localdate())
    report = barometre.build(month, None)
    f = barometre.month_filters(month, None)
    weeks = services.time_series(f.replace(start=f.end - timedelta(weeks=53, days=-1)), "week")
    whole = [r for r in weeks if not dashboard.is_partial(r, "week")]
    assert len(whole) < len(weeks)  # the year's edges cut its first or last week
    assert f"— {len(whole)} périodes" in report["series_svg"]
    assert 'class="partial"' not in report["series_svg"]

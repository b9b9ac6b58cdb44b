"""Every measure of `observatoire.services` on small data sets whose answers can be counted
by hand, and the filters read from untrusted URLs."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import h3
import numpy as np
import pytest
from django.http import QueryDict
from django.utils import timezone
from test_obs_store import (
    assert_rollups_match_facts,
    file_many,
    fresh_store,
    paris_time,
    quartier_point,
)

from doleances.choices import Channel
from doleances.models import Category
from observatoire import services, store
from observatoire.facts import ANSWER_BUCKETS, answer_bucket
from observatoire.filters import Filters
from territory.models import Arrondissement, Quartier
from traitement import services as workflow
from traitement.choices import ClosingReason
from traitement.models import Case

# Fixtures shared with the store tests (pytest finds them by name in this module).
SHARED_FIXTURES = (file_many, fresh_store, quartier_point)
YEAR_2025 = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31))


@pytest.fixture
def known(fresh_store, file_many):
    """7 complaints in 2025 (one located by postal code only) and 2 in 2024.

    | when (Paris time)     | what                | where                  | channel  |
    | Mon 10 Mar 2025 10:00 | 3 × bruit-rue       | quartier 41 (11e)      | web      |
    | Mon 10 Mar 2025 10:00 | 1 × bruit-rue       | 75011, no quartier     | web      |
    | Tue 11 Mar 2025 23:00 | 2 × depots-sauvages | quartier 1 (1er)       | DansMaRue|
    | Sat 21 Jun 2025 22:00 | 1 × bruit-etablissement | quartier 41 (11e)  | 3975     |
    | Tue 12 Mar 2024 10:00 | 2 × bruit-rue       | quartier 41 (11e)      | web      |
    """
    created = file_many(
        [("bruit-rue", 41, paris_time(2025, 3, 10, 10))] * 3
        + [("bruit-rue", None, paris_time(2025, 3, 10, 10))]
        + [("depots-sauvages", 1, paris_time(2025, 3, 11, 23), Channel.DANSMARUE)] * 2
        + [("bruit-etablissement", 41, paris_time(2025, 6, 21, 22), Channel.PHONE_3975)]
        + [("bruit-rue", 41, paris_time(2024, 3, 12, 10))] * 2
    )
    services.refresh()
    return created


def population(*numbers: int) -> int:
    return sum(
        Arrondissement.objects.filter(number__in=numbers).values_list("population", flat=True)
    )


def by_key(rows):
    return {r["key"]: r for r in rows}


# --- key figures -----------------------------------------------------------------------------


def test_key_figures_count_compare_with_last_year_and_rate(known):
    figures = services.key_figures(YEAR_2025)
    paris = population(*range(1, 21))
    assert figures["total"] == 7
    assert figures["previous_total"] == 2
    assert figures["yoy_change_pct"] == 250.0
    assert figures["population"] == paris
    assert figures["rate_per_1000"] == round(7 / paris * 1000, 2)
    assert figures["open"] == 7
    assert figures["answered"] == 0 and figures["median_days_to_answer"] is None

    eleventh = services.key_figures(YEAR_2025.replace(sectors=("paris-11",)))
    assert (eleventh["total"], eleventh["previous_total"]) == (5, 2)
    assert eleventh["yoy_change_pct"] == 150.0
    assert eleventh["population"] == population(11)

    centre = services.key_figures(YEAR_2025.replace(arrondissements=(1, 2)))
    assert centre["total"] == 2 and centre["previous_total"] == 0
    assert centre["yoy_change_pct"] is None
    assert centre["population"] == population(1, 2)

    code = Quartier.objects.get(number=41).insee_code
    one_quartier = services.key_figures(YEAR_2025.replace(quartiers=(code,)))
    assert one_quartier["total"] == 4
    assert one_quartier["population"] is None and one_quartier["rate_per_1000"] is None


def test_periods_cut_inside_months(known):
    """Whole months come from monthly rollups, the days around them from daily ones: the
    cuts must fall exactly on the filter's dates."""
    cases = {
        (date(2025, 3, 10), date(2025, 6, 21)): 7,  # partial March, April–May, partial June
        (date(2025, 3, 11), date(2025, 6, 21)): 3,
        (date(2025, 3, 11), date(2025, 6, 20)): 2,
        (date(2025, 3, 10), date(2025, 3, 10)): 4,
        (date(2025, 2, 1), date(2025, 5, 31)): 6,  # whole months only
    }
    for (start, end), total in cases.items():
        f = Filters(start=start, end=end)
        assert services.key_figures(f)["total"] == total, (start, end)
        assert sum(r["count"] for r in services.counts_by(f, "arrondissement")) == total
        assert sum(map(sum, services.hour_of_week(f))) == total
        sixth = f.replace(sectors=("paris-centre",))
        assert services.key_figures(sixth)["total"] == (
            2 if start <= date(2025, 3, 11) <= end else 0
        )
        # The complaint located by postal code only (10 March) has no H3 cell.
        located = total - (start <= date(2025, 3, 10) <= end)
        assert sum(r["count"] for r in services.hotspots(f)) == located


def test_key_figures_median_days_to_first_answer(known):
    first = known[0]
    case = Case.objects.select_related("complaint", "desk").get(pk=first.pk)
    workflow.qualify(case, None)
    workflow.answer(Case.objects.get(pk=first.pk), None, "Une patrouille est passée.")
    services.refresh()
    figures = services.key_figures(YEAR_2025)
    assert figures["answered"] == 1 and figures["open"] == 6
    expected_days = (timezone.now() - first.received_at).total_seconds() / 86400
    # Read from a histogram of 10 %-wide buckets: within 5 % of the exact delay.
    assert figures["median_days_to_answer"] == pytest.approx(expected_days, rel=0.05)


# --- counts -----------------------------------------------------------------------------------


def test_counts_by_taxonomy_channel_and_partner(known):
    categories = services.counts_by(YEAR_2025, "category")
    assert [(r["key"], r["count"]) for r in categories] == [
        ("bruit-rue", 4),
        ("depots-sauvages", 2),
        ("bruit-etablissement", 1),
    ]
    assert categories[0]["label"] == Category.objects.get(code="bruit-rue").label
    families = by_key(services.counts_by(YEAR_2025, "family"))
    assert families["vie-nocturne"]["count"] == 5 and families["incivilites"]["count"] == 2
    channels = by_key(services.counts_by(YEAR_2025, "channel"))
    assert channels["web"]["count"] == 4 and channels["web"]["label"] == "Formulaire web"
    assert channels["dansmarue"]["count"] == 2 and channels["phone_3975"]["count"] == 1
    partners = services.counts_by(YEAR_2025, "partner")
    assert sum(r["count"] for r in partners) == 7
    filtered = services.counts_by(YEAR_2025.replace(channels=("dansmarue",)), "category")
    assert [(r["key"], r["count"]) for r in filtered] == [("depots-sauvages", 2)]


def test_counts_by_territory_with_rates(known):
    arrondissements = services.counts_by(YEAR_2025, "arrondissement", rate=True)
    assert len(arrondissements) == 20  # every arrondissement, zeros included
    rows = by_key(arrondissements)
    assert rows[11]["count"] == 5 and rows[1]["count"] == 2 and rows[20]["count"] == 0
    assert rows[11]["rate"] == round(5 / population(11) * 1000, 2)
    assert rows[11]["rate_unit"] == "pour 1 000 habitants"

    sectors = by_key(services.counts_by(YEAR_2025, "sector", rate=True))
    assert len(sectors) == 17
    assert sectors["paris-centre"]["count"] == 2
    assert sectors["paris-centre"]["rate"] == round(2 / population(1, 2, 3, 4) * 1000, 2)

    quartiers = services.counts_by(YEAR_2025, "quartier", rate=True)
    assert len(quartiers) == 81  # 80 quartiers and the complaint without quartier
    rows = by_key(quartiers)
    q41 = Quartier.objects.get(number=41)
    assert rows[q41.insee_code]["count"] == 4
    assert rows[q41.insee_code]["rate"] == round(4 / (q41.area_m2 / 1e6), 2)
    assert rows[q41.insee_code]["rate_unit"] == "par km²"
    assert rows[None]["count"] == 1
    assert rows[None]["label"] == "Localisation approximative (sans quartier)"

    within_sector = services.counts_by(YEAR_2025.replace(sectors=("paris-centre",)), "quartier")
    assert len(within_sector) == 16 and sum(r["count"] for r in within_sector) == 2


def test_counts_by_h3_cells(known):
    rows = services.counts_by(YEAR_2025, "h3_10")
    q41 = known[0]
    assert rows[0] == {
        "key": h3.int_to_str(q41.h3_r10),
        "label": h3.int_to_str(q41.h3_r10),
        "count": 4,
    }
    assert sum(r["count"] for r in rows) == 7
    assert [r for r in rows if r["key"] is None][0]["count"] == 1


def test_unknown_dimension_or_grain_is_refused(known):
    with pytest.raises(ValueError, match="Dimension inconnue"):
        services.counts_by(YEAR_2025, "reference")
    with pytest.raises(ValueError, match="Période inconnue"):
        services.time_series(YEAR_2025, "hour")


# --- time -------------------------------------------------------------------------------------


def test_time_series_by_month_week_and_day(known):
    months = services.time_series(YEAR_2025, "month")
    assert len(months) == 12
    assert [r["count"] for r in months] == [0, 0, 6, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert months[2]["period"] == "2025-03-01" and months[2]["label"] == "mars 2025"

    weeks = services.time_series(YEAR_2025, "week")
    assert weeks[0]["period"] == "2024-12-30" and weeks[0]["days"] == 5  # 1–5 January
    march = [r for r in weeks if r["period"] == "2025-03-10"][0]
    assert march["count"] == 6 and march["label"] == "semaine du 10 mars 2025"
    assert sum(r["count"] for r in weeks) == 7
    # Less than a year of history before those weeks: no seasonal baseline yet.
    assert march["expected"] is None

    days = services.time_series(Filters(start=date(2025, 3, 9), end=date(2025, 3, 12)), "day")
    assert [(r["period"], r["count"]) for r in days] == [
        ("2025-03-09", 0),
        ("2025-03-10", 4),
        ("2025-03-11", 2),
        ("2025-03-12", 0),
    ]
    years = services.time_series(Filters(start=date(2024, 1, 1), end=date(2025, 12, 31)), "year")
    assert [(r["period"], r["count"]) for r in years] == [("2024-01-01", 2), ("2025-01-01", 7)]


def test_time_series_seasonal_baseline(fresh_store, file_many):
    """Two complaints every week for 60 weeks: the Farrington baseline expects 2."""
    start = paris_time(2024, 1, 1, 12)
    file_many(
        [("graffitis", 30, start + timedelta(weeks=w, days=d)) for w in range(60) for d in (0, 2)]
    )
    services.refresh()
    first_monday = date(2024, 1, 1) + timedelta(weeks=58)
    weeks = services.time_series(
        Filters(start=first_monday, end=first_monday + timedelta(days=13)), "week"
    )
    assert [r["count"] for r in weeks] == [2, 2]
    assert weeks[0]["expected"] == pytest.approx(2.0, abs=0.05)
    assert weeks[0]["upper"] > 2.0


def test_hour_of_week_in_paris_time(known):
    grid = services.hour_of_week(YEAR_2025)
    assert len(grid) == 7 and all(len(row) == 24 for row in grid)
    assert grid[0][10] == 4  # Monday 10:00
    assert grid[1][23] == 2  # Tuesday 23:00
    assert grid[5][22] == 1  # Saturday 22:00 (summer time)
    assert sum(map(sum, grid)) == 7


# --- response times ------------------------------------------------------------------------


def test_response_times_by_category_and_desk(fresh_store, file_many):
    now = timezone.now()
    late, recent = file_many(
        [
            ("depots-sauvages", 12, now - timedelta(days=30)),
            ("graffitis", 12, now - timedelta(days=2)),
        ]
    )
    for complaint in (late, recent):
        workflow.qualify(
            Case.objects.select_related("complaint", "desk").get(pk=complaint.pk), None
        )
        workflow.answer(Case.objects.get(pk=complaint.pk), None, "Traité.")
    services.refresh()
    f = Filters.last_days(60)
    rows = by_key(services.response_times(f, by="category"))
    assert rows["depots-sauvages"]["answered"] == 1
    # Read from the delay histogram: within its 10 % wide bucket of the exact 720 hours.
    assert rows["depots-sauvages"]["first_answer_median_hours"] == pytest.approx(30 * 24, rel=0.1)
    assert rows["depots-sauvages"]["share_within_deadline"] == 0.0  # 7-day deadline missed
    assert rows["graffitis"]["share_within_deadline"] == 1.0  # answered within 20 days
    desks = services.response_times(f, by="desk")
    assert sum(r["n"] for r in desks) == 2
    assert all(r["label"] for r in desks)


def test_response_time_quantiles_within_one_bucket_of_the_exact_ones(fresh_store, file_many):
    """Medians and 90th percentiles come from delay histograms (`facts.ANSWER_BUCKETS`):
    each within one bucket width of the exact quantile of the same delays."""
    now = timezone.now()
    # Delays from an hour to about four weeks, denser at the short end, all answered and
    # closed now (with sparse delays a quantile may fall in a gap wider than a bucket).
    created = file_many(
        [("depots-sauvages", 12, now - timedelta(hours=1 + k**1.6)) for k in range(60)]
    )
    for complaint in created:
        case = Case.objects.select_related("complaint", "desk").get(pk=complaint.pk)
        workflow.qualify(case, None)
        workflow.answer(Case.objects.get(pk=complaint.pk), None, "Traité.")
        workflow.close(Case.objects.get(pk=complaint.pk), None, ClosingReason.RESOLVED)
    services.refresh()
    with store.reading() as con:
        answers, closings = (
            np.array(column, dtype=float)
            for column in zip(
                *con.execute("SELECT first_answer_hours, closing_days FROM facts").fetchall(),
                strict=True,
            )
        )
    row = by_key(services.response_times(Filters.last_days(90), by="category"))["depots-sauvages"]
    for shown, values, scale in (
        (("first_answer_median_hours", "first_answer_p90_hours"), answers, 1),
        (("closing_median_days", "closing_p90_days"), closings, 24),
    ):
        for name, q in zip(shown, (0.5, 0.9), strict=True):
            exact = float(np.quantile(values, q))  # linear interpolation, as quantile_cont
            bucket = int(answer_bucket(np.array([exact * scale]))[0])
            width = (ANSWER_BUCKETS[bucket + 1] - ANSWER_BUCKETS[bucket]) / scale
            assert abs(row[name] - exact) <= width + 0.05, (name, row[name], exact, width)


def test_response_time_histograms_from_the_desk_rollups_equal_the_facts_ones(
    fresh_store, file_many
):
    """Whole months come from the desk rollups (`answer_desk_monthly`, `closing_desk_monthly`),
    kept up to date by incremental refreshes; a channel filter reads every day from the facts:
    with every channel, the same table to the last digit."""
    now = timezone.now()
    created = file_many(
        [
            (("depots-sauvages", "graffitis")[k % 2], 11 + k % 3, now - timedelta(hours=3 + 37 * k))
            for k in range(50)
        ]
    )
    services.refresh()
    for k, complaint in enumerate(created[:40]):
        case = Case.objects.select_related("complaint", "desk").get(pk=complaint.pk)
        workflow.qualify(case, None)
        workflow.answer(Case.objects.get(pk=complaint.pk), None, "Traité.")
        if k % 2:
            workflow.close(Case.objects.get(pk=complaint.pk), None, ClosingReason.RESOLVED)
    assert not services.refresh()["full"]
    assert_rollups_match_facts()
    every_channel = tuple(Channel.values)
    for f in (Filters.last_days(90), Filters.last_days(90).replace(arrondissements=(3,))):
        for by in ("desk", "category"):
            from_rollups = services.response_times(f, by=by)
            from_facts = services.response_times(f.replace(channels=every_channel), by=by)
            assert from_rollups == from_facts
            assert any(r["closing_median_days"] is not None for r in from_rollups)
    # The counts, as the conditions on the facts define them.
    f = Filters.last_days(90)
    rows = services.response_times(f)
    moment = timezone.now().astimezone(UTC).replace(tzinfo=None)
    with store.reading() as con:
        expected = con.execute(
            "SELECT count(*), count(first_answer_hours), count(closing_days), "
            "count(*) FILTER (WHERE due_at IS NOT NULL AND (due_at < ? "
            "OR first_answer_at IS NOT NULL)), count(*) FILTER (WHERE first_answer_at <= due_at) "
            "FROM facts WHERE day BETWEEN ? AND ?",
            [moment, f.start, f.end],
        ).fetchone()
    within = sum(round(r["share_within_deadline"] * r["due"]) for r in rows if r["due"])
    totals = tuple(sum(r[k] for r in rows) for k in ("n", "answered", "closed", "due"))
    assert (*totals, within) == expected
    assert expected[2] == 20


# --- hot spots ------------------------------------------------------------------------------


def test_hotspots_find_the_busy_cell_and_draw_it(known):
    rows = services.hotspots(YEAR_2025)
    busy = h3.int_to_str(known[0].h3_r10)
    assert rows[0]["cell"] == busy and rows[0]["count"] == 4
    # 7 complaints in the year: below the minimum, nothing is a hot spot (the normal Gi*
    # called this cell « confiance 99 % », issue 11 §5), but the cell is still drawn.
    assert rows[0]["gi_bin"] == 0 and rows[0]["label"] == "Non significatif"
    assert not [r for r in rows if r["gi_bin"]]
    geojson = services.hotspots_geojson(YEAR_2025)
    feature = [f for f in geojson["features"] if f["properties"]["cell"] == busy][0]
    ring = feature["geometry"]["coordinates"][0]
    assert feature["geometry"]["type"] == "Polygon" and ring[0] == ring[-1] and len(ring) == 7
    lat, lon = h3.cell_to_latlng(busy)
    assert min(p[0] for p in ring) < lon < max(p[0] for p in ring)


def test_emerging_hotspot_new_this_week(fresh_store, file_many):
    end = date(2025, 9, 14)  # a Sunday
    created = file_many([("rodeos", 70, paris_time(2025, 9, 12, 21, m)) for m in range(20)])
    services.refresh()
    rows = services.emerging_hotspots(Filters(start=end, end=end), weeks=8)
    cell = h3.int_to_str(created[0].h3_r10)
    found = [r for r in rows if r["cell"] == cell]
    assert found and found[0]["pattern"] == 1 and found[0]["label"] == "Nouveau point chaud"
    assert found[0]["count"] == 20


# --- alerts -----------------------------------------------------------------------------------


def test_alert_on_a_weekly_spike_short_history(fresh_store, file_many):
    """Ten quiet weeks (one complaint each) then 15 in the last complete week: EARS C2."""
    monday = date(2025, 10, 6)
    quiet = [
        ("point-deal", 70, paris_time(2025, 7, 28, 18) + timedelta(weeks=w)) for w in range(10)
    ]
    spike = [("point-deal", 70, paris_time(2025, 10, 7, 18, m)) for m in range(15)]
    file_many(quiet + spike)
    services.refresh()
    found = services.alerts(as_of=monday + timedelta(days=7))
    where = {(a["family"], a["where"]) for a in found}
    assert ("securite", "Paris 18e") in where and ("securite", "Paris") in where
    alert = [a for a in found if a["where"] == "Paris 18e"][0]
    assert alert["what"] == "Sécurité" and alert["observed"] == 15
    assert alert["expected"] == 1.0 and alert["ratio"] == 15.0
    assert alert["week"] == "2025-10-06" and alert["method"] == "EARS C2"
    assert alert["q"] < 0.05
    assert services.alerts(as_of=monday + timedelta(days=7), sectors=("paris-11",)) == []


def test_alert_with_a_seasonal_baseline(fresh_store, file_many):
    start = paris_time(2024, 1, 1, 12)
    history = [
        ("graffitis", 30, start + timedelta(weeks=w, days=d)) for w in range(64) for d in (0, 3)
    ]
    spike = [("graffitis", 30, start + timedelta(weeks=64, hours=h)) for h in range(20)]
    file_many(history + spike)
    services.refresh()
    last_monday = date(2024, 1, 1) + timedelta(weeks=64)
    found = services.alerts(as_of=last_monday + timedelta(days=7), families=("incivilites",))
    alert = [a for a in found if a["sector"] == "paris-8"][0]
    assert alert["method"] == "Farrington" and alert["observed"] == 20
    assert alert["expected"] == pytest.approx(2.0, abs=0.1)
    assert alert["since"] == last_monday.isoformat()


# --- near repeat, concentration ------------------------------------------------------------


def test_near_repeat_counts_close_pairs(fresh_store, file_many):
    a = [("rodeos", 41, paris_time(2025, 5, d, 21)) for d in (1, 2, 3)]
    b = [("rodeos", 70, paris_time(2025, 5, d, 21)) for d in (20, 21, 22)]
    file_many(a + b)
    services.refresh()
    result = services.near_repeat(Filters(start=date(2025, 5, 1), end=date(2025, 5, 31)), "rodeos")
    assert result["n"] == 6 and result["label"] == Category.objects.get(code="rodeos").label
    assert result["distance_bands"] == ["0–100 m", "101–200 m", "201–400 m"]
    assert result["time_bands"] == ["0–7 j", "8–14 j", "15–21 j"]
    # Same place and within a week: the 3 pairs at A and the 3 pairs at B.
    assert result["observed"][0][0] == 6
    assert result["expected"][0][0] < 6
    with pytest.raises(ValueError, match="Catégorie inconnue"):
        services.near_repeat(YEAR_2025, "nope")


def test_concentration_on_places(known):
    rows = services.concentration(YEAR_2025)
    overall = rows[0]
    assert overall["key"] is None and overall["n"] == 6  # located complaints only
    assert overall["top_1_pct"] == 1.0
    assert overall["gini"] > 0.99
    by_category = by_key(rows[1:])
    assert by_category["bruit-rue"]["n"] == 3 and by_category["depots-sauvages"]["n"] == 2


# --- contract indicators ------------------------------------------------------------------


def test_compute_indicator_follows_new_complaints(known, file_many):
    from territory.models import Sector

    eleventh = Sector.objects.get(code="paris-11")
    count = services.compute_indicator("complaints_count", year=2025, sector=eleventh)
    rate = services.compute_indicator(
        "complaints_per_1000", year=2025, sector="paris-11", params={"family": "vie-nocturne"}
    )
    assert count == 5.0
    assert rate == round(5 / population(11) * 1000, 3)
    file_many([("bruit-rue", 42, paris_time(2025, 11, 2, 1))])
    services.refresh()
    assert services.compute_indicator("complaints_count", year=2025, sector=eleventh.pk) == 6.0
    assert (
        services.compute_indicator(
            "complaints_count", year=2025, params={"category": "depots-sauvages"}
        )
        == 2.0
    )
    assert services.compute_indicator("median_days_to_answer", year=2025) is None
    assert services.compute_indicator("share_answered_within_deadline", year=2025) == 0.0
    assert services.compute_indicator("complaints_count", year=2019) == 0.0
    with pytest.raises(ValueError):
        services.compute_indicator("nope", year=2025)


# --- filters ---------------------------------------------------------------------------------


def test_filters_from_garbage_fall_back_to_defaults(paris):
    today = timezone.localdate()
    default = Filters.from_querydict(QueryDict(""))
    assert (default.start, default.end) == (today - timedelta(days=364), today)
    for garbage in (
        "du=hier&au=2025-13-45&categorie=%00&arrondissement=99&quartier=x&canal=<script>",
        "du=0000-01-01&au=9999-12-31&famille=" + "a" * 5000,
        "secteur=paris-11&secteur=nope&partenaire=' OR 1=1 --",
        "du[]=1&au=&arrondissement=-3&arrondissement=1.5&arrondissement=",
    ):
        f = Filters.from_querydict(QueryDict(garbage))
        assert f.end == today and f.start == today - timedelta(days=364)
        assert f.categories == f.families == f.quartiers == f.channels == f.partners == ()
        assert f.arrondissements == ()
    assert Filters.from_querydict(None).end == today
    assert Filters.from_querydict({"du": ["2025-01-01"], "au": 7}).start == date(2025, 1, 1)
    assert Filters.from_querydict(QueryDict("secteur=paris-11&secteur=nope")).sectors == (
        "paris-11",
    )
    assert Filters.from_querydict(QueryDict(""), default_days="x").start == default.start


def test_filters_round_trip_through_the_url(paris):
    f = Filters(
        start=date(2025, 2, 1),
        end=date(2025, 1, 1),
        categories=("bruit-rue", "rodeos"),
        arrondissements=(11, 18),
        quartiers=("7511101",),
        channels=("web",),
        partners=("gpis",),
        sectors=("paris-11",),
        families=("vie-nocturne",),
    )
    parsed = Filters.from_querydict(QueryDict(f.to_querystring()))
    # Reversed dates are swapped; everything else comes back as it was.
    assert parsed == f.replace(start=date(2025, 1, 1), end=date(2025, 2, 1))
    assert Filters.from_querydict(
        QueryDict("arrondissement=18,11&du=2025-01-01&au=2025-02-01")
    ).arrondissements == (11, 18)

"""The status rules of priorities and indicators, each rule on its own, then as pilots see
them on the overview."""

from datetime import date, timedelta

import pytest

from contrat.choices import ActionStatus, Direction, IndicatorSource
from contrat.choices import PriorityStatus as S
from contrat.models import Action, IndicatorTarget, IndicatorValue, Priority
from contrat.services import action_state, evaluate, load_snapshot, priority_status
from territory.models import Sector

UP, DOWN = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER
TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (20, 20, UP, S.ON_TRACK),  # target met exactly
        (25, 20, UP, S.ON_TRACK),
        (18, 20, UP, S.AT_RISK),  # 10 % short
        (17.9, 20, UP, S.LATE),  # more than 10 % short
        (5, 5, DOWN, S.ON_TRACK),
        (4, 5, DOWN, S.ON_TRACK),
        (5.5, 5, DOWN, S.AT_RISK),  # 10 % over a "lower is better" target
        (5.6, 5, DOWN, S.LATE),
        (0.1, 0, DOWN, S.LATE),  # any miss of a zero target
        (0, 0, DOWN, S.ON_TRACK),
        (None, 20, UP, S.NO_DATA),
        (20, None, UP, S.NO_DATA),
    ],
)
def test_a_value_against_its_target(value, target, direction, expected):
    assert evaluate(value, target, direction) == expected


def action(status=ActionStatus.PLANNED, due=None, done_on=None):
    return Action(status=status, due_date=due, done_on=done_on)


@pytest.mark.parametrize(
    ("the_action", "expected"),
    [
        (action(ActionStatus.DONE, TODAY - timedelta(days=9), TODAY - timedelta(days=10)), "done"),
        (action(ActionStatus.DONE, TODAY - timedelta(days=9)), "done"),  # no date of completion
        # Done after the date looked at (a past year's report): it was overdue then.
        (
            action(ActionStatus.DONE, TODAY - timedelta(days=9), TODAY + timedelta(days=5)),
            "overdue",
        ),
        (action(ActionStatus.ABANDONED, TODAY - timedelta(days=9)), "abandoned"),
        (action(ActionStatus.IN_PROGRESS, TODAY - timedelta(days=1)), "overdue"),
        (action(ActionStatus.PLANNED, TODAY + timedelta(days=30)), "due_soon"),
        (action(ActionStatus.PLANNED, TODAY + timedelta(days=31)), "open"),
        (action(ActionStatus.IN_PROGRESS, TODAY + timedelta(days=5)), "open"),  # started
        (action(ActionStatus.PLANNED, TODAY), "due_soon"),  # due today: not overdue yet
        (action(ActionStatus.PLANNED, None), "open"),
    ],
)
def test_the_state_of_an_action_on_a_date(the_action, expected):
    assert action_state(the_action, TODAY) == expected


@pytest.mark.parametrize(
    ("actions", "indicators", "expected"),
    [
        (["done", "done"], [], S.DONE),
        (["done", "abandoned"], [], S.DONE),  # abandoned actions aside
        (["done", "done"], [S.LATE], S.DONE),  # every action done wins
        (["open", "overdue"], [S.ON_TRACK], S.LATE),
        (["open"], [S.ON_TRACK, S.LATE], S.LATE),
        (["open"], [S.AT_RISK], S.AT_RISK),
        (["due_soon", "open"], [S.ON_TRACK], S.AT_RISK),
        (["overdue", "due_soon"], [S.AT_RISK], S.LATE),  # late before at risk
        ([], [], S.NO_DATA),
        (["abandoned"], [S.NO_DATA], S.NO_DATA),
        ([], [S.ON_TRACK], S.ON_TRACK),
        (["open", "done"], [S.NO_DATA], S.ON_TRACK),
    ],
)
def test_the_status_of_a_priority(actions, indicators, expected):
    assert priority_status(actions, indicators) == expected


@pytest.mark.django_db
def test_the_latest_value_of_the_year_or_else_the_latest_known(make_indicator, paris):
    indicator = make_indicator("ind-latest", targets={2024: 10, 2025: 20}, by_sector=False)
    for day, value in ((date(2023, 1, 1), 5), (date(2024, 1, 1), 9.5), (date(2024, 7, 1), 11)):
        IndicatorValue.objects.create(indicator=indicator, period_start=day, value=value)
    snapshot = load_snapshot(2024, today=TODAY)
    ev = snapshot.evaluation(indicator, None)
    assert (ev.value, ev.value_year, ev.target, ev.status) == (11, 2024, 10, S.ON_TRACK)
    # No value yet in 2025: the 2024 value is compared with the 2024 target, like with like
    # (against the 2025 target it would look 45 % short).
    ev = load_snapshot(2025, today=TODAY).evaluation(indicator, None)
    assert (ev.value, ev.value_year, ev.target, ev.target_year, ev.status) == (
        11,
        2024,
        10,
        2024,
        S.ON_TRACK,
    )


@pytest.mark.django_db
def test_the_priority_page_says_which_year_is_which(client, pilot, make_indicator):
    indicator = make_indicator(
        "ind-annees", priority="1.2", targets={2024: 10, 2025: 20}, by_sector=False
    )
    IndicatorValue.objects.create(indicator=indicator, period_start=date(2024, 1, 1), value=11)
    client.force_login(pilot)
    page = client.get("/contrat/priorites/1.2/?annee=2025").content.decode()
    assert "Dernière valeur 2024 :" in page and "cible 2024 :" in page
    assert "la valeur 2024 est comparée à la cible 2024" in page
    assert 'id="etat-ind-annees">Dans les temps<' in page


@pytest.mark.django_db
def test_a_sector_without_its_own_target_uses_the_paris_one(make_indicator, paris):
    indicator = make_indicator("ind-sector", targets={2025: 10})
    paris_18, paris_19 = Sector.objects.get(code="paris-18"), Sector.objects.get(code="paris-19")
    IndicatorTarget.objects.create(indicator=indicator, sector=paris_19, year=2025, value=4)
    for sector in (paris_18, paris_19):
        IndicatorValue.objects.create(
            indicator=indicator, sector=sector, period_start=date(2025, 1, 1), value=5
        )
    snapshot = load_snapshot(2025, today=TODAY)
    ev_18, ev_19 = (
        snapshot.evaluation(indicator, paris_18),
        snapshot.evaluation(indicator, paris_19),
    )
    assert (ev_18.target, ev_18.target_is_paris, ev_18.status) == (10, True, S.LATE)
    assert (ev_19.target, ev_19.target_is_paris, ev_19.status) == (4, False, S.ON_TRACK)


@pytest.mark.django_db
def test_a_year_to_date_count_is_compared_with_the_prorated_target(make_indicator, paris):
    indicator = make_indicator(
        "ind-ytd",
        source=IndicatorSource.COMPUTED,
        measure="complaints_count",
        direction=UP,
        targets={2025: 365},
        partner=None,
    )
    IndicatorValue.objects.create(
        indicator=indicator, period_start=date(2025, 1, 1), value=160, is_computed=True
    )
    # 15 June: 166 days elapsed, so the target so far is 166 and 160 is 3.6 % short.
    ev = load_snapshot(2025, today=TODAY).evaluation(indicator, None)
    assert ev.target_is_prorated
    assert ev.target == pytest.approx(166)
    assert ev.status == S.AT_RISK
    # The year's report, once the year is over, uses the whole target.
    ev = load_snapshot(2025, today=date(2026, 2, 1)).evaluation(indicator, None)
    assert (ev.target, ev.target_is_prorated, ev.status) == (365, False, S.LATE)


@pytest.mark.django_db
def test_statuses_on_the_overview_and_the_sector_page(client, pilot, make_indicator):
    today = date.today()
    rixes, radicalisation = Priority.objects.get(code="1.2"), Priority.objects.get(code="1.4")
    Action.objects.create(
        priority=rixes, title="Cellule de veille", due_date=today - timedelta(days=3)
    )
    Action.objects.create(
        priority=radicalisation,
        title="Formation des professionnels",
        due_date=today - timedelta(days=30),
        status=ActionStatus.DONE,
        done_on=today - timedelta(days=40),
    )
    sector = Sector.objects.get(code="paris-18")
    Action.objects.create(
        priority=rixes, sector=sector, title="Médiation", due_date=today + timedelta(days=10)
    )
    client.force_login(pilot)

    page = client.get("/contrat/").content.decode()
    assert 'id="etat-1-2">En retard<' in page
    assert 'id="etat-1-4">Réalisée<' in page
    assert 'id="etat-1-1">Sans données<' in page
    assert "1 en retard" in page  # the overdue action is counted on the row

    page = client.get("/contrat/secteurs/paris-18/").content.decode()
    assert 'id="etat-1-2">À surveiller<' in page  # the sector's own action is due soon
    assert 'id="etat-1-4">Sans données<' in page

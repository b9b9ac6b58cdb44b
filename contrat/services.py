"""Steering the contract: status rules, the views of Paris and of each sector, value entry.
The refresh of computed indicators is in `contrat.computed`.

The status rules (see docs/contrat.md) are plain functions of actions and indicator
evaluations so that the overview, the priority page, the comparison and the annual report
all agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import log_event
from accounts.choices import AuditAction
from accounts.permissions import can_edit_contract_indicator
from contrat.choices import ActionStatus, Direction, Frequency, PriorityStatus
from contrat.models import (
    Action,
    Contract,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Priority,
)
from territory.models import Sector
from victimes import indicators as victims_indicators

#: A value missing its target by more than this share of the target is late; by less, at risk.
TARGET_MARGIN = 0.10
#: An action due within this many days and not started puts its priority at risk.
DUE_SOON_DAYS = 30
#: Observatory measures that add up over the year: the current year's figure is year-to-date,
#: so it is compared with the target prorated to the days elapsed.
ADDITIVE_MEASURES = (
    frozenset({"complaints_count", "complaints_per_1000"}) | victims_indicators.ADDITIVE_MEASURES
)
#: Months covered by one value, by frequency.
PERIOD_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}

S = PriorityStatus


# --- the rules ------------------------------------------------------------------------------


def evaluate(value: float | None, target: float | None, direction: str) -> str:
    """Status of one value against its target: on track when the target is met, at risk when
    it is missed by at most `TARGET_MARGIN` of the target, late beyond (any miss of a zero
    target is late); no data without a value or a target."""
    if value is None or target is None:
        return S.NO_DATA
    shortfall = (target - value) if direction == Direction.HIGHER_IS_BETTER else (value - target)
    if shortfall <= 0:
        return S.ON_TRACK
    if target == 0 or shortfall / abs(target) > TARGET_MARGIN:
        return S.LATE
    return S.AT_RISK


def action_state(action: Action, as_of: date) -> str:
    """ "done", "abandoned", "overdue", "due_soon" (due within `DUE_SOON_DAYS` and not
    started) or "open", as known on `as_of` (an action done later was still open then)."""
    if action.status == ActionStatus.ABANDONED:
        return "abandoned"
    if action.status == ActionStatus.DONE and (action.done_on is None or action.done_on <= as_of):
        return "done"
    if action.due_date is not None:
        if action.due_date < as_of:
            return "overdue"
        if action.status != ActionStatus.IN_PROGRESS and action.due_date <= as_of + timedelta(
            days=DUE_SOON_DAYS
        ):
            return "due_soon"
    return "open"


def priority_status(action_states: list[str], indicator_statuses: list[str]) -> str:
    """The status of a priority from the states of its actions and its indicators' statuses:

    1. done: it has actions and all of them are done (abandoned ones aside);
    2. late: an action is overdue or an indicator is late;
    3. at risk: an indicator is at risk or an action is due soon and not started;
    4. no data: no action and no indicator with both a value and a target;
    5. on track otherwise.
    """
    live = [state for state in action_states if state != "abandoned"]
    if live and all(state == "done" for state in live):
        return S.DONE
    if "overdue" in live or S.LATE in indicator_statuses:
        return S.LATE
    if "due_soon" in live or S.AT_RISK in indicator_statuses:
        return S.AT_RISK
    if not live and all(status == S.NO_DATA for status in indicator_statuses):
        return S.NO_DATA
    return S.ON_TRACK


# --- evaluating the contract for a year -------------------------------------------------------


@dataclass
class Evaluation:
    """One indicator, for Paris (sector None) or a sector, in one year."""

    indicator: Indicator
    sector: Sector | None
    year: int
    value: float | None = None
    value_period: date | None = None  # period of the value used (maybe an earlier year)
    target: float | None = None
    # The year of the target compared: the value's own year (like with like), the evaluated
    # year when there is no value yet.
    target_year: int | None = None
    target_is_prorated: bool = False
    target_is_paris: bool = False  # a sector without its own target uses Paris's
    status: str = S.NO_DATA

    @property
    def value_year(self) -> int | None:
        return self.value_period.year if self.value_period else None

    @property
    def gap_pct(self) -> float | None:
        """Signed distance to the target in % of the target (positive = better)."""
        if self.value is None or not self.target:
            return None
        gap = (self.value - self.target) / abs(self.target) * 100
        return gap if self.indicator.direction == Direction.HIGHER_IS_BETTER else -gap

    @property
    def status_label(self) -> str:
        return S(self.status).label


@dataclass
class PriorityState:
    priority: Priority
    sector: Sector | None
    actions: list[tuple[Action, str]]
    evaluations: list[Evaluation]
    status: str

    @property
    def status_label(self) -> str:
        return S(self.status).label

    def count(self, state: str) -> int:
        return sum(1 for _action, s in self.actions if s == state)

    @property
    def done_count(self) -> int:
        return self.count("done")

    @property
    def overdue_count(self) -> int:
        return self.count("overdue")

    @property
    def live_count(self) -> int:
        return sum(1 for _action, s in self.actions if s != "abandoned")

    @property
    def indicator_counts(self) -> list[dict]:
        """`{"status", "label", "count"}` of its indicators, for the statuses present."""
        return [c for c in status_counts(self.evaluations) if c["count"]]


@dataclass
class Snapshot:
    """Everything needed to evaluate the contract in `year`, loaded in a handful of queries."""

    year: int
    as_of: date
    priorities: list[Priority]
    actions: dict[tuple[int, int | None], list[Action]] = field(default_factory=dict)
    indicators: dict[int, list[Indicator]] = field(default_factory=dict)
    values: dict[tuple[int, int | None], list[IndicatorValue]] = field(default_factory=dict)
    targets: dict[tuple[int, int | None], dict[int, float]] = field(default_factory=dict)

    def evaluation(self, indicator: Indicator, sector: Sector | None) -> Evaluation:
        sector_id = sector.pk if sector else None
        ev = Evaluation(indicator=indicator, sector=sector, year=self.year)
        year_end = date(self.year, 12, 31)
        values = [
            v for v in self.values.get((indicator.pk, sector_id), ()) if v.period_start <= year_end
        ]
        if values:
            # The latest value of the year, or else the latest known before it.
            latest = values[-1]
            ev.value, ev.value_period = latest.value, latest.period_start
        # A value of an earlier year is compared with that year's target, never this one's.
        ev.target_year = ev.value_year or self.year
        targets = self.targets.get((indicator.pk, sector_id), {})
        paris_targets = self.targets.get((indicator.pk, None), {})
        if ev.target_year in targets:
            ev.target = targets[ev.target_year]
        elif sector_id is not None and ev.target_year in paris_targets:
            ev.target = paris_targets[ev.target_year]
            ev.target_is_paris = True
        if (
            ev.target is not None
            and indicator.is_computed
            and indicator.measure in ADDITIVE_MEASURES
            and ev.value_year == self.year
            and self.as_of < year_end
        ):
            first_day = date(self.year, 1, 1)
            elapsed = (self.as_of - first_day).days + 1
            ev.target = ev.target * elapsed / (date(self.year + 1, 1, 1) - first_day).days
            ev.target_is_prorated = True
        ev.status = evaluate(ev.value, ev.target, indicator.direction)
        return ev

    def state(self, priority: Priority, sector: Sector | None) -> PriorityState:
        sector_id = sector.pk if sector else None
        actions = [
            (a, action_state(a, self.as_of)) for a in self.actions.get((priority.pk, sector_id), ())
        ]
        indicators = self.indicators.get(priority.pk, [])
        if sector is not None:
            indicators = [i for i in indicators if i.by_sector]
        evaluations = [self.evaluation(i, sector) for i in indicators]
        status = priority_status([s for _a, s in actions], [e.status for e in evaluations])
        return PriorityState(priority, sector, actions, evaluations, status)


def as_of_date(year: int, today: date | None = None) -> date:
    """Statuses of a past year are those at its end; of the current year, today's."""
    today = today or timezone.localdate()
    return min(today, date(year, 12, 31))


def load_snapshot(year: int, today: date | None = None, priorities=None) -> Snapshot:
    """Load the contract (or only `priorities`, a queryset) for evaluation in `year`."""
    queryset = priorities if priorities is not None else Priority.objects.all()
    priority_list = list(
        queryset.select_related("axis__contract").prefetch_related(
            "lead_partners", "associate_partners"
        )
    )
    ids = [p.pk for p in priority_list]
    snapshot = Snapshot(year=year, as_of=as_of_date(year, today), priorities=priority_list)
    for action in Action.objects.filter(priority_id__in=ids).select_related("owner", "sector"):
        snapshot.actions.setdefault((action.priority_id, action.sector_id), []).append(action)
    indicators = list(
        Indicator.objects.filter(priority_id__in=ids).select_related("responsible_partner")
    )
    for indicator in indicators:
        snapshot.indicators.setdefault(indicator.priority_id, []).append(indicator)
    indicator_ids = [i.pk for i in indicators]
    for value in IndicatorValue.objects.filter(indicator_id__in=indicator_ids).order_by(
        "period_start"
    ):
        snapshot.values.setdefault((value.indicator_id, value.sector_id), []).append(value)
    for target in IndicatorTarget.objects.filter(indicator_id__in=indicator_ids):
        snapshot.targets.setdefault((target.indicator_id, target.sector_id), {})[target.year] = (
            target.value
        )
    return snapshot


def status_counts(items) -> list[dict]:
    """`{"status", "label", "count"}` for each status, in the order of `PriorityStatus`, of
    priority states or indicator evaluations."""
    counts = dict.fromkeys(S.values, 0)
    for item in items:
        counts[item.status] += 1
    return [{"status": s, "label": S(s).label, "count": n} for s, n in counts.items()]


def overview(year: int, sector: Sector | None = None, today: date | None = None) -> dict:
    """Axes → priorities with their status, for Paris (`sector` None) or one sector; for Paris
    also each sector's count of priorities by status."""
    snapshot = load_snapshot(year, today)
    by_axis: dict[int, dict] = {}
    states = []
    for priority in snapshot.priorities:
        state = snapshot.state(priority, sector)
        states.append(state)
        entry = by_axis.setdefault(priority.axis_id, {"axis": priority.axis, "states": []})
        entry["states"].append(state)
    result = {
        "year": year,
        "as_of": snapshot.as_of,
        "sector": sector,
        "axes": sorted(by_axis.values(), key=lambda e: e["axis"].number),
        "counts": status_counts(states),
    }
    if sector is None:
        result["sectors"] = [
            {
                "sector": s,
                "counts": status_counts([snapshot.state(p, s) for p in snapshot.priorities]),
            }
            for s in Sector.objects.all()
        ]
    return result


def priority_detail(priority: Priority, year: int, sector: Sector | None = None, today=None):
    """The priority's state, plus each declining sector's status and the decisions."""
    snapshot = load_snapshot(year, today, Priority.objects.filter(pk=priority.pk))
    priority = snapshot.priorities[0]
    declinations = list(priority.declinations.select_related("sector", "local_lead"))
    declined = {d.sector_id for d in declinations}
    sector_ids = declined | {sid for (_p, sid) in snapshot.actions if sid is not None}
    sector_states = [snapshot.state(priority, s) for s in Sector.objects.filter(pk__in=sector_ids)]
    decisions = priority.decisions.select_related("sector", "recorded_by")
    if sector is not None:
        decisions = decisions.filter(Q(sector=sector) | Q(sector__isnull=True))
    return {
        "snapshot": snapshot,
        "state": snapshot.state(priority, sector),
        "declinations": declinations,
        "sector_states": sector_states,
        "decisions": decisions.order_by("-date", "-pk"),
    }


def sector_comparison(indicator: Indicator, year: int, today: date | None = None) -> dict:
    """One indicator across the 17 sectors (and Paris) in `year`, rate against target."""
    snapshot = load_snapshot(year, today, Priority.objects.filter(pk=indicator.priority_id))
    indicator = next(i for i in snapshot.indicators[indicator.priority_id] if i.pk == indicator.pk)
    return {
        "indicator": indicator,
        "year": year,
        "paris": snapshot.evaluation(indicator, None),
        "rows": [snapshot.evaluation(indicator, s) for s in Sector.objects.all()],
    }


def series(snapshot: Snapshot, indicator: Indicator, sector: Sector | None) -> dict:
    """What the indicator chart draws: values over time, targets by year, baseline."""
    sector_id = sector.pk if sector else None
    targets = dict(snapshot.targets.get((indicator.pk, None), {}))
    if sector_id is not None:
        targets.update(snapshot.targets.get((indicator.pk, sector_id), {}))
    return {
        "values": [
            (v.period_start, v.value) for v in snapshot.values.get((indicator.pk, sector_id), ())
        ],
        "targets": targets,
        "baseline": (indicator.baseline_year, indicator.baseline_value)
        if indicator.baseline_value is not None and indicator.baseline_year
        else None,
        "months": PERIOD_MONTHS[indicator.frequency],
    }


def contract_years(today: date | None = None) -> list[int]:
    """The years of the Paris contract (its first year to its last)."""
    contract = Contract.objects.filter(parent__isnull=True).order_by("start_year").first()
    if contract is None:
        year = (today or timezone.localdate()).year
        return [year]
    return list(range(contract.start_year, contract.end_year + 1))


def default_year(today: date | None = None) -> int:
    """The current year, within the contract's years."""
    years = contract_years(today)
    return min(max((today or timezone.localdate()).year, years[0]), years[-1])


# --- entering a value -----------------------------------------------------------------------


def editable_sectors(user, indicator: Indicator) -> list[Sector | None]:
    """Where `user` may enter values of `indicator`: None (Paris) and/or sectors. Computed
    indicators are never entered by hand."""
    if indicator.is_computed:
        return []
    scopes: list[Sector | None] = [None]
    if indicator.by_sector:
        scopes += list(Sector.objects.all())
    return [
        s for s in scopes if can_edit_contract_indicator(user, indicator.responsible_partner_id, s)
    ]


def period_choices(indicator: Indicator, years: list[int]) -> list[tuple[date, str]]:
    """Periods a value may be entered for, with French labels ("2025", "T2 2025", "mars 2025")."""
    from django.utils.dates import MONTHS

    months = PERIOD_MONTHS[indicator.frequency]
    choices = []
    for year in years:
        for start_month in range(1, 13, months):
            start = date(year, start_month, 1)
            if months == 12:
                label = str(year)
            elif months == 3:
                label = _("T%(quarter)d %(year)d") % {"quarter": start_month // 3 + 1, "year": year}
            else:
                label = f"{MONTHS[start_month]} {year}"
            choices.append((start, label))
    return choices


@transaction.atomic
def record_value(
    user,
    indicator: Indicator,
    *,
    sector: Sector | None,
    period_start: date,
    value: float,
    source_note: str = "",
    request=None,
) -> IndicatorValue:
    """Store (or replace) the value of a manual indicator for one period, with who and when,
    and write it to the audit trail. Raises PermissionDenied outside the user's scope."""
    if indicator.is_computed:
        raise PermissionDenied(_("Cet indicateur est calculé par l'observatoire."))
    if sector is not None and not indicator.by_sector:
        raise ValidationError(_("Cet indicateur n'est pas décliné par secteur."))
    if not can_edit_contract_indicator(user, indicator.responsible_partner_id, sector):
        raise PermissionDenied(_("Vous ne pouvez pas saisir cette valeur."))
    previous = IndicatorValue.objects.filter(
        indicator=indicator, sector=sector, period_start=period_start
    ).first()
    stored, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        sector=sector,
        period_start=period_start,
        defaults={
            "value": value,
            "source_note": source_note,
            "is_computed": False,
            "entered_by": user,
            "entered_at": timezone.now(),
        },
    )
    log_event(
        user,
        AuditAction.OTHER,
        stored,
        request,
        details={
            "operation": "contract_indicator_value",
            "indicator": indicator.code,
            "sector": sector.code if sector else None,
            "period_start": period_start.isoformat(),
            "value": value,
            "previous": previous.value if previous else None,
        },
    )
    return stored

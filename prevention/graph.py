"""The tension graph: territories are nodes; a pair of territories involved in the same
events has a state computed from those events (docs/prevention.md):

- **active** while at least `min_events` of its events fall in the last `window_days` days
  (default: two events within 14 days);
- **calming** for `calming_days` after it stops being active;
- **latent** otherwise (the pair has a history, nothing recent).

The computation is vectorised (numpy) over all events at once; `recompute_graph` stores the
states; the observatory's weekly digest asks `prevention.digest` for the pairs of a sector
that turned active during the week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import h3
import numpy as np
from django.db import transaction
from django.utils import timezone

from analytics.knox import KnoxResult, equirectangular, knox
from prevention.choices import EventKind, PairState
from prevention.models import Event, TensionPair, TensionParameters
from prevention.territories import quartier_centres

DEFAULTS = TensionParameters(code="defaut", window_days=14, min_events=2, calming_days=30)


def parameters() -> TensionParameters:
    return TensionParameters.objects.order_by("pk").first() or DEFAULTS


@dataclass(frozen=True)
class PairStates:
    """One entry per pair: territory pks (first < second), state code, event count, last
    event and first day of the current active episode (ordinal days; -1 when not active)."""

    first: np.ndarray
    second: np.ndarray
    state: np.ndarray
    events: np.ndarray
    last_event: np.ndarray
    active_since: np.ndarray


def event_pairs(event_ids, territory_ids, days) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From (event, territory, day) link rows, every (first, second, day) pair of
    territories involved in the same event."""
    order = np.lexsort((territory_ids, event_ids))
    ev, te, dy = event_ids[order], territory_ids[order], days[order]
    firsts, seconds, pair_days = [], [], []
    offset = 1
    while offset < ev.size:
        same = ev[offset:] == ev[:-offset]
        if not same.any():
            break
        firsts.append(te[:-offset][same])
        seconds.append(te[offset:][same])
        pair_days.append(dy[offset:][same])
        offset += 1
    if not firsts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(pair_days)


def pair_states(first, second, days, today: int, params: TensionParameters) -> PairStates:
    """States as of `today` (ordinal) of the pairs in the (first, second, day) rows; rows
    after `today` are ignored."""
    keep = days <= today
    first, second, days = first[keep], second[keep], days[keep]
    order = np.lexsort((days, second, first))
    first, second, days = first[order], second[order], days[order]
    n = days.size
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return PairStates(empty, empty, empty.astype("<U12"), empty, empty, empty)
    new_pair = np.ones(n, dtype=bool)
    new_pair[1:] = (first[1:] != first[:-1]) | (second[1:] != second[:-1])
    starts = np.flatnonzero(new_pair)
    group = np.cumsum(new_pair) - 1
    counts = np.diff(np.append(starts, n))
    ends = starts + counts - 1
    k, window = max(int(params.min_events), 1), int(params.window_days)
    # Row i closes an activating run when the (k-1)-th previous row of its pair is less than
    # `window` days before it: the pair is active from days[i] until that earlier day +
    # window - 1.
    back = np.arange(n) - (k - 1)
    valid = back >= starts[group]
    earlier = np.where(valid, days[np.maximum(back, 0)], 0)
    activating = valid & (days - earlier < window)
    active_end = np.where(activating, earlier + window - 1, -1)
    latest_end = np.maximum.reduceat(active_end, starts)
    state = np.full(starts.size, PairState.LATENT.value, dtype="<U12")
    calming = (latest_end >= 0) & (today - latest_end <= params.calming_days)
    state[calming] = PairState.CALMING.value
    active = latest_end >= today
    state[active] = PairState.ACTIVE.value
    # Start of the current active episode: walk back over overlapping active intervals.
    active_since = np.full(starts.size, -1, dtype=np.int64)
    for g in np.flatnonzero(active):
        rows = np.flatnonzero(activating[starts[g] : ends[g] + 1]) + starts[g]
        since = days[rows[-1]]
        for row in rows[::-1]:
            if active_end[row] >= since - 1:
                since = min(since, days[row])
            else:
                break
        active_since[g] = since
    return PairStates(
        first=first[starts],
        second=second[starts],
        state=state,
        events=counts,
        last_event=days[ends],
        active_since=active_since,
    )


def _link_rows(until: date | None = None):
    """(event, territory, ordinal day) arrays of every link, events up to `until`."""
    events = Event.objects.order_by()
    if until is not None:
        events = events.filter(day__lte=until)
    days_by_event = dict(events.values_list("pk", "day"))
    link = Event.territories.through.objects.filter(event_id__in=events.values("pk"))
    rows = np.array(list(link.values_list("event_id", "groupterritory_id")), dtype=np.int64)
    if rows.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    event_ids = np.fromiter(days_by_event, dtype=np.int64, count=len(days_by_event))
    ordinals = np.fromiter(
        (d.toordinal() for d in days_by_event.values()), dtype=np.int64, count=len(event_ids)
    )
    order = np.argsort(event_ids)
    days = ordinals[order][np.searchsorted(event_ids[order], rows[:, 0])]
    return rows[:, 0], rows[:, 1], days


def compute_graph(today: date | None = None) -> PairStates:
    today = today or timezone.localdate()
    event_ids, territory_ids, days = _link_rows(today)
    first, second, pair_days = event_pairs(event_ids, territory_ids, days)
    return pair_states(first, second, pair_days, today.toordinal(), parameters())


@transaction.atomic
def recompute_graph(today: date | None = None) -> list[TensionPair]:
    """Store the states of every pair as of `today`; returns the pairs that turned active."""
    today = today or timezone.localdate()
    states = compute_graph(today)
    existing = {(p.first_id, p.second_id): p for p in TensionPair.objects.all()}
    seen, create, update, turned = set(), [], [], []
    for i in range(states.first.size):
        key = (int(states.first[i]), int(states.second[i]))
        seen.add(key)
        since = int(states.active_since[i])
        values = {
            "state": str(states.state[i]),
            "events": int(states.events[i]),
            "last_event": date.fromordinal(int(states.last_event[i])),
            "active_since": date.fromordinal(since) if since >= 0 else None,
        }
        pair = existing.get(key)
        if pair is None:
            pair = TensionPair(first_id=key[0], second_id=key[1], computed_on=today, **values)
            create.append(pair)
        else:
            was_active = pair.state == PairState.ACTIVE
            if any(getattr(pair, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(pair, name, value)
                update.append(pair)
            if was_active:
                continue
        if values["state"] == PairState.ACTIVE:
            turned.append(pair)
    TensionPair.objects.bulk_create(create, batch_size=2000)
    TensionPair.objects.bulk_update(
        update, ["state", "events", "last_event", "active_since"], batch_size=2000
    )
    TensionPair.objects.exclude(computed_on=today).update(computed_on=today)
    gone = [p.pk for key, p in existing.items() if key not in seen]
    TensionPair.objects.filter(pk__in=gone).delete()
    return turned


def ensure_graph_fresh(today: date | None = None) -> None:
    """States change with time alone (active → calming → latent): recompute once a day."""
    today = today or timezone.localdate()
    if TensionPair.objects.exclude(computed_on=today).exists() or (
        not TensionPair.objects.exists() and Event.objects.exists()
    ):
        recompute_graph(today)


def pair_timeline(first_id: int, second_id: int, queryset=None) -> list[Event]:
    """Events involving both territories, oldest first."""
    events = queryset if queryset is not None else Event.objects.all()
    return list(
        events.filter(territories=first_id)
        .filter(territories=second_id)
        .order_by("day", "slot", "pk")
        .select_related("quartier", "reporting_partner")
    )


# Near repeats of rixes: 0–200 m, 200–400 m, 400–800 m × 0–7, 8–14, 15–28 days.
KNOX_DISTANCES = (0, 200, 400, 800)
KNOX_DAYS = (0, 7, 14, 28)


def near_repeat(events, *, permutations: int = 199, seed: int = 0) -> KnoxResult | None:
    """Knox test (analytics.knox) on the rixes of `events` (a queryset), placed at the centre
    of their H3 cell or of their quartier."""
    centres = quartier_centres()
    rows = list(events.filter(kind=EventKind.RIXE).values_list("day", "h3_r9", "quartier_id"))
    if len(rows) < 3:
        return None
    lats, lons, days = [], [], []
    for day, cell, quartier_id in rows:
        lat, lon = h3.cell_to_latlng(cell) if cell else centres[quartier_id]
        lats.append(lat)
        lons.append(lon)
        days.append(day.toordinal())
    x, y = equirectangular(lats, lons)
    return knox(
        x,
        y,
        np.array(days, dtype=float),
        KNOX_DISTANCES,
        KNOX_DAYS,
        permutations=permutations,
        seed=seed,
    )


def recent(days: int, today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=days)

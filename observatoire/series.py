"""Measures over time: counts per day, week, month or year with their seasonal baseline,
and the hour-of-week grid."""

# SQL here is assembled from the store's own table and column names; every value coming
# from a user travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from django.utils import formats
from django.utils.translation import gettext as _

from analytics import alerts as alert_kernels
from observatoire.filters import Filters
from observatoire.queries import (
    _by_family_and_sector,
    _days_where,
    _is_coarse,
    _monday,
    _next_period,
    _period_start,
    _reading,
    _rollup_sums,
    _round,
    _sums,
    _where,
)

#: Periods accepted by `time_series`.
GRAINS = ("day", "week", "month", "year")

# Farrington baseline: up to 5 past years, same week ± 3 (analytics.alerts defaults).
BASELINE_YEARS = 5
BASELINE_HALF_WINDOW = 3
WEEKS_PER_YEAR = alert_kernels.WEEKS_PER_YEAR


def _period_label(start: date, grain: str) -> str:
    if grain == "day":
        return formats.date_format(start, "j F Y")
    if grain == "week":
        return _("semaine du %(date)s") % {"date": formats.date_format(start, "j F Y")}
    if grain == "month":
        return formats.date_format(start, "F Y")
    return str(start.year)


def _weekly_counts(con, f: Filters, first_week: date, last_week: date) -> np.ndarray:
    """Full-week counts from `first_week` to `last_week` (Mondays), zeros included."""
    weeks = (last_week - first_week).days // 7 + 1
    if f.quartiers or f.channels or f.partners:
        table, period = "daily", "day"
        where, params = _where(f, start=first_week, end=last_week + timedelta(days=6))
    else:
        table, period = "weekly", "week_start"
        where, params = _where(f, start=first_week, end=last_week, period=period)
    rows = con.execute(
        f"SELECT week_start, sum(n) FROM {table} WHERE {where} GROUP BY 1", params
    ).fetchall()
    counts = np.zeros(max(weeks, 0))
    for week, n in rows:
        counts[(week - first_week).days // 7] = n
    return counts


def _history_start(con) -> date | None:
    """Monday of the first week with data: before it the store knows nothing (not zero)."""
    first = con.execute("SELECT min(week_start) FROM weekly").fetchone()[0]
    return first


def _baselines(series: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Farrington expected count and upper bound at each target week index of `series`.

    Weeks with the same number of usable past years share one vectorised call, on
    windows ending at their own week. NaN where less than one past year is available.
    """
    expected = np.full(targets.size, np.nan)
    upper = np.full(targets.size, np.nan)
    years = np.minimum((targets - BASELINE_HALF_WINDOW) // WEEKS_PER_YEAR, BASELINE_YEARS)
    for y in np.unique(years[years >= 1]):
        chosen = np.flatnonzero(years == y)
        length = int(y) * WEEKS_PER_YEAR + BASELINE_HALF_WINDOW + 1
        windows = np.stack([series[t - length + 1 : t + 1] for t in targets[chosen]])
        result = alert_kernels.farrington(
            windows, -1, years=int(y), half_window=BASELINE_HALF_WINDOW
        )
        expected[chosen], upper[chosen] = result.expected, result.upper
    return expected, upper


def time_series(f: Filters, grain: str = "week") -> list[dict]:
    """Counts per period over the filter's dates, every period present (zeros included).

    Rows: `{"period": ISO date of the period's first day, "label", "count", "days" (days
    of the period inside the filter), "expected", "upper"}`. For weeks, `expected` and
    `upper` are the seasonal baseline of `analytics.alerts.farrington` (same weeks of up
    to 5 past years, ± 3 weeks) prorated to the days covered, None with less than a year
    of history. For months and years `expected` sums the weekly baselines of the days
    covered and `upper` is None (bounds do not add up); for days both are None.
    Raises ValueError for an unknown grain.
    """
    if grain not in GRAINS:
        raise ValueError(_("Période inconnue : %(grain)s") % {"grain": grain})
    column = {"day": "day", "week": "week_start", "month": "month_start", "year": "year"}[grain]
    periods = []
    cursor = _period_start(f.start, grain)
    while cursor <= f.end:
        following = _next_period(cursor, grain)
        covered = (min(following - timedelta(days=1), f.end) - max(cursor, f.start)).days + 1
        periods.append((cursor, covered))
        cursor = following
    daily = "daily_coarse" if _is_coarse(f) else "daily"
    with _reading() as con:
        if grain in ("month", "year"):
            counts = dict(_sums(con, f, (column,)))
        else:
            # Days, and the partial weeks at the edges; whole weeks come from the weekly
            # series read for the baseline below.
            ranges = [(f.start, f.end)]
            if grain == "week":
                ranges = [
                    (max(p, f.start), min(p + timedelta(days=6), f.end))
                    for p, covered in periods
                    if covered < 7
                ]
            counts = {}
            if ranges:
                where, params = _days_where(f, ranges)
                counts = dict(
                    con.execute(
                        f"SELECT {column}, sum(n) FROM {daily} WHERE {where} GROUP BY 1", params
                    ).fetchall()
                )
        daily_expected = None
        weekly_upper: dict[date, float] = {}
        history_start = _history_start(con)
        if grain != "day" and history_start is not None:
            last_week = _monday(f.end)
            first_week = max(
                history_start,
                _monday(f.start)
                - timedelta(weeks=BASELINE_YEARS * WEEKS_PER_YEAR + BASELINE_HALF_WINDOW),
            )
            if first_week <= last_week:
                series = _weekly_counts(con, f, first_week, last_week)
                shown = np.arange(max(0, (_monday(f.start) - first_week).days // 7), len(series))
                if grain == "week":
                    for index in shown.tolist():
                        week = first_week + timedelta(weeks=index)
                        counts.setdefault(week, series[index])
                expected, upper = _baselines(series, shown)
                daily_expected = {}
                for index, e, u in zip(shown.tolist(), expected, upper, strict=True):
                    week = first_week + timedelta(weeks=index)
                    daily_expected[week] = e / 7
                    weekly_upper[week] = u
    rows = []
    for start, covered in periods:
        key = start.year if grain == "year" else start
        expected = upper = None
        if daily_expected is not None:
            days = [max(start, f.start) + timedelta(days=i) for i in range(covered)]
            values = [daily_expected.get(_monday(d), np.nan) for d in days]
            if values and not np.isnan(values).any():
                expected = _round(sum(values), 1)
                if grain == "week":
                    upper = _round(weekly_upper[start] * covered / 7, 1)
        rows.append(
            {
                "period": start.isoformat(),
                "label": _period_label(start, grain),
                "count": int(counts.get(key, 0) or 0),
                "days": covered,
                "expected": expected,
                "upper": upper,
            }
        )
    return rows


def hour_of_week(f: Filters) -> list[list[int]]:
    """7 × 24 counts by local (Paris) day of the week (Monday first) and hour of receipt."""
    grid = [[0] * 24 for _ in range(7)]
    span = _by_family_and_sector(f)
    with _reading() as con:
        rows = _rollup_sums(con, f, ("weekday", "hour"), span, monthly="hourly", daily="facts")
    for weekday, hour, n in rows:
        grid[weekday][hour] += int(n)
    return grid

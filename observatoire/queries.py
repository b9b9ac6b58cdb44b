"""SQL building blocks over the analytical store, shared by every measure.

The store (`observatoire.store`, DuckDB) keeps the pseudonymised facts and rollups of them:
daily and monthly counts (complete, and coarse ones by family, category and territory only),
weekly, hourly, answer-delay and H3 rollups by month. A count over a period is read as whole
months from a monthly rollup plus the days at the period's edges from a daily one (or from the
facts): that is `_rollup_sums`, the one place that query is written. `_span` cuts a period
into those parts.

Names starting with an underscore are private to the observatoire package.
"""

# SQL here is assembled from the store's own table and column names; every value coming
# from a user travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from observatoire import store
from observatoire.filters import Filters

H3_RESOLUTIONS = (8, 9, 10, 11)


def _reading():
    return store.reading()


# Filters field → (fact column, dimension table, dimension key column, dimension id column).
_FILTER_COLUMNS = {
    "categories": ("category_id", "dim_category", "code", "category_id"),
    "families": ("family_id", "dim_family", "code", "family_id"),
    "sectors": ("sector_id", "dim_sector", "code", "sector_id"),
    "arrondissements": ("arrondissement_id", "dim_arrondissement", "number", "arrondissement_id"),
    "quartiers": ("quartier_id", "dim_quartier", "code", "quartier_id"),
    "partners": ("partner_id", "dim_partner", "code", "partner_id"),
}

# Filters and groupings the coarse rollups can answer; any other needs the complete ones.
_COARSE = {
    "category_id",
    "family_id",
    "arrondissement_id",
    "sector_id",
    "is_open",
    "month_start",
    "year",
}

_FACT_ONLY_FILTERS = ("quartiers", "channels", "partners")


def _placeholders(values) -> str:
    return ", ".join("?" for _ in values)


def _subsets(f: Filters) -> tuple[list[str], list]:
    """Conditions (and their parameters) for the filter's subsets, without dates."""
    conditions, params = [], []
    for name, (column, table, key, ident) in _FILTER_COLUMNS.items():
        values = getattr(f, name)
        if values:
            conditions.append(
                f"{column} IN (SELECT {ident} FROM {table} WHERE {key} IN "
                f"({_placeholders(values)}))"
            )
            params.extend(values)
    if f.channels:
        conditions.append(f"channel IN ({_placeholders(f.channels)})")
        params.extend(f.channels)
    return conditions, params


def _where(
    f: Filters, *, start: date | None = None, end: date | None = None, period: str = "day"
) -> tuple[str, list]:
    """WHERE clause (without the keyword) for the filter's subsets and a date range."""
    conditions, params = _subsets(f)
    return " AND ".join([f"{period} BETWEEN ? AND ?", *conditions]), [
        start or f.start,
        end or f.end,
        *params,
    ]


def _days_where(f: Filters, ranges) -> tuple[str, list]:
    """WHERE clause for the filter's subsets over several day ranges."""
    conditions, params = _subsets(f)
    dates = " OR ".join("day BETWEEN ? AND ?" for _ in ranges)
    return " AND ".join([f"({dates})", *conditions]), [d for pair in ranges for d in pair] + params


def _is_coarse(f: Filters, columns: Iterable[str] = ()) -> bool:
    return not any(getattr(f, name) for name in _FACT_ONLY_FILTERS) and set(columns) <= _COARSE


@dataclass(frozen=True)
class _Span:
    """A period as whole months plus the days at its edges (each part may be empty)."""

    months: tuple[date, date] | None
    days: tuple[tuple[date, date], ...]


def _span(start: date, end: date) -> _Span:
    first = start if start.day == 1 else _next_period(start.replace(day=1), "month")
    after_end = end + timedelta(days=1)
    last = end.replace(day=1) if after_end.day == 1 else _previous_month(end.replace(day=1))
    if first > last:
        return _Span(None, ((start, end),))
    edges = []
    if start < first:
        edges.append((start, first - timedelta(days=1)))
    following = _next_period(last, "month")
    if following <= end:
        edges.append((following, end))
    return _Span((first, last), tuple(edges))


def _previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _period_start(day: date, grain: str) -> date:
    if grain == "week":
        return _monday(day)
    if grain == "month":
        return day.replace(day=1)
    if grain == "year":
        return day.replace(month=1, day=1)
    return day


def _next_period(start: date, grain: str) -> date:
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    if grain == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start.replace(year=start.year + 1)


def _rollup_sums(
    con,
    f: Filters,
    columns: tuple[str, ...],
    span: _Span,
    *,
    monthly: str,
    daily: str,
    required: str | None = None,
) -> list[tuple]:
    """`sum(n)` by `columns` (rows: (*columns, n)) for the filter's subsets over `span`: its
    whole months from the rollup `monthly` (which has `month_start` and `n`), its edge days
    from `daily` — a daily rollup (`day`, `n`) or "facts", whose rows are counted. With
    `required`, facts where that column is NULL are left out. This is the one place where a
    count is assembled from months and days."""
    conditions, subset_params = _subsets(f)
    subsets = "".join(f" AND {c}" for c in conditions)
    grouped = ", ".join(columns)
    lead = f"{grouped}, " if columns else ""
    group_by = f" GROUP BY {grouped}" if columns else ""
    parts, params = [], []
    if span.months:
        parts.append(
            f"SELECT {lead}sum(n) AS n FROM {monthly} "
            f"WHERE month_start BETWEEN ? AND ?{subsets}{group_by}"
        )
        params += [*span.months, *subset_params]
    if span.days:
        dates = " OR ".join("day BETWEEN ? AND ?" for _ in span.days)
        counted = "count(*)" if daily == "facts" else "sum(n)"
        present = f" AND {required} IS NOT NULL" if required else ""
        parts.append(
            f"SELECT {lead}{counted} AS n FROM {daily} WHERE ({dates}){subsets}{present}{group_by}"
        )
        params += [d for pair in span.days for d in pair] + subset_params
    sql = f"SELECT {lead}sum(n) FROM ({' UNION ALL '.join(parts)}){group_by}"
    return con.execute(sql, params).fetchall()


def _sums(con, f: Filters, columns: tuple[str, ...] = (), *, start=None, end=None) -> list[tuple]:
    """`sum(n)` by `columns` over [start, end] (the filter's dates by default), from the
    daily and monthly rollups (coarse ones when the filter and the columns allow). Rows:
    (*columns, n)."""
    coarse = _is_coarse(f, columns)
    monthly, daily = ("monthly_coarse", "daily_coarse") if coarse else ("monthly", "daily")
    span = _span(start or f.start, end or f.end)
    return _rollup_sums(con, f, columns, span, monthly=monthly, daily=daily)


def _count(con, f: Filters) -> int:
    return int(_sums(con, f)[0][0] or 0)


def _territory_where(f: Filters) -> tuple[str, list]:
    """WHERE clause (keyword included; empty for all of Paris) and its parameters keeping
    the territorial dimension rows the filter allows, over the aliases `s` (dim_sector),
    `a` (dim_arrondissement) and `q` (dim_quartier, only when the filter has quartiers)."""
    conditions, params = [], []
    for values, column in (
        (f.sectors, "s.code"),
        (f.arrondissements, "a.number"),
        (f.quartiers, "q.code"),
    ):
        if values:
            conditions.append(f"{column} IN ({_placeholders(values)})")
            params.extend(values)
    return ("WHERE " + " AND ".join(conditions)) if conditions else "", params


def _population(con, f: Filters) -> int | None:
    """Legal population of the filtered territory; None at quartier level (not in our data)."""
    if f.quartiers:
        return None
    where, params = _territory_where(f)
    population = con.execute(
        "SELECT sum(a.population) FROM dim_arrondissement a JOIN dim_sector s USING (sector_id) "
        + where,
        params,
    ).fetchone()[0]
    return int(population) if population else None


def _by_family_and_sector(f: Filters) -> _Span:
    """The filter's period for the rollups kept by family and sector only (`hourly`,
    `answer_monthly`): whole months from them and the edge days from the facts, or every
    day from the facts when the filter needs another dimension."""
    if f.categories or f.arrondissements or f.quartiers or f.channels or f.partners:
        return _Span(None, ((f.start, f.end),))
    return _span(f.start, f.end)


def _one_year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _round(value, digits: int = 2):
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, digits)


def _arrays(rows: list[tuple], width: int) -> list[np.ndarray]:
    if not rows:
        return [np.zeros(0, dtype=np.int64) for _ in range(width)]
    return [np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)]

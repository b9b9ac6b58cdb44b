"""The observatory's measures: pure functions over a `Filters` value, read from the store.

Everything here reads the pseudonymised analytical store (`observatoire.store`, DuckDB under
`CPPS_VAR_DIR/observatoire/`), never the case database, and returns plain JSON-ready
structures (dicts, lists, numbers, ISO date strings) with French labels. The dashboard,
barometer, alert e-mails, the `contrat` app and the open-data files are built on top.

Freshness: every measure first calls `ensure_fresh()`, which refreshes the store from the
case database when it is older than `CPPS_OBSERVATOIRE_REFRESH_SECONDS` (60 s by default),
so a complaint shows in the dashboard within a minute of being filed. Tests that create
complaints call `refresh(full=True)` to start from a store that matches their database.

Filter values are stable codes, as in shareable URLs: category and family codes, sector
codes, arrondissement numbers (1–20), quartier INSEE codes (7 digits), channel values,
partner codes.

Rates: "per 1,000 inhabitants" uses the INSEE legal populations of arrondissements (a
sector's population is the sum of its arrondissements'). Quartier populations are not in
our data: at quartier level the rate is per km² (`rate_per_km2`), never per inhabitant.
"""

# SQL here is assembled from this module's own table and column names; every value coming
# from a user travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import h3.api.basic_int as h3i
import numpy as np
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import alerts as alert_kernels
from analytics import concentration as concentration_kernel
from analytics import emerging, fdr, knox, sparse_hotspots
from analytics._lookup import positions
from analytics.hexgrid import count_on
from doleances.choices import Channel
from observatoire import store
from observatoire.facts import ANSWER_BUCKETS
from observatoire.grid import paris_grid

__all__ = [
    "DIMENSIONS",
    "GRAINS",
    "INDICATOR_MEASURES",
    "Filters",
    "alerts",
    "compute_indicator",
    "concentration",
    "counts_by",
    "emerging_hotspots",
    "ensure_fresh",
    "filter_options",
    "hotspots",
    "hotspots_geojson",
    "hotspots_geojson_text",
    "hour_of_week",
    "key_figures",
    "near_repeat",
    "refresh",
    "response_times",
    "store_status",
    "time_series",
]

#: Dimensions accepted by `counts_by` (plus "h3_<res>" for the configured H3 resolutions).
DIMENSIONS = (
    "category",
    "family",
    "sector",
    "arrondissement",
    "quartier",
    "channel",
    "partner",
)
#: Periods accepted by `time_series`.
GRAINS = ("day", "week", "month", "year")
#: Measure codes accepted by `compute_indicator` (see its docstring and docs/observatoire.md).
INDICATOR_MEASURES = (
    "complaints_count",
    "complaints_per_1000",
    "median_days_to_answer",
    "share_answered_within_deadline",
)
H3_RESOLUTIONS = (8, 9, 10, 11)
# Farrington baseline: up to 5 past years, same week ± 3 (analytics.alerts defaults).
BASELINE_YEARS = 5
BASELINE_HALF_WINDOW = 3
WEEKS_PER_YEAR = alert_kernels.WEEKS_PER_YEAR
# Knox pairs grow with the square of the events: beyond this the test is refused.
NEAR_REPEAT_MAX_EVENTS = 20_000
MAX_FILTER_VALUES = 200
MAX_RANGE_DAYS = 366 * 20

# URL parameter of each list field of Filters.
_PARAMETERS = {
    "categories": "categorie",
    "families": "famille",
    "sectors": "secteur",
    "arrondissements": "arrondissement",
    "quartiers": "quartier",
    "channels": "canal",
    "partners": "partenaire",
}

GI_BIN_LABELS = {
    3: gettext_lazy("Point chaud (confiance 99 %)"),
    2: gettext_lazy("Point chaud (confiance 95 %)"),
    1: gettext_lazy("Point chaud (confiance 90 %)"),
    0: gettext_lazy("Non significatif"),
    -1: gettext_lazy("Point froid (confiance 90 %)"),
    -2: gettext_lazy("Point froid (confiance 95 %)"),
    -3: gettext_lazy("Point froid (confiance 99 %)"),
}
PATTERN_LABELS = {
    0: gettext_lazy("Aucune tendance détectée"),
    1: gettext_lazy("Nouveau point chaud"),
    2: gettext_lazy("Point chaud consécutif"),
    3: gettext_lazy("Point chaud qui s'intensifie"),
    4: gettext_lazy("Point chaud persistant"),
    5: gettext_lazy("Point chaud qui s'atténue"),
    6: gettext_lazy("Point chaud sporadique"),
    7: gettext_lazy("Point chaud oscillant"),
    8: gettext_lazy("Point chaud historique"),
    -1: gettext_lazy("Nouveau point froid"),
    -2: gettext_lazy("Point froid consécutif"),
    -3: gettext_lazy("Point froid qui s'intensifie"),
    -4: gettext_lazy("Point froid persistant"),
    -5: gettext_lazy("Point froid qui s'atténue"),
    -6: gettext_lazy("Point froid sporadique"),
    -7: gettext_lazy("Point froid oscillant"),
    -8: gettext_lazy("Point froid historique"),
}


def _setting(name: str, default):
    from django.conf import settings

    return getattr(settings, name, default)


def hotspot_resolution() -> int:
    return int(_setting("CPPS_HOTSPOT_RESOLUTION", 10))


# --- filters ---------------------------------------------------------------------------------


def _values(q, key: str) -> list[str]:
    """All values of a parameter, from a QueryDict or a plain mapping; commas split too."""
    try:
        raw = q.getlist(key) if hasattr(q, "getlist") else q.get(key, [])
    except Exception:  # noqa: BLE001 - garbage in, defaults out
        return []
    if isinstance(raw, str | int):
        raw = [raw]
    values = []
    for item in raw if isinstance(raw, list | tuple) else []:
        values.extend(part.strip() for part in str(item).split(","))
    return [v for v in values if v and len(v) <= 80][:MAX_FILTER_VALUES]


def _date(value) -> date | None:
    try:
        parsed = date.fromisoformat(str(value).strip()[:10])
    except (TypeError, ValueError):
        return None
    return parsed if 2000 <= parsed.year <= 2100 else None


def _known_codes() -> dict[str, dict[str, object]]:
    """Accepted parameter values (as written in URLs) → the value kept in Filters."""
    from accounts.models import Partner
    from doleances.models import Category, Family
    from territory.models import Arrondissement, Quartier, Sector

    return {
        "categories": {c: c for c in Category.objects.values_list("code", flat=True)},
        "families": {c: c for c in Family.objects.values_list("code", flat=True)},
        "sectors": {c: c for c in Sector.objects.values_list("code", flat=True)},
        "arrondissements": {
            str(n): n for n in Arrondissement.objects.values_list("number", flat=True)
        },
        "quartiers": {c: c for c in Quartier.objects.values_list("insee_code", flat=True)},
        "channels": {c: c for c in Channel.values},
        "partners": {c: c for c in Partner.objects.values_list("code", flat=True)},
    }


@dataclass(frozen=True)
class Filters:
    """What the observatory looks at: a period (inclusive local dates) and optional subsets.

    Empty tuples mean "all". Values are codes (see the module docstring), so a `Filters`
    round-trips through a URL with `to_querystring` / `from_querydict`.
    """

    start: date
    end: date
    categories: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    arrondissements: tuple[int, ...] = ()
    quartiers: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    @classmethod
    def last_days(cls, days: int = 365, end: date | None = None, **subsets) -> Filters:
        end = end or timezone.localdate()
        return cls(start=end - timedelta(days=max(1, days) - 1), end=end, **subsets)

    @classmethod
    def from_querydict(cls, q, default_days: int = 365) -> Filters:
        """Filters from request parameters; never raises.

        Parameters (French, repeatable or comma-separated for lists): `du`, `au`
        (YYYY-MM-DD), `categorie`, `famille`, `secteur`, `arrondissement` (number),
        `quartier` (INSEE code), `canal`, `partenaire`. Anything malformed or unknown is
        dropped; missing or invalid dates give the last `default_days` days ending today
        (Paris time); reversed dates are swapped; a period is at most 20 years.
        """
        try:
            default_days = max(1, min(int(default_days), MAX_RANGE_DAYS))
        except (TypeError, ValueError):
            default_days = 365
        q = q if q is not None else {}
        start, end = (_date(v) for v in (_first(q, "du"), _first(q, "au")))
        if start and end and start > end:
            start, end = end, start
        if end is None:
            end = max(timezone.localdate(), start) if start else timezone.localdate()
        if start is None:
            start = end - timedelta(days=default_days - 1)
        start = max(start, end - timedelta(days=MAX_RANGE_DAYS - 1))
        subsets = {}
        try:
            known = _known_codes()
        except Exception:  # noqa: BLE001 - a broken referential must not break a page
            known = {name: {} for name in _PARAMETERS}
        for name, parameter in _PARAMETERS.items():
            accepted = known[name]
            kept = [accepted[v] for v in _values(q, parameter) if v in accepted]
            subsets[name] = tuple(sorted(set(kept)))
        return cls(start=start, end=end, **subsets)

    def to_querystring(self) -> str:
        """The URL query string (without "?") that `from_querydict` reads back."""
        pairs = [("du", self.start.isoformat()), ("au", self.end.isoformat())]
        for name, parameter in _PARAMETERS.items():
            pairs.extend((parameter, str(v)) for v in getattr(self, name))
        return urlencode(pairs)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def replace(self, **changes) -> Filters:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Filters(**values)


def _first(q, key: str):
    values = _values(q, key)
    return values[0] if values else None


# --- store access ------------------------------------------------------------------------


def refresh(*, full: bool = False) -> dict:
    """Bring the store up to date with the case database.

    Incremental by default (complaints and cases changed since the watermark); `full`
    rebuilds it from scratch into a new file swapped in atomically. Returns
    `{"rows": changed rows, "seconds": duration, "watermark": ISO date-time, "full": bool}`.
    """
    return store.refresh(full=full)


def ensure_fresh(max_age: float | None = None) -> bool:
    """Refresh when the store is older than `max_age` seconds (default setting
    `CPPS_OBSERVATOIRE_REFRESH_SECONDS`, 60). Never waits for a refresh already running in
    another thread or process. Returns whether this call refreshed."""
    return store.ensure_fresh(max_age)


def store_status() -> dict:
    """`{"refreshed_at": ISO date-time or None, "rows": facts, "watermark": …, "path": …}`."""
    return store.status()


def _reading():
    store.ensure_fresh()
    return store.reading()


def filter_options() -> dict[str, list[dict]]:
    """Choices for a filter form: for each `Filters` field, a list of `{"code", "label"}`
    (categories also carry `"family"`, quartiers `"arrondissement"`, arrondissements
    `"sector"`)."""
    from accounts.models import Partner
    from doleances.models import Category, Family
    from territory.models import Arrondissement, Quartier, Sector

    return {
        "categories": [
            {"code": c.code, "label": c.label, "family": c.family.code}
            for c in Category.objects.select_related("family")
        ],
        "families": [{"code": f.code, "label": f.label} for f in Family.objects.all()],
        "sectors": [{"code": s.code, "label": s.name} for s in Sector.objects.all()],
        "arrondissements": [
            {"code": a.number, "label": a.name, "sector": a.sector.code}
            for a in Arrondissement.objects.select_related("sector")
        ],
        "quartiers": [
            {"code": q.insee_code, "label": q.name, "arrondissement": q.arrondissement.number}
            for q in Quartier.objects.select_related("arrondissement").order_by("number")
        ],
        "channels": [{"code": value, "label": str(label)} for value, label in Channel.choices],
        "partners": [{"code": p.code, "label": p.name} for p in Partner.objects.all()],
    }


# --- SQL helpers ---------------------------------------------------------------------------

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


def _sums(con, f: Filters, columns: tuple[str, ...] = (), *, start=None, end=None) -> list[tuple]:
    """`sum(n)` by `columns` over [start, end] (the filter's dates by default): whole
    months from a monthly rollup, the edge days from the daily one (coarse ones when the
    filter and the columns allow). Rows: (*columns, n)."""
    coarse = _is_coarse(f, columns)
    monthly, daily = ("monthly_coarse", "daily_coarse") if coarse else ("monthly", "daily")
    span = _span(start or f.start, end or f.end)
    conditions, subset_params = _subsets(f)
    subsets = "".join(f" AND {c}" for c in conditions)
    selected = ", ".join([*columns, "n"])
    parts, params = [], []
    if span.months:
        parts.append(f"SELECT {selected} FROM {monthly} WHERE month_start BETWEEN ? AND ?{subsets}")
        params += [*span.months, *subset_params]
    if span.days:
        dates = " OR ".join("day BETWEEN ? AND ?" for _ in span.days)
        parts.append(f"SELECT {selected} FROM {daily} WHERE ({dates}){subsets}")
        params += [d for pair in span.days for d in pair] + subset_params
    grouped = ", ".join(columns)
    sql = f"SELECT {grouped + ', ' if columns else ''}sum(n) FROM ({' UNION ALL '.join(parts)})"
    if columns:
        sql += f" GROUP BY {grouped}"
    return con.execute(sql, params).fetchall()


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


def _population(con, f: Filters) -> int | None:
    """Legal population of the filtered territory; None at quartier level (not in our data)."""
    if f.quartiers:
        return None
    sql = "SELECT sum(a.population) FROM dim_arrondissement a JOIN dim_sector s USING (sector_id)"
    conditions, params = [], []
    if f.sectors:
        conditions.append(f"s.code IN ({_placeholders(f.sectors)})")
        params.extend(f.sectors)
    if f.arrondissements:
        conditions.append(f"a.number IN ({_placeholders(f.arrondissements)})")
        params.extend(f.arrondissements)
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    population = con.execute(sql, params).fetchone()[0]
    return int(population) if population else None


def _count(con, f: Filters) -> int:
    return int(_sums(con, f)[0][0] or 0)


def _by_family_and_sector(f: Filters) -> _Span:
    """The filter's period for the rollups kept by family and sector only (`hourly`,
    `answer_monthly`): whole months from them and the edge days from the facts, or every
    day from the facts when the filter needs another dimension."""
    if f.categories or f.arrondissements or f.quartiers or f.channels or f.partners:
        return _Span(None, ((f.start, f.end),))
    return _span(f.start, f.end)


def _answer_histogram(con, f: Filters) -> np.ndarray:
    """Counts of first answers per delay bucket (`facts.ANSWER_BUCKETS`) for the filter."""
    histogram = np.zeros(len(ANSWER_BUCKETS) - 1)
    span = _by_family_and_sector(f)
    conditions, params = _subsets(f)
    subsets = "".join(f" AND {c}" for c in conditions)
    rows = []
    if span.months:
        rows += con.execute(
            "SELECT answer_bucket, sum(n) FROM answer_monthly "
            f"WHERE month_start BETWEEN ? AND ?{subsets} GROUP BY 1",
            [*span.months, *params],
        ).fetchall()
    if span.days:
        where, where_params = _days_where(f, span.days)
        rows += con.execute(
            f"SELECT answer_bucket, count(*) FROM facts WHERE {where} "
            "AND answer_bucket IS NOT NULL GROUP BY 1",
            where_params,
        ).fetchall()
    for bucket, n in rows:
        histogram[bucket] += n
    return histogram


def _histogram_median(histogram: np.ndarray) -> float | None:
    """Median of grouped data: linear interpolation inside the (10 % wide) bucket holding
    the middle; the open last bucket gives its lower edge."""
    total = histogram.sum()
    if total == 0:
        return None
    cumulative = np.cumsum(histogram)
    b = int(np.searchsorted(cumulative, total / 2))
    low, high = ANSWER_BUCKETS[b], ANSWER_BUCKETS[b + 1]
    if not np.isfinite(high):
        return float(low)
    before = cumulative[b] - histogram[b]
    return float(low + (total / 2 - before) / histogram[b] * (high - low))


# --- key figures, counts, series ---------------------------------------------------------


def key_figures(f: Filters) -> dict:
    """Headline figures of the filtered complaints.

    `{"total", "previous_total" (same dates one year earlier), "yoy_change_pct" (None when
    the previous total is 0), "population" (of the filtered territory, None at quartier
    level), "rate_per_1000" (None without population), "open" (still open today),
    "answered", "median_days_to_answer" (first public answer, None without answers)}`.

    The median is read from a histogram of the delays (`facts.ANSWER_BUCKETS`, buckets 10 %
    wide) with linear interpolation in its bucket, like `compute_indicator`'s: within a few
    percent of the exact median, without sorting every delay.
    """
    with _reading() as con:
        by_state = dict(_sums(con, f, ("is_open",)))
        previous = _sums(con, f, start=_one_year_earlier(f.start), end=_one_year_earlier(f.end))[0][
            0
        ]
        histogram = _answer_histogram(con, f)
        population = _population(con, f)
    total = sum(int(n) for n in by_state.values())
    still_open = by_state.get(True, 0)
    median_hours = _histogram_median(histogram)
    answered = int(histogram.sum())
    previous = int(previous or 0)
    return {
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "total": total,
        "previous_total": previous,
        "yoy_change_pct": _round((total - previous) / previous * 100, 1) if previous else None,
        "population": population,
        "rate_per_1000": _round(total / population * 1000) if population else None,
        "open": int(still_open or 0),
        "answered": int(answered or 0),
        "median_days_to_answer": _round(median_hours / 24) if median_hours is not None else None,
    }


# dimension → (fact column, dimension table, key column of the dimension, label column)
_DIMENSION_SOURCES = {
    "category": ("category_id", "dim_category", "code"),
    "family": ("family_id", "dim_family", "code"),
    "sector": ("sector_id", "dim_sector", "code"),
    "arrondissement": ("arrondissement_id", "dim_arrondissement", "number"),
    "quartier": ("quartier_id", "dim_quartier", "code"),
    "partner": ("partner_id", "dim_partner", "code"),
}
_MISSING_LABELS = {
    "quartier": gettext_lazy("Localisation approximative (sans quartier)"),
    "partner": gettext_lazy("Sans guichet attribué"),
    "h3": gettext_lazy("Non localisée sur la carte"),
}


def _h3_resolution(dimension: str) -> int | None:
    if dimension.startswith("h3_"):
        try:
            res = int(dimension[3:])
        except ValueError:
            return None
        return res if res in H3_RESOLUTIONS else None
    return None


def _territory_members(con, dimension: str, f: Filters) -> list[tuple]:
    """(key, label, population, area) of every sector/arrondissement/quartier the
    territorial filters allow, so that maps get their zero rows too."""
    conditions, params = [], []
    if f.sectors:
        conditions.append(f"s.code IN ({_placeholders(f.sectors)})")
        params.extend(f.sectors)
    if f.arrondissements:
        conditions.append(f"a.number IN ({_placeholders(f.arrondissements)})")
        params.extend(f.arrondissements)
    if f.quartiers:
        conditions.append(f"q.code IN ({_placeholders(f.quartiers)})")
        params.extend(f.quartiers)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    select = {
        "sector": "DISTINCT s.sector_id, s.code, s.label, s.population, NULL, s.ord",
        "arrondissement": "DISTINCT a.arrondissement_id, a.number, a.label, a.population, "
        "a.area_km2, a.number",
        "quartier": "q.quartier_id, q.code, q.label, NULL, q.area_km2, q.number",
    }[dimension]
    return con.execute(
        f"SELECT {select} FROM dim_quartier q "
        "RIGHT JOIN dim_arrondissement a USING (arrondissement_id) "
        f"JOIN dim_sector s USING (sector_id) {where} ORDER BY 6",
        params,
    ).fetchall()


def counts_by(f: Filters, dimension: str, *, rate: bool = False) -> list[dict]:
    """Counts by one dimension (see `DIMENSIONS`, or `h3_<res>`), largest first.

    Rows: `{"key", "label", "count"}`; with `rate`, `"rate"` and `"rate_unit"`: per 1,000
    inhabitants for sector and arrondissement (legal populations), per km² for quartier
    (quartier populations are not in our data), None for other dimensions. `key` is the
    code (arrondissement number, quartier INSEE code, H3 cell as hex string); complaints
    without the dimension (e.g. located by postal code only, so without quartier) have key
    None and a French label. Territorial dimensions list every unit of the filtered
    territory, zeros included. Raises ValueError for an unknown dimension.
    """
    res = _h3_resolution(dimension)
    if dimension not in DIMENSIONS and res is None:
        raise ValueError(_("Dimension inconnue : %(dimension)s") % {"dimension": dimension})
    where, params = _where(f)
    with _reading() as con:
        if res is not None:
            rows = con.execute(
                f"SELECT h3_r{res}, count(*) AS n FROM facts WHERE {where} "
                "GROUP BY 1 ORDER BY n DESC, 1",
                params,
            ).fetchall()
            return [
                {
                    "key": h3i.int_to_str(int(cell)) if cell is not None else None,
                    "label": h3i.int_to_str(int(cell)) if cell else str(_MISSING_LABELS["h3"]),
                    "count": int(n),
                    **({"rate": None, "rate_unit": None} if rate else {}),
                }
                for cell, n in rows
            ]
        if dimension == "channel":
            counts = dict(_sums(con, f, ("channel",)))
            rows = [
                {"key": code, "label": _channel_label(code), "count": int(n)}
                for code, n in counts.items()
            ]
        else:
            column, table, key = _DIMENSION_SOURCES[dimension]
            counts = dict(_sums(con, f, (column,)))
            if dimension in ("sector", "arrondissement", "quartier"):
                members = _territory_members(con, dimension, f)
            else:
                members = con.execute(
                    f"SELECT {column}, {key}, label, NULL, NULL, NULL FROM {table}"
                ).fetchall()
            rows = []
            for ident, code, label, population, area, _order in members:
                n = int(counts.pop(ident, 0) or 0)
                if n or dimension in ("sector", "arrondissement", "quartier"):
                    row = {"key": code, "label": label, "count": n}
                    if rate:
                        row.update(_rate(dimension, n, population, area))
                    rows.append(row)
            for ident, n in counts.items():  # no referential row: unknown or missing
                row = {
                    "key": None,
                    "label": str(_MISSING_LABELS.get(dimension, "—")),
                    "count": int(n),
                }
                if ident is not None:
                    row["label"] = _("Inconnu (%(id)s)") % {"id": ident}
                if rate:
                    row.update({"rate": None, "rate_unit": None})
                rows.append(row)
    if rate and dimension == "channel":
        for row in rows:
            row.update({"rate": None, "rate_unit": None})
    rows.sort(key=lambda r: -r["count"])
    return rows


def _rate(dimension: str, n: int, population, area) -> dict:
    if dimension in ("sector", "arrondissement"):
        return {
            "rate": _round(n / population * 1000) if population else None,
            "rate_unit": _("pour 1 000 habitants"),
        }
    if dimension == "quartier":
        return {"rate": _round(n / area) if area else None, "rate_unit": _("par km²")}
    return {"rate": None, "rate_unit": None}


def _channel_label(code: str) -> str:
    try:
        return str(Channel(code).label)
    except ValueError:
        return code


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
    rows = []
    with _reading() as con:
        if span.months:
            conditions, params = _subsets(f)
            subsets = "".join(f" AND {c}" for c in conditions)
            rows += con.execute(
                "SELECT weekday, hour, sum(n) FROM hourly "
                f"WHERE month_start BETWEEN ? AND ?{subsets} GROUP BY ALL",
                [*span.months, *params],
            ).fetchall()
        if span.days:
            where, params = _days_where(f, span.days)
            rows += con.execute(
                f"SELECT weekday, hour, count(*) FROM facts WHERE {where} GROUP BY ALL", params
            ).fetchall()
    for weekday, hour, n in rows:
        grid[weekday][hour] += int(n)
    return grid


# --- response times --------------------------------------------------------------------------


def response_times(f: Filters, by: str = "desk") -> list[dict]:
    """How fast desks answer, by "desk" or "category", most complaints first.

    Rows: `{"key", "label", "n", "answered", "first_answer_median_hours",
    "first_answer_p90_hours", "closed", "closing_median_days", "closing_p90_days", "due",
    "share_within_deadline"}`. The share (0–1) counts complaints answered by their due
    date among those due (due date passed, or answered); None when none is due yet.
    Raises ValueError for another `by`.
    """
    if by not in ("desk", "category"):
        raise ValueError(_("Regroupement inconnu : %(by)s") % {"by": by})
    column, table = ("desk_id", "dim_desk") if by == "desk" else ("category_id", "dim_category")
    where, params = _where(f)
    now = datetime.now(UTC).replace(tzinfo=None)
    with _reading() as con:
        rows = con.execute(
            f"""
            SELECT d.code, d.label, r.* EXCLUDE (id) FROM (
                SELECT {column} AS id, count(*) AS n,
                    count(first_answer_hours) AS answered,
                    quantile_cont(first_answer_hours, 0.5) AS answer_median,
                    quantile_cont(first_answer_hours, 0.9) AS answer_p90,
                    count(closing_days) AS closed,
                    quantile_cont(closing_days, 0.5) AS closing_median,
                    quantile_cont(closing_days, 0.9) AS closing_p90,
                    count(*) FILTER (WHERE due_at IS NOT NULL
                        AND (due_at < ? OR first_answer_at IS NOT NULL)) AS due,
                    count(*) FILTER (WHERE first_answer_at <= due_at) AS within
                FROM facts WHERE {where} GROUP BY 1
            ) r LEFT JOIN {table} d ON d.{column} = r.id
            ORDER BY r.n DESC, d.label
            """,
            [now, *params],
        ).fetchall()
    missing = _("Sans guichet attribué") if by == "desk" else _("Catégorie inconnue")
    return [_response_row(row, missing) for row in rows]


def _response_row(row: tuple, missing: str) -> dict:
    (
        code,
        label,
        n,
        answered,
        answer_median,
        answer_p90,
        closed,
        closing_median,
        closing_p90,
        due,
        within,
    ) = row
    return {
        "key": code,
        "label": label or missing,
        "n": int(n),
        "answered": int(answered),
        "first_answer_median_hours": _round(answer_median, 1),
        "first_answer_p90_hours": _round(answer_p90, 1),
        "closed": int(closed),
        "closing_median_days": _round(closing_median, 1),
        "closing_p90_days": _round(closing_p90, 1),
        "due": int(due),
        "share_within_deadline": _round(within / due, 4) if due else None,
    }


# --- hot spots --------------------------------------------------------------------------------


def _resolution(resolution: int | None) -> int:
    res = hotspot_resolution() if resolution is None else int(resolution)
    if res not in H3_RESOLUTIONS:
        raise ValueError(_("Résolution H3 non disponible : %(res)s") % {"res": res})
    return res


def _cell_counts(con, f: Filters, res: int, grid) -> np.ndarray:
    """Complaints per cell of the Paris grid (zeros included) for the filter."""
    span = _by_family_and_sector(f) if res == store.H3_ROLLUP_RESOLUTION else None
    if span is None:
        span = _Span(None, ((f.start, f.end),))
    rows = []
    if span.months:
        conditions, params = _subsets(f)
        subsets = "".join(f" AND {c}" for c in conditions)
        rows += con.execute(
            f"SELECT h3_r{res}, sum(n) FROM h3_monthly WHERE month_start BETWEEN ? AND ?"
            f"{subsets} GROUP BY 1",
            [*span.months, *params],
        ).fetchall()
    if span.days:
        where, params = _days_where(f, span.days)
        rows += con.execute(
            f"SELECT h3_r{res}, count(*) FROM facts WHERE {where} AND h3_r{res} IS NOT NULL "
            "GROUP BY 1",
            params,
        ).fetchall()
    cells, counts = _arrays(rows, 2)
    cells = cells.astype(np.uint64)
    inside = positions(grid.cells, cells) >= 0  # a cell outside Paris cannot be tested
    return count_on(grid.cells, cells[inside], counts[inside])


def _arrays(rows: list[tuple], width: int) -> list[np.ndarray]:
    if not rows:
        return [np.zeros(0, dtype=np.int64) for _ in range(width)]
    return [np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)]


@dataclass(frozen=True)
class _HotspotTable:
    cells: np.ndarray  # uint64
    counts: np.ndarray
    z: np.ndarray
    p: np.ndarray
    q: np.ndarray
    bins: np.ndarray
    method: str = "normal"  # see analytics.sparse_hotspots


def _hotspot_table(f: Filters, res: int, k: int) -> _HotspotTable:
    """Gi* over every cell of the Paris grid; rows kept: complaints or a significant bin,
    hottest first (a busy cell and its neighbours share their neighbourhood sum, so ties on
    z go to the busier cell)."""
    grid = paris_grid(res)
    with _reading() as con:
        values = _cell_counts(con, f, res, grid)
    if grid.cells.size == 0:
        empty = np.zeros(0)
        return _HotspotTable(
            grid.cells, empty, empty, empty, empty, empty.astype(np.int8), "too_few"
        )
    # Few events: nothing flagged, or permutation inference (analytics.sparse_hotspots).
    result = sparse_hotspots.infer(values, grid.weights(k))
    keep = np.flatnonzero((values > 0) | (result.bins != 0))
    keep = keep[np.lexsort((-values[keep], -np.round(result.z[keep], 6)))]
    return _HotspotTable(
        grid.cells[keep],
        values[keep],
        result.z[keep],
        result.p[keep],
        result.q[keep],
        result.bins[keep],
        result.method,
    )


def hotspots(f: Filters, resolution: int | None = None, k: int = 1) -> list[dict]:
    """Getis–Ord Gi* hot and cold spots on the H3 cells covering Paris (zeros included).

    `resolution` defaults to `CPPS_HOTSPOT_RESOLUTION` (10), neighbours are the `k`-ring.
    Rows, one per cell with at least one complaint or a significant bin: `{"cell" (hex),
    "count", "z", "p", "q" (Benjamini–Hochberg over all cells), "gi_bin" (-3..3, on q),
    "label" (French)}`, hottest first.
    """
    table = _hotspot_table(f, _resolution(resolution), k)
    labels = {b: str(label) for b, label in GI_BIN_LABELS.items()}
    return [
        {
            "cell": h3i.int_to_str(cell),
            "count": int(n),
            "z": round(z, 3),
            "p": float(f"{p:.4g}"),
            "q": float(f"{q:.4g}"),
            "gi_bin": b,
            "label": labels[b],
        }
        for cell, n, z, p, q, b in zip(
            table.cells.tolist(),
            table.counts.tolist(),
            table.z.tolist(),
            table.p.tolist(),
            table.q.tolist(),
            table.bins.tolist(),
            strict=True,
        )
    ]


def hotspots_geojson(f: Filters, resolution: int | None = None, k: int = 1) -> dict:
    """`hotspots` as a GeoJSON FeatureCollection of cell hexagons (properties = the row).
    A view sending it as is should prefer `hotspots_geojson_text` (same content, faster)."""
    return json.loads(hotspots_geojson_text(f, resolution, k))


def hotspots_geojson_text(f: Filters, resolution: int | None = None, k: int = 1) -> str:
    """`hotspots_geojson` serialised, assembled from cached cell outlines: the whole Paris
    map (~13,000 cells at resolution 10) in a few tens of milliseconds."""
    res = _resolution(resolution)
    grid = paris_grid(res)
    table = _hotspot_table(f, res, k)
    labels = {b: json.dumps(str(label), ensure_ascii=False) for b, label in GI_BIN_LABELS.items()}
    # Each cell's outline and id are cached text; only the figures are formatted here.
    features = [
        f'{grid.feature_head(cell)},"count":{n},"z":{z:.3f},"p":{p:.4g},"q":{q:.4g},'
        f'"gi_bin":{b},"label":{labels[b]}}}}}'
        for cell, n, z, p, q, b in zip(
            table.cells.tolist(),
            table.counts.astype(np.int64).tolist(),
            table.z.tolist(),
            table.p.tolist(),
            table.q.tolist(),
            table.bins.tolist(),
            strict=True,
        )
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def emerging_hotspots(f: Filters, weeks: int = 104, resolution: int | None = None) -> list[dict]:
    """Emerging hot spot analysis over the `weeks` weekly slices ending with the week of
    `f.end` (the filter's start date is not used; its other subsets are).

    Rows for cells with a pattern, strongest trend first: `{"cell", "pattern" (ArcGIS code
    -8..8), "label" (French, e.g. "Nouveau point chaud"), "count" (over the slices),
    "trend_z", "trend_p"}`.
    """
    res = _resolution(resolution)
    weeks = max(2, int(weeks))
    grid = paris_grid(res)
    last_week = _monday(f.end)
    first_week = last_week - timedelta(weeks=weeks - 1)
    where, params = _where(f, start=first_week, end=f.end)
    with _reading() as con:
        cells, week_starts, counts = (
            con.execute(
                f"SELECT h3_r{res}, (week_start - DATE '{first_week.isoformat()}') // 7, "
                f"count(*) FROM facts WHERE {where} AND h3_r{res} IS NOT NULL GROUP BY ALL",
                params,
            )
            .fetchnumpy()
            .values()
        )
    if grid.cells.size == 0:
        return []
    cells = np.asarray(cells, dtype=np.int64).astype(np.uint64)
    row = positions(grid.cells, cells)
    inside = row >= 0
    cube = np.zeros((grid.cells.size, weeks))
    np.add.at(
        cube,
        (row[inside], np.asarray(week_starts)[inside].astype(np.intp)),
        np.asarray(counts)[inside],
    )
    result = emerging.emerging_hotspots(cube, grid.weights(1))
    chosen = np.flatnonzero(result.pattern != 0)
    chosen = chosen[np.argsort(-np.abs(result.trend.z[chosen]), kind="stable")]
    totals = cube.sum(axis=1)
    return [
        {
            "cell": h3i.int_to_str(int(grid.cells[i])),
            "pattern": int(result.pattern[i]),
            "label": str(PATTERN_LABELS[int(result.pattern[i])]),
            "count": int(totals[i]),
            "trend_z": _round(result.trend.z[i], 3),
            "trend_p": _round(result.trend.p[i], 4),
        }
        for i in chosen.tolist()
    ]


# --- alerts -----------------------------------------------------------------------------------


def alerts(as_of: date | None = None, sectors=(), families=()) -> list[dict]:
    """Weekly alerts over every (family × territory) series, territory = each sector and
    Paris, for the last complete week before `as_of` (today by default).

    Farrington baseline (`analytics.alerts.alert_table`: same weeks of up to 5 past years)
    with Benjamini–Hochberg q across all series; with less than a year and 4 weeks of
    history, EARS C2 (7 weeks before a 2-week guard) with a normal p-value instead. Only
    series in alarm (q ≤ 0.05) are returned, most significant first: `{"what" (family
    label), "family", "where" (sector name or "Paris"), "sector" (code or None), "week"
    (ISO Monday), "observed", "expected", "upper", "ratio", "since" (ISO Monday of the
    first week of the run above the upper bound), "q", "method"}`. `sectors`/`families`
    (codes) narrow the series tested.
    """
    as_of = as_of or timezone.localdate()
    last_week = _monday(as_of) - timedelta(weeks=1)
    with _reading() as con:
        history_start = _history_start(con)
        if history_start is None or history_start > last_week:
            return []
        first_week = max(
            history_start,
            last_week - timedelta(weeks=BASELINE_YEARS * WEEKS_PER_YEAR + BASELINE_HALF_WINDOW),
        )
        family_rows = con.execute(
            "SELECT family_id, code, label FROM dim_family ORDER BY ord, code"
        ).fetchall()
        sector_rows = con.execute(
            "SELECT sector_id, code, label FROM dim_sector ORDER BY ord"
        ).fetchall()
        family_rows = [r for r in family_rows if not families or r[1] in families]
        sector_rows = [r for r in sector_rows if not sectors or r[1] in sectors]
        weekly = con.execute(
            "SELECT family_id, sector_id, (week_start - ?::DATE) // 7, sum(n) FROM weekly "
            "WHERE week_start BETWEEN ? AND ? GROUP BY ALL",
            [first_week, first_week, last_week],
        ).fetchall()
    steps = (last_week - first_week).days // 7 + 1
    family_index = {r[0]: i for i, r in enumerate(family_rows)}
    sector_index = {r[0]: i for i, r in enumerate(sector_rows)}
    by_sector = np.zeros((len(family_rows), len(sector_rows), steps))
    paris = np.zeros((len(family_rows), steps))
    for family_id, sector_id, week, n in weekly:
        fi = family_index.get(family_id)
        if fi is None:
            continue
        paris[fi, week] += n
        si = sector_index.get(sector_id)
        if si is not None:
            by_sector[fi, si, week] += n
    series, labels = [], []
    for fi, family in enumerate(family_rows):
        if not sectors:
            series.append(paris[fi])
            labels.append((family, None))
        for si, sector in enumerate(sector_rows):
            series.append(by_sector[fi, si])
            labels.append((family, sector))
    if not series:
        return []
    counts = np.array(series)
    if steps >= WEEKS_PER_YEAR + BASELINE_HALF_WINDOW + 1:
        table = alert_kernels.alert_table(
            counts, years=BASELINE_YEARS, half_window=BASELINE_HALF_WINDOW
        )
        observed, expected, upper, q, alarm = (
            table.observed,
            table.expected,
            table.upper,
            table.q,
            table.alarm,
        )
        since = table.since
        method = "Farrington"
    else:
        observed, expected, upper, q, alarm, since = _ears_alerts(counts)
        method = "EARS C2"
    result = []
    for i in np.flatnonzero(alarm):
        family, sector = labels[i]
        result.append(
            {
                "what": family[2],
                "family": family[1],
                "where": sector[2] if sector else "Paris",
                "sector": sector[1] if sector else None,
                "week": last_week.isoformat(),
                "observed": int(observed[i]),
                "expected": _round(expected[i], 1),
                "upper": _round(upper[i], 1),
                "ratio": _round(observed[i] / expected[i], 2) if expected[i] > 0 else None,
                "since": (first_week + timedelta(weeks=int(since[i]))).isoformat()
                if since[i] >= 0
                else last_week.isoformat(),
                "q": float(f"{q[i]:.4g}"),
                "method": method,
            }
        )
    result.sort(key=lambda a: (a["q"], -(a["ratio"] or 0)))
    return result


def _ears_alerts(counts: np.ndarray):
    """EARS C2 on the last week for short histories: baseline mean and SD of weeks t-9..t-3."""
    from scipy import stats

    stats_c2 = alert_kernels.ears(counts, min_sigma=0.5).c2
    baseline_end = counts.shape[1] - 3
    baseline = counts[:, max(0, baseline_end - alert_kernels.EARS_BASELINE) : baseline_end]
    expected = baseline.mean(axis=1) if baseline.size else np.zeros(counts.shape[0])
    sigma = np.maximum(baseline.std(axis=1, ddof=1) if baseline.shape[1] > 1 else 0.5, 0.5)
    c2 = stats_c2[:, -1]
    p = np.where(np.isnan(c2), np.nan, stats.norm.sf(c2))
    result = fdr.benjamini_hochberg(p)
    upper = expected + 3 * sigma
    since = np.full(counts.shape[0], counts.shape[1] - 1)
    return counts[:, -1], expected, upper, result.q, result.reject, since


# --- near repeat, concentration ----------------------------------------------------------


def _band_labels(edges, unit: str) -> list[str]:
    labels = []
    for i in range(len(edges) - 1):
        low = edges[i] if i == 0 else edges[i] + 1
        labels.append(f"{low:g}–{edges[i + 1]:g} {unit}")
    return labels


def near_repeat(
    f: Filters,
    category: str,
    distance_bands_m=(0, 100, 200, 400),
    time_bands_days=(0, 7, 14, 21),
    permutations: int = 99,
    seed: int = 0,
) -> dict:
    """Knox near-repeat test for one category (code) over the filtered complaints.

    Points are the centres of their H3 resolution-11 cells (the store keeps no
    coordinates; ~25 m, well under the bands), times the receipt. Returns `{"category",
    "label", "n", "distance_bands", "time_bands" (French labels), "observed", "expected",
    "ratio", "p"}` (tables as lists of rows, one per distance band). Raises ValueError
    (French message) for an unknown category or more than 20,000 complaints.
    """
    f = f.replace(categories=(category,))
    where, params = _where(f)
    with _reading() as con:
        found = con.execute("SELECT label FROM dim_category WHERE code = ?", [category]).fetchone()
        if found is None:
            raise ValueError(_("Catégorie inconnue : %(code)s") % {"code": category})
        n = con.execute(
            f"SELECT count(*) FROM facts WHERE {where} AND h3_r11 IS NOT NULL", params
        ).fetchone()[0]
        if n > NEAR_REPEAT_MAX_EVENTS:
            raise ValueError(
                _(
                    "Trop de signalements (%(n)s) pour le test de répétition : réduisez la "
                    "période ou le territoire (%(max)s au plus)."
                )
                % {"n": n, "max": NEAR_REPEAT_MAX_EVENTS}
            )
        cells, epochs = (
            con.execute(
                f"SELECT h3_r11, epoch(received_at) FROM facts WHERE {where} "
                "AND h3_r11 IS NOT NULL",
                params,
            )
            .fetchnumpy()
            .values()
        )
    cells = np.asarray(cells, dtype=np.int64)
    distinct, inverse = np.unique(cells, return_inverse=True)
    centres = np.array([h3i.cell_to_latlng(int(c)) for c in distinct.tolist()]).reshape(-1, 2)
    x, y = knox.equirectangular(centres[inverse, 0], centres[inverse, 1])
    days = np.asarray(epochs, dtype=float) / 86400
    result = (
        knox.knox(
            x, y, days, distance_bands_m, time_bands_days, permutations=permutations, seed=seed
        )
        if len(cells) >= 2
        else None
    )

    def table(values, digits):
        if result is None:
            return []
        return [[_round(v, digits) for v in row] for row in np.asarray(values).tolist()]

    return {
        "category": category,
        "label": found[0],
        "n": int(len(cells)),
        "distance_bands": _band_labels(distance_bands_m, "m"),
        "time_bands": _band_labels(time_bands_days, "j"),
        "observed": table(result.observed, 0) if result else [],
        "expected": table(result.expected, 2) if result else [],
        "ratio": table(result.ratio, 2) if result else [],
        "p": table(result.p, 3) if result else [],
    }


def concentration(f: Filters) -> list[dict]:
    """Concentration of complaints on places, for all categories (first row) and each.

    Places are H3 resolution-10 cells (~0.015 km²); the universe is every cell covering
    Paris, empty ones included. Rows: `{"key" (category code, None for all), "label", "n",
    "top_1_pct", "top_5_pct", "top_10_pct" (shares of complaints, 0–1), "gini"}`.
    """
    grid = paris_grid(10)
    where, params = _where(f)
    with _reading() as con:
        rows = con.execute(
            f"SELECT c.code, c.label, r.h3_r10, r.n FROM (SELECT category_id, h3_r10, "
            f"count(*) AS n FROM facts WHERE {where} AND h3_r10 IS NOT NULL GROUP BY ALL) r "
            "LEFT JOIN dim_category c USING (category_id)",
            params,
        ).fetchall()
    if not rows or grid.cells.size == 0:
        return []
    codes = np.array([r[0] or "" for r in rows], dtype=object)
    labels = {r[0] or "": r[1] for r in rows}
    cells = np.array([r[2] for r in rows], dtype=np.int64).astype(np.uint64)
    counts = np.array([r[3] for r in rows], dtype=np.int64)
    inside = positions(grid.cells, cells) >= 0
    codes, cells, counts = codes[inside], cells[inside], counts[inside]
    places = np.repeat(cells, counts)
    groups = np.repeat(codes.astype(str), counts)
    overall = concentration_kernel.concentration(places, universe=grid.cells)
    by_category = concentration_kernel.concentration(places, groups=groups, universe=grid.cells)
    output = [_concentration_row(None, _("Toutes catégories"), overall, 0)]
    order = np.argsort(-by_category.n_events, kind="stable")
    for i in order.tolist():
        code = str(by_category.groups[i])
        output.append(_concentration_row(code, labels.get(code), by_category, i))
    return output


def _concentration_row(key, label, result, i: int) -> dict:
    top = result.top_share[i]
    return {
        "key": key,
        "label": label,
        "n": int(result.n_events[i]),
        "top_1_pct": _round(top[0], 4),
        "top_5_pct": _round(top[1], 4),
        "top_10_pct": _round(top[2], 4),
        "gini": _round(result.gini[i], 4),
    }


# --- contract indicators ------------------------------------------------------------------


def _sector_code(con, sector) -> str | None:
    if sector is None:
        return None
    code = getattr(sector, "code", None)
    if code:
        return code
    if isinstance(sector, int) or (isinstance(sector, str) and sector.isdigit()):
        found = con.execute("SELECT code FROM dim_sector WHERE sector_id = ?", [int(sector)])
        row = found.fetchone()
        return row[0] if row else str(sector)
    return str(sector)


def compute_indicator(
    measure: str, *, year: int, sector=None, params: dict | None = None
) -> float | None:
    """One figure for a `contrat` computed indicator, over a calendar year.

    `sector` is a Sector, its pk or its code (None: Paris). Measures (`params` keys in
    brackets, each optional: `family` and `category` codes, or lists of codes):

    - `complaints_count` [family, category]: complaints received in the year;
    - `complaints_per_1000` [family, category]: the same per 1,000 inhabitants (INSEE
      legal population of the sector, or of Paris);
    - `median_days_to_answer` [family, category]: median days from receipt to the first
      public answer, over the year's answered complaints (from the delay histogram, as in
      `key_figures`);
    - `share_answered_within_deadline` [family, category]: % of the year's complaints
      answered by their due date, among those due (due date passed, or answered).

    Returns None when the figure is undefined (no complaint, no answer, no population).
    Raises ValueError for an unknown measure.
    """
    if measure not in INDICATOR_MEASURES:
        raise ValueError(_("Mesure inconnue : %(measure)s") % {"measure": measure})
    params = params or {}

    def codes(key: str) -> tuple[str, ...]:
        value = params.get(key) or ()
        return tuple([value] if isinstance(value, str) else value)

    with _reading() as con:
        code = _sector_code(con, sector)
        f = Filters(
            start=date(year, 1, 1),
            end=date(year, 12, 31),
            sectors=(code,) if code else (),
            families=codes("family"),
            categories=codes("category"),
        )
        where, values = _where(f)
        if measure == "complaints_count":
            return float(_count(con, f))
        if measure == "complaints_per_1000":
            population = _population(con, f)
            return _round(_count(con, f) / population * 1000, 3) if population else None
        if measure == "median_days_to_answer":
            hours = _histogram_median(_answer_histogram(con, f))
            return _round(hours / 24, 2) if hours is not None else None
        now = datetime.now(UTC).replace(tzinfo=None)
        due, within = con.execute(
            "SELECT count(*) FILTER (WHERE due_at IS NOT NULL AND (due_at < ? OR "
            "first_answer_at IS NOT NULL)), count(*) FILTER (WHERE first_answer_at <= due_at) "
            f"FROM facts WHERE {where}",
            [now, *values],
        ).fetchone()
        return _round(within / due * 100, 2) if due else None

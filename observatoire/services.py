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

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    def from_querydict(cls, q, default_days: int = 365) -> Filters:
        """Filters from request parameters; never raises.

        Parameters (French, repeatable for lists): `du`, `au` (YYYY-MM-DD), `categorie`,
        `famille`, `secteur`, `arrondissement`, `quartier`, `canal`, `partenaire`. Anything
        malformed or unknown is dropped; missing or invalid dates give the last
        `default_days` days ending today (Paris time); reversed dates are swapped.
        """
        raise NotImplementedError

    def to_querystring(self) -> str:
        """The URL query string (without "?") that `from_querydict` reads back."""
        raise NotImplementedError


# --- store ---------------------------------------------------------------------------------


def refresh(*, full: bool = False) -> dict:
    """Bring the store up to date with the case database.

    Incremental by default (complaints and cases changed since the watermark); `full`
    rebuilds it from scratch into a new file swapped in atomically. Returns
    `{"rows": changed rows, "seconds": duration, "watermark": ISO date-time, "full": bool}`.
    """
    raise NotImplementedError


def ensure_fresh(max_age: float | None = None) -> bool:
    """Refresh when the store is older than `max_age` seconds (default setting
    `CPPS_OBSERVATOIRE_REFRESH_SECONDS`, 60). Never waits for a refresh already running in
    another thread or process. Returns whether this call refreshed."""
    raise NotImplementedError


def store_status() -> dict:
    """`{"refreshed_at": ISO date-time or None, "rows": facts, "watermark": …, "path": …}`."""
    raise NotImplementedError


def filter_options() -> dict[str, list[dict]]:
    """Choices for a filter form: for each `Filters` field, a list of `{"code", "label"}`
    (categories also carry `"family"`, quartiers `"arrondissement"`, arrondissements
    `"sector"`)."""
    raise NotImplementedError


# --- measures ----------------------------------------------------------------------------


def key_figures(f: Filters) -> dict:
    """Headline figures of the filtered complaints.

    `{"total", "previous_total" (same dates one year earlier), "yoy_change_pct" (None when
    the previous total is 0), "population" (of the filtered territory, None at quartier
    level), "rate_per_1000" (None without population), "open" (still open today),
    "median_days_to_answer" (first public answer, None without answers), "answered"}`.
    """
    raise NotImplementedError


def counts_by(f: Filters, dimension: str, *, rate: bool = False) -> list[dict]:
    """Counts by one dimension (see `DIMENSIONS`, or `h3_<res>`), largest first.

    Rows: `{"key", "label", "count"}`; with `rate`, `"rate_per_1000"` for sector and
    arrondissement and `"rate_per_km2"` for quartier (`None` for other dimensions).
    `key` is the code (arrondissement number, quartier INSEE code, H3 cell as hex string);
    complaints without the dimension (e.g. outside Paris) have key None and a French label.
    Raises ValueError for an unknown dimension.
    """
    raise NotImplementedError


def time_series(f: Filters, grain: str = "week") -> list[dict]:
    """Counts per period over the filter's dates, every period present (zeros included).

    Rows: `{"period": ISO date of the period's first day, "label", "count", "expected",
    "upper"}`. For weekly series `expected`/`upper` are the seasonal baseline of
    `analytics.alerts.farrington` (same weeks of past years) and None when there is less
    than a year of history; other grains sum the weekly baseline of the days they cover
    when available (None otherwise). Raises ValueError for an unknown grain.
    """
    raise NotImplementedError


def hour_of_week(f: Filters) -> list[list[int]]:
    """7 × 24 counts by local (Paris) day of the week (Monday first) and hour of receipt."""
    raise NotImplementedError


def response_times(f: Filters, by: str = "desk") -> list[dict]:
    """How fast desks answer, by "desk" or "category".

    Rows: `{"key", "label", "n", "answered", "first_answer_median_hours",
    "first_answer_p90_hours", "closed", "closing_median_days", "closing_p90_days",
    "share_within_deadline"}`; the share counts complaints whose first public answer came
    before the due date among those due (due date passed or answered).
    """
    raise NotImplementedError


def hotspots(f: Filters, resolution: int | None = None, k: int = 1) -> list[dict]:
    """Getis–Ord Gi* hot and cold spots on the H3 cells covering Paris (zeros included).

    `resolution` defaults to `CPPS_HOTSPOT_RESOLUTION` (10). Rows, one per cell with at
    least one complaint or a non-zero bin: `{"cell" (hex), "count", "z", "p", "q"
    (Benjamini–Hochberg), "gi_bin" (-3..3), "label" (French)}`.
    """
    raise NotImplementedError


def hotspots_geojson(f: Filters, resolution: int | None = None, k: int = 1) -> dict:
    """`hotspots` as a GeoJSON FeatureCollection of cell hexagons (properties = the row)."""
    raise NotImplementedError


def emerging_hotspots(f: Filters, weeks: int = 104, resolution: int | None = None) -> list[dict]:
    """Emerging hot spot analysis over the last `weeks` weekly slices ending at `f.end`.

    Rows for cells with a pattern: `{"cell", "pattern" (ArcGIS code -8..8), "label"
    (French, e.g. "Nouveau point chaud"), "count", "trend_z", "trend_p"}`.
    """
    raise NotImplementedError


def alerts(as_of: date | None = None, sectors=(), families=()) -> list[dict]:
    """Weekly alerts over every (family × territory) series, territory = each sector and
    Paris, for the last complete week before `as_of` (today by default).

    Farrington baseline (`analytics.alerts.alert_table`) with Benjamini–Hochberg q across
    all series; only series in alarm are returned, most significant first:
    `{"what" (family label), "family", "where" (sector name or "Paris"), "sector" (code or
    None), "week" (ISO date of its Monday), "observed", "expected", "upper", "ratio",
    "since" (ISO Monday of the first week of the run), "q"}`. `sectors`/`families` (codes)
    narrow the series tested.
    """
    raise NotImplementedError


def near_repeat(
    f: Filters,
    category: str,
    distance_bands_m=(0, 100, 200, 400),
    time_bands_days=(0, 7, 14, 21),
    permutations: int = 99,
    seed: int = 0,
) -> dict:
    """Knox near-repeat test for one category over the filtered complaints.

    Points are the centres of their H3 resolution-11 cells (the store keeps no
    coordinates; ~25 m, well under the bands). Returns `{"category", "label", "n",
    "distance_bands": [labels], "time_bands": [labels], "observed", "expected", "ratio",
    "p"}` (tables as lists of rows, one per distance band).
    """
    raise NotImplementedError


def concentration(f: Filters) -> list[dict]:
    """Concentration of complaints on places, per category and for all (first row).

    Places are H3 resolution-10 cells; the universe is every cell covering Paris. Rows:
    `{"key", "label", "n", "top_1_pct", "top_5_pct", "top_10_pct" (shares, 0–1), "gini"}`.
    """
    raise NotImplementedError


def compute_indicator(
    measure: str, *, year: int, sector=None, params: dict | None = None
) -> float | None:
    """One figure for a `contrat` computed indicator, over a calendar year.

    `sector` is a Sector, its pk or its code (None: Paris). Measures (`params` keys in
    brackets, each optional: `family` and `category` codes):

    - `complaints_count` [family, category]: complaints received in the year;
    - `complaints_per_1000` [family, category]: the same per 1,000 inhabitants;
    - `median_days_to_answer` [family, category]: median days to the first public answer;
    - `share_answered_within_deadline` [family, category]: % of the year's complaints
      answered by their due date, among those due.

    Returns None when the figure is undefined (no complaint, no answer). Raises
    ValueError for an unknown measure.
    """
    raise NotImplementedError

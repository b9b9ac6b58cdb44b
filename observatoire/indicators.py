"""The figures of the contract's computed indicators (`contrat` calls `compute_indicator`)."""

# SQL here is assembled from the store's own table and column names; every value coming
# from a user travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils.translation import gettext as _

from observatoire.delays import _answer_histogram, _histogram_quantile
from observatoire.filters import Filters
from observatoire.queries import _count, _population, _reading, _round, _where

#: Measure codes accepted by `compute_indicator` (see its docstring and docs/observatoire.md).
INDICATOR_MEASURES = (
    "complaints_count",
    "complaints_per_1000",
    "median_days_to_answer",
    "share_answered_within_deadline",
)


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
            hours = _histogram_quantile(_answer_histogram(con, f), 0.5)
            return _round(hours / 24, 2) if hours is not None else None
        now = datetime.now(UTC).replace(tzinfo=None)
        due, within = con.execute(
            "SELECT count(*) FILTER (WHERE due_at IS NOT NULL AND (due_at < ? OR "
            "first_answer_at IS NOT NULL)), count(*) FILTER (WHERE first_answer_at <= due_at) "
            f"FROM facts WHERE {where}",
            [now, *values],
        ).fetchone()
        return _round(within / due * 100, 2) if due else None

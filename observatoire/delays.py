"""How fast complaints are answered: the answer-delay histogram (and its median) and the
response times by desk or category."""

# SQL here is assembled from the store's own table and column names; every value coming
# from a user travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.utils.translation import gettext as _

from observatoire.facts import ANSWER_BUCKETS
from observatoire.filters import Filters
from observatoire.queries import (
    _by_family_and_sector,
    _reading,
    _rollup_sums,
    _round,
    _where,
)


def _answer_histogram(con, f: Filters) -> np.ndarray:
    """Counts of first answers per delay bucket (`facts.ANSWER_BUCKETS`) for the filter."""
    histogram = np.zeros(len(ANSWER_BUCKETS) - 1)
    rows = _rollup_sums(
        con,
        f,
        ("answer_bucket",),
        _by_family_and_sector(f),
        monthly="answer_monthly",
        daily="facts",
        required="answer_bucket",
    )
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
                    -- Both quantiles of a column from one sort of its values.
                    quantile_cont(first_answer_hours, [0.5, 0.9]) AS answer_quantiles,
                    count(closing_days) AS closed,
                    quantile_cont(closing_days, [0.5, 0.9]) AS closing_quantiles,
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
        answer_quantiles,
        closed,
        closing_quantiles,
        due,
        within,
    ) = row
    answer_median, answer_p90 = answer_quantiles or (None, None)
    closing_median, closing_p90 = closing_quantiles or (None, None)
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

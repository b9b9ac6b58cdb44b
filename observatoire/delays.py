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
    _FACT_ONLY_FILTERS,
    _by_family_and_sector,
    _reading,
    _rollup_sums,
    _round,
    _Span,
    _span,
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


def _histogram_quantile(histogram: np.ndarray, q: float) -> float | None:
    """Quantile `q` (0–1) of grouped data: linear interpolation inside the (10 % wide) bucket
    holding it, so within one bucket of the exact value; the open last bucket gives its
    lower edge."""
    total = histogram.sum()
    if total == 0:
        return None
    cumulative = np.cumsum(histogram)
    target = total * q
    b = int(np.searchsorted(cumulative, target))
    low, high = ANSWER_BUCKETS[b], ANSWER_BUCKETS[b + 1]
    if not np.isfinite(high):
        return float(low)
    before = cumulative[b] - histogram[b]
    return float(low + (target - before) / histogram[b] * (high - low))


def response_times(f: Filters, by: str = "desk") -> list[dict]:
    """How fast desks answer, by "desk" or "category", most complaints first.

    Rows: `{"key", "label", "n", "answered", "first_answer_median_hours",
    "first_answer_p90_hours", "closed", "closing_median_days", "closing_p90_days", "due",
    "share_within_deadline"}`. The share (0–1) counts complaints answered by their due
    date among those due (due date passed, or answered); None when none is due yet.
    Counts are exact; medians and 90th percentiles are read from delay histograms (buckets
    10 % wide, `facts.ANSWER_BUCKETS`), within one bucket of the exact value: an exact
    quantile sorts every delay of the period (about half the page's time at 10 M complaints).
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
            SELECT r.id, d.code, d.label, r.* EXCLUDE (id) FROM (
                SELECT {column} AS id, count(*) AS n,
                    count(first_answer_hours) AS answered,
                    count(closing_days) AS closed,
                    count(*) FILTER (WHERE due_at IS NOT NULL
                        AND (due_at < ? OR first_answer_at IS NOT NULL)) AS due,
                    count(*) FILTER (WHERE first_answer_at <= due_at) AS within
                FROM facts WHERE {where} GROUP BY 1
            ) r LEFT JOIN {table} d ON d.{column} = r.id
            ORDER BY r.n DESC, d.label
            """,
            [now, *params],
        ).fetchall()
        histograms = _delay_histograms(con, f, column)
    missing = _("Sans guichet attribué") if by == "desk" else _("Catégorie inconnue")
    return [_response_row(row, histograms, missing) for row in rows]


# Delay histograms by desk, category and arrondissement: (bucket column, monthly rollup).
_DELAY_HISTOGRAMS = (
    ("answer_bucket", "answer_desk_monthly"),
    ("closing_bucket", "closing_desk_monthly"),
)


def _delay_histograms(con, f: Filters, column: str) -> dict[tuple, np.ndarray]:
    """Histograms of the delays to the first answer (kind 0) and to closing (kind 1) by
    `column` (desk or category): {(id, kind): counts per bucket}. Whole months come from
    the desk rollups, the edge days (or every day, for a filter by quartier, channel or
    partner, which they do not keep) from the facts: the same buckets either way."""
    if any(getattr(f, name) for name in _FACT_ONLY_FILTERS):
        span = _Span(None, ((f.start, f.end),))
    else:
        span = _span(f.start, f.end)
    histograms: dict[tuple, np.ndarray] = {}
    for kind, (bucket, monthly) in enumerate(_DELAY_HISTOGRAMS):
        rows = _rollup_sums(
            con, f, (column, bucket), span, monthly=monthly, daily="facts", required=bucket
        )
        for ident, b, n in rows:
            histogram = histograms.setdefault((ident, kind), np.zeros(len(ANSWER_BUCKETS) - 1))
            histogram[b] += n
    return histograms


def _quantiles(histogram: np.ndarray | None, scale: float) -> tuple:
    if histogram is None:
        return None, None
    return tuple(_round(_histogram_quantile(histogram, q) / scale, 1) for q in (0.5, 0.9))


def _response_row(row: tuple, histograms: dict, missing: str) -> dict:
    ident, code, label, n, answered, closed, due, within = row
    answer_median, answer_p90 = _quantiles(histograms.get((ident, 0)), 1)
    closing_median, closing_p90 = _quantiles(histograms.get((ident, 1)), 24)
    return {
        "key": code,
        "label": label or missing,
        "n": int(n),
        "answered": int(answered),
        "first_answer_median_hours": answer_median,
        "first_answer_p90_hours": answer_p90,
        "closed": int(closed),
        "closing_median_days": closing_median,
        "closing_p90_days": closing_p90,
        "due": int(due),
        "share_within_deadline": _round(within / due, 4) if due else None,
    }

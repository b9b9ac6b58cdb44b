"""How fast complaints are answered: the answer-delay histogram (and its median) and the
response times by desk or category."""

# SQL here is assembled from the store's own table and column names; every value coming
# from a user travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.utils.translation import gettext as _

from observatoire.facts import (
    ANSWER_BUCKETS,
    DEADLINE_LATE,
    DEADLINE_UNANSWERED,
    DEADLINE_WITHIN,
)
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
    Whole months come from the desk rollups, edge days from the facts (`_desk_span`).
    Raises ValueError for another `by`.
    """
    if by not in ("desk", "category"):
        raise ValueError(_("Regroupement inconnu : %(by)s") % {"by": by})
    column, table = ("desk_id", "dim_desk") if by == "desk" else ("category_id", "dim_category")
    span = _desk_span(f)
    with _reading() as con:
        counts = _deadline_counts(con, f, column, span)
        histograms = _delay_histograms(con, f, column, span)
        labels = {
            ident: (code, label)
            for ident, code, label in con.execute(
                f"SELECT {column}, code, label FROM {table}"
            ).fetchall()
        }
    missing = _("Sans guichet attribué") if by == "desk" else _("Catégorie inconnue")
    rows = [
        _response_row(ident, *labels.get(ident, (None, None)), *numbers, histograms, missing)
        for ident, numbers in counts.items()
    ]
    # Most complaints first, then by label (rows without a label last).
    rows.sort(key=lambda r: (-r["n"], r["key"] is None, r["label"]))
    return rows


def _desk_span(f: Filters) -> _Span:
    """The filter's period for the desk rollups: whole months from them and the edge days
    from the facts, or every day from the facts for a filter by quartier, channel or
    partner, which they do not keep (the same counts and buckets either way)."""
    if any(getattr(f, name) for name in _FACT_ONLY_FILTERS):
        return _Span(None, ((f.start, f.end),))
    return _span(f.start, f.end)


def _deadline_counts(con, f: Filters, column: str, span: _Span) -> dict:
    """{id: [complaints, answered within the deadline, due]} by `column`. "Due" is answered
    with a due date, or not answered and past it: the latter depends on the current time,
    so it is counted from the facts (the unanswered complaints of the period only)."""
    counts: dict = {}
    rows = _rollup_sums(
        con, f, (column, "deadline_state"), span, monthly="deadline_monthly", daily="facts"
    )
    for ident, state, n in rows:
        numbers = counts.setdefault(ident, [0, 0, 0])
        numbers[0] += n
        if state == DEADLINE_WITHIN:
            numbers[1] += n
        if state in (DEADLINE_WITHIN, DEADLINE_LATE):
            numbers[2] += n
    where, params = _where(f)
    now = datetime.now(UTC).replace(tzinfo=None)
    overdue = con.execute(
        f"SELECT {column}, count(*) FROM facts WHERE {where} "
        f"AND deadline_state = {DEADLINE_UNANSWERED} AND due_at < ? GROUP BY 1",
        [*params, now],
    ).fetchall()
    for ident, n in overdue:
        counts[ident][2] += n
    return counts


# Delay histograms by desk, category and arrondissement: (bucket column, monthly rollup).
_DELAY_HISTOGRAMS = (
    ("answer_bucket", "answer_desk_monthly"),
    ("closing_bucket", "closing_desk_monthly"),
)


def _delay_histograms(con, f: Filters, column: str, span: _Span) -> dict[tuple, np.ndarray]:
    """Histograms of the delays to the first answer (kind 0) and to closing (kind 1) by
    `column` (desk or category) over `span` (`_desk_span`): {(id, kind): counts per
    bucket}."""
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


def _response_row(ident, code, label, n, within, due, histograms: dict, missing: str) -> dict:
    answers, closings = histograms.get((ident, 0)), histograms.get((ident, 1))
    answer_median, answer_p90 = _quantiles(answers, 1)
    closing_median, closing_p90 = _quantiles(closings, 24)
    return {
        "key": code,
        "label": label or missing,
        "n": int(n),
        "answered": int(answers.sum()) if answers is not None else 0,
        "first_answer_median_hours": answer_median,
        "first_answer_p90_hours": answer_p90,
        "closed": int(closings.sum()) if closings is not None else 0,
        "closing_median_days": closing_median,
        "closing_p90_days": closing_p90,
        "due": int(due),
        "share_within_deadline": _round(within / due, 4) if due else None,
    }

"""Weekly alerts: which family of complaints, in which sector or in Paris, is above its
seasonal baseline last week (Farrington, or EARS C2 with a short history)."""

# SQL here is assembled from the store's own table and column names; every value coming
# from a user travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from django.utils import timezone

from analytics import alerts as alert_kernels
from analytics import fdr
from observatoire.queries import _monday, _reading, _round
from observatoire.series import BASELINE_HALF_WINDOW, BASELINE_YEARS, WEEKS_PER_YEAR, _history_start


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
            "SELECT coalesce(family_id, -1) AS family, coalesce(sector_id, -1) AS sector, "
            "(week_start - ?::DATE) // 7 AS week, sum(n) AS n FROM weekly "
            "WHERE week_start BETWEEN ? AND ? GROUP BY ALL",
            [first_week, first_week, last_week],
        ).fetchnumpy()
    steps = (last_week - first_week).days // 7 + 1
    family_index = {r[0]: i for i, r in enumerate(family_rows)}
    sector_index = {r[0]: i for i, r in enumerate(sector_rows)}
    by_sector = np.zeros((len(family_rows), len(sector_rows), steps))
    paris = np.zeros((len(family_rows), steps))
    # As arrays: ~25,000 (family, sector, week) rows over five years at 10 M complaints.
    fi = np.array([family_index.get(int(i), -1) for i in weekly["family"]], dtype=np.intp)
    si = np.array([sector_index.get(int(i), -1) for i in weekly["sector"]], dtype=np.intp)
    week = np.asarray(weekly["week"], dtype=np.intp)
    n = np.asarray(weekly["n"], dtype=float)
    kept = fi >= 0
    np.add.at(paris, (fi[kept], week[kept]), n[kept])
    kept &= si >= 0
    np.add.at(by_sector, (fi[kept], si[kept], week[kept]), n[kept])
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

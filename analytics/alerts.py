"""Outbreak detection on weekly count series: EARS C1/C2/C3 and a Farrington baseline.

Two families, because the observatory has both short and long histories.

EARS (CDC Early Aberration Reporting System; Hutwagner et al. 2003) needs only
the last weeks, so it works from the start of data collection:

* C1: baseline = mean and sample SD of the 7 preceding weeks,
  ``C1 = (x_t - mean) / sd``; alarm when ``C1 > 3``;
* C2: same with a 2-week guard band (baseline weeks ``t-9 .. t-3``), so that a
  slowly building outbreak does not contaminate its own baseline; ``C2 > 3``;
* C3: ``sum over t-2..t of max(0, C2 - 1)``; alarm when ``C3 > 2``.

A zero baseline SD gives ±inf (or 0 when ``x_t`` equals the mean) unless
``min_sigma`` sets a floor; the CDC definition has none.

Farrington (Farrington et al. 1996), simplified and vectorised over series,
compares a week with the same weeks of past years and so absorbs seasonality:

* baseline: weeks ``t - 52 y + d`` for ``y = 1..years`` and ``|d| <= half_window``
  (a year is taken as 52 weeks; only years whose window lies in the data);
* quasi-Poisson log-linear model, with a linear time trend only when at least
  3 years are available, the trend is significant (Wald, 5 %) and the
  prediction does not exceed the largest baseline count — Farrington's rules;
* Farrington's reweighting: one refit where baseline weeks with an Anscombe
  residual ``s`` above 2.58 (Noufaily et al. 2013's threshold; Farrington's
  original 1 biases the baseline down) get weight ``s**-2``, so past outbreaks
  do not inflate the baseline; dispersion ``phi = max(1, Pearson X² / (m - p))``
  (with a single past year, i.e. 7 baseline weeks, an outbreak inflates phi
  enough to mask itself: the reweighting needs a few years to bite);
* upper bound and one-sided p-value from the 2/3-power transformation of the
  prediction error (variance ``phi mu0 + Var(mu0_hat)``).

Simplifications versus the published algorithm: no "fewer than 5 cases in the
last 4 weeks" rule (p-values are kept and FDR decides, since the same test
runs over many series at once), no seasonal factor levels outside the window
(Noufaily et al. 2013), and a fixed 52-week year.  Series whose baseline is
all zeros cannot be tested (p = NaN).
"""

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats

from analytics.fdr import benjamini_hochberg

EARS_BASELINE = 7
EARS_GUARD = {"c1": 0, "c2": 2}
WEEKS_PER_YEAR = 52
_TREND_MIN_YEARS = 3
_MAX_NEWTON_STEPS = 100
#: Anscombe residual above which a baseline week is downweighted.  Farrington
#: used 1, which also shrinks ordinary high weeks and biases the baseline
#: down; Noufaily et al. (2013) showed 2.58 keeps the robustness without it.
_REWEIGHT_THRESHOLD = 2.58


@dataclass(frozen=True)
class Ears:
    """(n_series, n_weeks) C statistics (NaN where history is too short) and alarms."""

    c1: np.ndarray
    c2: np.ndarray
    c3: np.ndarray
    alarm_c1: np.ndarray
    alarm_c2: np.ndarray
    alarm_c3: np.ndarray


@dataclass(frozen=True)
class FarringtonBaseline:
    """Per series, for one week: expected count, upper bound, one-sided p-value."""

    expected: np.ndarray
    upper: np.ndarray
    p: np.ndarray


@dataclass(frozen=True)
class Alerts:
    """Per series, last week: Farrington figures, BH q across series, alarm, run start.

    ``since`` is the first week (column index) of the current uninterrupted
    run of weeks above their upper bound, -1 when the last week is not above
    it; a run reaching the first testable week starts there at the latest.
    """

    observed: np.ndarray
    expected: np.ndarray
    upper: np.ndarray
    p: np.ndarray
    q: np.ndarray
    alarm: np.ndarray
    since: np.ndarray


def _as_matrix(counts) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    if counts.ndim == 1:
        counts = counts[None, :]
    if counts.ndim != 2 or np.isnan(counts).any():
        raise ValueError("counts must be a complete (n_series, n_weeks) matrix")
    return counts


def _c_statistic(x: np.ndarray, guard: int, min_sigma: float) -> np.ndarray:
    start = EARS_BASELINE + guard
    out = np.full(x.shape, np.nan)
    if x.shape[1] <= start:
        return out
    windows = sliding_window_view(x, EARS_BASELINE, axis=1)[:, : x.shape[1] - start]
    diff = x[:, start:] - windows.mean(axis=2)
    sigma = np.maximum(windows.std(axis=2, ddof=1), min_sigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, start:] = np.where(
            sigma > 0, diff / sigma, np.where(diff == 0, 0.0, np.copysign(np.inf, diff))
        )
    return out


def ears(
    counts,
    *,
    c1_threshold: float = 3.0,
    c2_threshold: float = 3.0,
    c3_threshold: float = 2.0,
    min_sigma: float = 0.0,
) -> Ears:
    """EARS C1, C2, C3 for every week of every series (rows of ``counts``)."""
    x = _as_matrix(counts)
    c1 = _c_statistic(x, EARS_GUARD["c1"], min_sigma)
    c2 = _c_statistic(x, EARS_GUARD["c2"], min_sigma)
    excess = np.maximum(c2 - 1.0, 0.0)
    c3 = np.full(x.shape, np.nan)
    c3[:, 2:] = excess[:, 2:] + excess[:, 1:-1] + excess[:, :-2]
    with np.errstate(invalid="ignore"):
        return Ears(
            c1=c1,
            c2=c2,
            c3=c3,
            alarm_c1=c1 > c1_threshold,
            alarm_c2=c2 > c2_threshold,
            alarm_c3=c3 > c3_threshold,
        )


@dataclass(frozen=True)
class _Fit:
    mu: np.ndarray  # fitted baseline means (n, m)
    log_mu0: np.ndarray  # prediction at the current week (time 0)
    inv_info00: np.ndarray  # unscaled Var(log mu0_hat)
    slope: np.ndarray
    inv_info11: np.ndarray  # unscaled Var(slope)
    leverage: np.ndarray  # hat-matrix diagonal (n, m)


def _poisson_fit(y: np.ndarray, time: np.ndarray, omega: np.ndarray, trend: bool) -> _Fit:
    """Weighted Poisson log-linear fit ``log mu = b0 + b1 time`` (b1 = 0 without trend).

    Two parameters only, so Newton–Raphson uses the closed-form 2×2 inverse
    for all series at once.  ``time`` is in years, 0 at the current week.
    """
    weighted_mean = (omega * y).sum(axis=1) / omega.sum(axis=1)
    b0 = np.log(weighted_mean)
    b1 = np.zeros_like(b0)
    if trend:
        for _ in range(_MAX_NEWTON_STEPS):
            mu = np.exp(np.clip(b0[:, None] + b1[:, None] * time, -50.0, 50.0))
            wm = omega * mu
            a, b, c = wm.sum(axis=1), (wm * time).sum(axis=1), (wm * time**2).sum(axis=1)
            resid = omega * (y - mu)
            g0, g1 = resid.sum(axis=1), (resid * time).sum(axis=1)
            det = a * c - b**2
            step0, step1 = (c * g0 - b * g1) / det, (a * g1 - b * g0) / det
            b0, b1 = b0 + step0, b1 + step1
            if np.all(np.abs(step0) + np.abs(step1) < 1e-10):
                break
    mu = np.exp(np.clip(b0[:, None] + b1[:, None] * time, -50.0, 50.0))
    wm = omega * mu
    a = wm.sum(axis=1)
    if trend:
        b, c = (wm * time).sum(axis=1), (wm * time**2).sum(axis=1)
        det = a * c - b**2
        inv00, inv11 = c / det, a / det
        quad = (c[:, None] - 2 * b[:, None] * time + a[:, None] * time**2) / det[:, None]
    else:
        inv00, inv11 = 1.0 / a, np.full_like(a, np.nan)
        quad = 1.0 / a[:, None]
    return _Fit(mu, b0, inv00, b1, inv11, wm * quad)


def _dispersion(y: np.ndarray, fit: _Fit, omega: np.ndarray, n_params: int) -> np.ndarray:
    pearson = (omega * (y - fit.mu) ** 2 / fit.mu).sum(axis=1)
    return np.maximum(1.0, pearson / (y.shape[1] - n_params))


def _reweighted_fit(y: np.ndarray, time: np.ndarray, trend: bool) -> tuple[_Fit, np.ndarray]:
    """Fit, downweight weeks with a large Anscombe residual (Farrington 1996), refit."""
    n_params = 2 if trend else 1
    ones = np.ones_like(y)
    fit = _poisson_fit(y, time, ones, trend)
    phi = _dispersion(y, fit, ones, n_params)
    anscombe = 1.5 * (y ** (2 / 3) - fit.mu ** (2 / 3)) / fit.mu ** (1 / 6)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = anscombe / np.sqrt(phi[:, None] * np.maximum(1.0 - fit.leverage, 1e-12))
        omega = np.where(s > _REWEIGHT_THRESHOLD, s**-2.0, 1.0)
    omega *= y.shape[1] / omega.sum(axis=1, keepdims=True)
    fit = _poisson_fit(y, time, omega, trend)
    return fit, _dispersion(y, fit, omega, n_params)


def _baseline_weeks(week: int, years: int, half_window: int) -> np.ndarray:
    offsets = np.arange(-half_window, half_window + 1)
    starts = [week - WEEKS_PER_YEAR * year for year in range(1, years + 1)]
    return np.concatenate(
        [start + offsets for start in starts if start - half_window >= 0] or [np.array([], int)]
    )


def farrington(
    counts,
    week: int = -1,
    *,
    years: int = 5,
    half_window: int = 3,
    alpha: float = 0.025,
) -> FarringtonBaseline:
    """Farrington-style expected count, one-sided upper bound and p-value for ``week``.

    ``alpha`` is the one-sided level of the upper bound (0.025 is the upper
    limit of the two-sided 95 % interval used by surveillance's default).
    Raises ``ValueError`` if no past year has a full window before ``week``.
    """
    x = _as_matrix(counts)
    week = week % x.shape[1]
    weeks = _baseline_weeks(week, years, half_window)
    if weeks.size == 0:
        raise ValueError("no full baseline window one year back: use ears()")
    y = x[:, weeks]
    time = (weeks - week) / WEEKS_PER_YEAR
    expected = np.zeros(x.shape[0])
    upper = np.full(x.shape[0], np.nan)
    p = np.full(x.shape[0], np.nan)
    testable = y.sum(axis=1) > 0
    if not testable.any():
        return FarringtonBaseline(expected=expected, upper=upper, p=p)
    y = y[testable]

    fit, phi = _reweighted_fit(y, time, trend=False)
    log_mu0, inv_info00 = fit.log_mu0, fit.inv_info00
    if weeks.size // (2 * half_window + 1) >= _TREND_MIN_YEARS:
        trend_fit, trend_phi = _reweighted_fit(y, time, trend=True)
        wald = np.abs(trend_fit.slope) / np.sqrt(trend_phi * trend_fit.inv_info11)
        keep = (wald > stats.norm.isf(0.025)) & (np.exp(trend_fit.log_mu0) <= y.max(axis=1))
        log_mu0 = np.where(keep, trend_fit.log_mu0, log_mu0)
        inv_info00 = np.where(keep, trend_fit.inv_info00, inv_info00)
        phi = np.where(keep, trend_phi, phi)

    mu0 = np.exp(log_mu0)
    tau = phi * (1.0 + mu0 * inv_info00)  # (phi mu0 + Var(mu0_hat)) / mu0
    se = np.sqrt(4.0 / 9.0 * mu0 ** (1 / 3) * tau)
    expected[testable] = mu0
    upper[testable] = (mu0 ** (2 / 3) + stats.norm.isf(alpha) * se) ** 1.5
    p[testable] = stats.norm.sf((x[testable, week] ** (2 / 3) - mu0 ** (2 / 3)) / se)
    return FarringtonBaseline(expected=expected, upper=upper, p=p)


def alert_table(
    counts,
    *,
    years: int = 5,
    half_window: int = 3,
    alpha: float = 0.025,
    fdr_alpha: float = 0.05,
) -> Alerts:
    """Farrington alerts for the last week of many series, FDR-controlled across series.

    ``alarm`` is BH rejection at ``fdr_alpha`` of the one-sided p-values;
    ``since`` walks back week by week, only for series still above their
    upper bound, so the cost stays proportional to the length of the runs.
    """
    x = _as_matrix(counts)
    last = x.shape[1] - 1
    first_testable = WEEKS_PER_YEAR + half_window
    current = farrington(x, last, years=years, half_window=half_window, alpha=alpha)
    with np.errstate(invalid="ignore"):
        running = x[:, last] > current.upper
    since = np.where(running, last, -1)
    for week in range(last - 1, first_testable - 1, -1):
        rows = np.flatnonzero(running)
        if rows.size == 0:
            break
        bound = farrington(x[rows], week, years=years, half_window=half_window, alpha=alpha)
        with np.errstate(invalid="ignore"):
            above = x[rows, week] > bound.upper
        since[rows[above]] = week
        running[rows[~above]] = False
    fdr = benjamini_hochberg(current.p, fdr_alpha)
    return Alerts(
        observed=x[:, last],
        expected=current.expected,
        upper=current.upper,
        p=current.p,
        q=fdr.q,
        alarm=fdr.reject,
        since=since,
    )

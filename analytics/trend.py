"""Mann–Kendall monotonic trend test and Sen's slope, vectorised over series.

Emerging hot spot analysis runs the test on every cell's z-score series, so
it is computed for a whole (n_series, T) matrix at once: ``S`` accumulates the
signs of the differences to each time step in T - 1 numpy passes (no
(n, T, T) array), and the tie correction counts equal values after a row
sort.  Conventions follow pymannkendall's ``original_test`` (Hirsch et al.
1982; Gilbert 1987): continuity-corrected Z, two-sided normal p-value,
``tau = S / (T (T - 1) / 2)``.  Series must be equally spaced and complete.
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Upper bound on pairwise slopes held in memory at once by :func:`sens_slope`.
_SLOPE_CHUNK = 4_000_000


@dataclass(frozen=True)
class MannKendall:
    """Per-series statistic S, its tie-corrected variance, Z, two-sided p, tau."""

    s: np.ndarray
    var_s: np.ndarray
    z: np.ndarray
    p: np.ndarray
    tau: np.ndarray


def _as_series(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.shape[-1] < 2:
        raise ValueError("a trend needs at least two time steps")
    if np.isnan(x).any():
        raise ValueError("series must not contain NaN")
    return x


def _ranks_and_ties(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense within-row ranks, transposed to (T, n), and the tie term of each row.

    One row sort serves both: ranks are small integers, so the T - 1 passes of
    :func:`mann_kendall` move 2-byte values along contiguous rows instead of
    floats, and the groups of equal sorted values give
    ``sum_g t_g (t_g - 1) (2 t_g + 5)`` for the variance.
    """
    n_rows, steps = rows.shape
    order = np.argsort(rows, axis=1)
    ordered = np.take_along_axis(rows, order, axis=1)
    starts = np.ones(rows.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    dense = np.cumsum(starts, axis=1)
    ranks = np.empty(rows.shape, dtype=np.int16 if steps < 2**15 else np.int32)
    np.put_along_axis(ranks, order, dense, axis=1)
    group = dense - 1 + steps * np.arange(n_rows)[:, None]
    sizes = np.bincount(group.ravel(), minlength=rows.size).reshape(rows.shape)
    ties = (sizes * (sizes - 1) * (2 * sizes + 5)).sum(axis=1)
    return np.ascontiguousarray(ranks.T), ties


def mann_kendall(x) -> MannKendall:
    """Mann–Kendall test along the last axis of ``x`` (one series or a matrix)."""
    x = _as_series(x)
    steps = x.shape[-1]
    ranks, ties = _ranks_and_ties(x.reshape(-1, steps))
    s = np.zeros(ranks.shape[1], dtype=np.int64)
    for first in range(steps - 1):
        s += np.sign(ranks[first + 1 :] - ranks[first]).sum(axis=0, dtype=np.int64)
    s = s.reshape(x.shape[:-1]).astype(float)
    var_s = (steps * (steps - 1) * (2 * steps + 5) - ties.reshape(x.shape[:-1])) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var_s > 0, (s - np.sign(s)) / np.sqrt(var_s), 0.0)
    return MannKendall(
        s=s,
        var_s=var_s,
        z=z,
        p=2.0 * stats.norm.sf(np.abs(z)),
        tau=s / (steps * (steps - 1) / 2),
    )


def sens_slope(x) -> np.ndarray:
    """Sen's slope (median of all pairwise slopes, per time step) along the last axis.

    Robust to outliers, it gives the magnitude that the Mann–Kendall test
    only signs ("+0.8 complaints per week").  Rows are processed in chunks
    because each needs its T (T - 1) / 2 pairwise slopes.
    """
    x = _as_series(x)
    rows = x.reshape(-1, x.shape[-1])
    first, second = np.triu_indices(rows.shape[1], k=1)
    step = second - first
    chunk = max(1, _SLOPE_CHUNK // first.size)
    slope = np.concatenate(
        [
            np.median((block[:, second] - block[:, first]) / step, axis=1)
            for block in np.split(rows, range(chunk, rows.shape[0], chunk))
        ]
    )
    return slope.reshape(x.shape[:-1])

"""Emerging hot spot analysis (ArcGIS Space Time Pattern Mining, R sfdep).

A space-time cube holds one count per (cell, time step).  Each bin gets a
Gi* z-score, each cell's z-score series gets a Mann–Kendall trend, and the
significance history of the cell plus its trend place it in one of ArcGIS's
17 patterns (new, consecutive, intensifying, persistent, diminishing,
sporadic, oscillating and historical hot or cold spots, or no pattern).

Space-time neighbourhood: the spatial neighbours of a cell (including itself)
at the same step and, with ``time_lag = L``, at the ``L`` previous steps, as
ArcGIS's "neighborhood time step" (ArcGIS counts that value including the
current step, so its 1 is our 0) and sfdep's ``k``.  The reference set a bin
is compared with is chosen by ``global_window``:

* ``"window"`` (default): the bins of the same time window (steps
  ``t - L .. t``), i.e. ArcGIS's "Neighborhood time step"/"Individual time
  step" global windows.  Each slice is judged against its own level, so a
  city-wide rise or seasonal swing does not turn every cell hot.
* ``"cube"``: all bins of the cube, ArcGIS's default "Entire cube".

Significance: a bin is a significant hot (cold) spot when its two-sided
p-value, BH-corrected across the cells of its time step when ``fdr`` is set
(ArcGIS applies FDR too), is below ``alpha`` (0.10, ArcGIS's loosest Gi_Bin
confidence of 90 %) with a positive (negative) z.  The trend is significant
when the Mann–Kendall p-value is below ``trend_alpha``.

Classification rules (ArcGIS definitions; "hot" = significant hot spot bin,
"90 %" = at least 90 % of the time steps).  The cold patterns mirror them.

1. New: hot at the final step only.
2. Consecutive: one uninterrupted run of at least two hot bins ending at the
   final step, never hot before the run, under 90 % hot.
3. Intensifying: 90 % hot including the final step, significant upward trend.
4. Persistent: 90 % hot including the final step, no significant trend.
5. Diminishing: 90 % hot including the final step, significant downward trend.
6. Sporadic: hot at the final step, under 90 % hot, on-and-off, never cold.
7. Oscillating: hot at the final step, under 90 % hot, cold at some earlier step.
8. Historical: not hot at the final step, but 90 % hot.

Precedence where ArcGIS's wording overlaps: patterns anchored on the final
step (1–7, hot or cold) come before historical ones, and new/consecutive come
before oscillating (a cell cold long ago that just became hot is "new").
Codes are ArcGIS's: 1..8 hot, -1..-8 cold, 0 no pattern.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np

from analytics.fdr import benjamini_hochberg
from analytics.gistar import GiStar, gistar_from_sums, star_weights
from analytics.trend import MannKendall, mann_kendall

PATTERNS = {
    0: "no pattern detected",
    1: "new hot spot",
    2: "consecutive hot spot",
    3: "intensifying hot spot",
    4: "persistent hot spot",
    5: "diminishing hot spot",
    6: "sporadic hot spot",
    7: "oscillating hot spot",
    8: "historical hot spot",
    -1: "new cold spot",
    -2: "consecutive cold spot",
    -3: "intensifying cold spot",
    -4: "persistent cold spot",
    -5: "diminishing cold spot",
    -6: "sporadic cold spot",
    -7: "oscillating cold spot",
    -8: "historical cold spot",
}
_HISTORICAL = 8


@dataclass(frozen=True)
class EmergingHotspots:
    """Pattern code per cell (see :data:`PATTERNS`), bin z and q, and the z trend.

    ``q`` holds the per-time-step BH-adjusted p-values (raw p without FDR).
    """

    pattern: np.ndarray
    z: np.ndarray
    q: np.ndarray
    trend: MannKendall


def _lagged_sum(values: np.ndarray, time_lag: int) -> np.ndarray:
    """Sum over the current and ``time_lag`` previous steps (last axis), truncated at 0."""
    out = values.copy()
    for lag in range(1, time_lag + 1):
        out[..., lag:] += values[..., :-lag]
    return out


def space_time_gistar(
    cube, w, *, time_lag: int = 0, global_window: Literal["window", "cube"] = "window"
) -> GiStar:
    """Gi* of every bin of an (n_cells, T) cube over a space-time neighbourhood.

    Equals ``esda.G_Local(star=True, transform="B")`` run on the stacked cube
    with space-time binary weights (spatial ring × steps ``t - L .. t``): over
    the whole stack for ``"cube"``, over the stack of the window's steps for
    ``"window"``.  One sparse × dense product serves all time steps.
    """
    cube = np.asarray(cube, dtype=float)
    if cube.ndim != 2:
        raise ValueError("cube must be (n_cells, T)")
    if time_lag < 0:
        raise ValueError("time_lag must be >= 0")
    w = star_weights(w)
    n_cells, steps = cube.shape
    steps_in_window = np.minimum(np.arange(steps), time_lag) + 1
    local_sum = _lagged_sum(np.asarray(w @ cube), time_lag)
    cardinality = np.asarray(w.sum(axis=1)).ravel()[:, None] * steps_in_window
    if global_window == "cube":
        n, total, total_sq = cube.size, cube.sum(), np.square(cube).sum()
    elif global_window == "window":
        n = n_cells * steps_in_window
        total = _lagged_sum(cube.sum(axis=0), time_lag)
        total_sq = _lagged_sum(np.square(cube).sum(axis=0), time_lag)
    else:
        raise ValueError(f"unknown global_window {global_window!r}")
    return gistar_from_sums(local_sum, cardinality, n, total, total_sq)


def _side_patterns(own, other, rising, falling) -> tuple[np.ndarray, np.ndarray]:
    """Codes 1..7 (final-step patterns) and 8 (historical) for one side.

    ``own``/``other`` are (n, T) masks of significant bins of this side and of
    the opposite side; ``rising``/``falling`` are significant trends in this
    side's direction of intensity (up for hot, down for cold).
    """
    steps = own.shape[1]
    count = own.sum(axis=1)
    mostly = 10 * count >= 9 * steps  # at least 90 % of the steps
    final = own[:, -1]
    reversed_own = own[:, ::-1]
    final_run = np.where(reversed_own.all(axis=1), steps, np.argmin(reversed_own, axis=1))
    new = final & (count == 1) & ~mostly
    consecutive = final & (final_run >= 2) & (count == final_run) & ~mostly
    other_before = other[:, :-1].any(axis=1)
    recent = np.select(
        [
            final & mostly & rising,
            final & mostly & falling,
            final & mostly,
            new,
            consecutive,
            final & other_before,
            final,
        ],
        [3, 5, 4, 1, 2, 7, 6],
        0,
    )
    historical = np.where(~final & mostly, _HISTORICAL, 0)
    return recent, historical


def classify_patterns(hot, cold, trend_z, trend_significant) -> np.ndarray:
    """ArcGIS emerging pattern code per cell from bin masks and the z trend.

    ``hot``/``cold``: (n, T) significant hot/cold bins; ``trend_z`` the
    Mann–Kendall Z of each cell's Gi* z-scores and ``trend_significant`` its
    significance mask.  See the module docstring for the rules.
    """
    hot = np.asarray(hot, dtype=bool)
    cold = np.asarray(cold, dtype=bool)
    up = trend_significant & (trend_z > 0)
    down = trend_significant & (trend_z < 0)
    hot_recent, hot_historical = _side_patterns(hot, cold, up, down)
    cold_recent, cold_historical = _side_patterns(cold, hot, down, up)
    return np.select(
        [hot_recent > 0, cold_recent > 0, hot_historical > 0, cold_historical > 0],
        [hot_recent, -cold_recent, hot_historical, -cold_historical],
        0,
    ).astype(np.int8)


def emerging_hotspots(
    cube,
    w,
    *,
    time_lag: int = 0,
    global_window: Literal["window", "cube"] = "window",
    alpha: float = 0.10,
    trend_alpha: float = 0.05,
    fdr: bool = True,
) -> EmergingHotspots:
    """Emerging hot spot analysis of an (n_cells, T) count cube.

    ``w`` is the binary spatial neighbour matrix of the cells (e.g.
    :func:`analytics.hexgrid.kring_weights`); rows of ``cube`` follow it and
    columns are consecutive time steps, the last one being "now".
    """
    gi = space_time_gistar(cube, w, time_lag=time_lag, global_window=global_window)
    q = benjamini_hochberg(gi.p, axis=0).q if fdr else gi.p
    significant = q < alpha
    trend = mann_kendall(gi.z)
    pattern = classify_patterns(
        significant & (gi.z > 0), significant & (gi.z < 0), trend.z, trend.p < trend_alpha
    )
    return EmergingHotspots(pattern=pattern, z=gi.z, q=q, trend=trend)

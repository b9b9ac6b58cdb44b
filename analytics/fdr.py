"""Benjamini–Hochberg false discovery rate control.

A hot spot map tests thousands of cells at once: at 5 % per test, hundreds of
"significant" cells would appear in pure noise.  Benjamini & Hochberg (1995)
bound the expected share of false discoveries among the rejections instead,
which is the correction ArcGIS applies to Gi* bins and the one used here for
every family of tests (cells of a map, cells of a time slice, alert series).
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FdrResult:
    """BH-adjusted q-values and the rejection mask at the requested level."""

    q: np.ndarray
    reject: np.ndarray


def benjamini_hochberg(p, alpha: float = 0.05, axis: int | None = None) -> FdrResult:
    """Adjust p-values with the Benjamini–Hochberg step-up procedure.

    ``q_(i) = min_{j >= i} p_(j) * m / j`` (clipped to 1), so that rejecting
    ``q <= alpha`` is exactly the BH procedure at level ``alpha``.  With
    ``axis=None`` all values form one family; otherwise each 1-D slice along
    ``axis`` is its own family (e.g. one family per time slice of a cube).
    NaN p-values are "not tested": they do not count in ``m``, keep a NaN
    q-value and are never rejected.
    """
    p = np.asarray(p, dtype=float)
    if axis is None:
        families = p.reshape(1, -1)
    else:
        families = np.moveaxis(p, axis, -1)
        moved_shape = families.shape
        families = families.reshape(-1, moved_shape[-1])
    order = np.argsort(families, axis=1)  # NaNs sort last
    ordered = np.take_along_axis(families, order, axis=1)
    m = np.sum(~np.isnan(families), axis=1, keepdims=True)
    ranks = np.arange(1, families.shape[1] + 1)
    scaled = ordered * m / ranks
    # Step-up: running minimum from the largest p downwards; fmin skips the NaN tail.
    ordered_q = np.minimum(np.fmin.accumulate(scaled[:, ::-1], axis=1)[:, ::-1], 1.0)
    ordered_q[np.isnan(ordered)] = np.nan
    q = np.empty_like(ordered_q)
    np.put_along_axis(q, order, ordered_q, axis=1)
    q = q.reshape(p.shape) if axis is None else np.moveaxis(q.reshape(moved_shape), -1, axis)
    with np.errstate(invalid="ignore"):
        reject = q <= alpha
    return FdrResult(q=q, reject=reject)

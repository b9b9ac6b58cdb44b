"""Gi* hot spots that stay honest when events are few.

The normal approximation of Gi* (``analytics.gistar``) assumes that a neighbourhood sum
behaves like a sum of many comparable values.  With a few dozen events over thousands of
cells the variance is tiny and a single event makes z ≈ 24 with p ≈ 1e-127 in every cell
around it — including the cells with no event at all.  This module decides how to infer:

* fewer than ``MIN_EVENTS`` events: nothing is flagged (``method = "too_few"``);
* a sparse study area (expected events in a neighbourhood below ``SPARSE_EXPECTED``):
  conditional permutation inference, as PySAL's ``esda.G_Local(...).p_sim`` — each cell
  keeps its own value, its neighbours' are drawn without replacement from the other
  cells, ``permutations`` times — so no p-value can be smaller than 1 / (permutations + 1)
  (``method = "permutation"``);
* otherwise the analytic Gi* (``method = "normal"``).

In every method a cell is only flagged as a hot spot when it holds at least one event of
its own: a hot neighbourhood around an empty cell says nothing about that cell.  Cold spots
(cells and neighbourhoods emptier than the rest) are only possible with the normal method,
where the area is dense enough for emptiness to mean something.

Pure numpy/scipy: no Django, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from analytics.fdr import benjamini_hochberg
from analytics.gistar import gi_bin, gistar, star_weights

#: Below this many events nothing is flagged (ESRI's guidance for Hot Spot Analysis).
MIN_EVENTS = 30
#: Permutation inference when a neighbourhood expects fewer events than this.
SPARSE_EXPECTED = 5.0
PERMUTATIONS = 999
SEED = 20260101  # fixed: the same data give the same map on every reload


@dataclass(frozen=True)
class Inference:
    """Per cell: z (analytic, or esda's ``z_sim`` under permutation), two-sided p, BH q
    over the tested cells, ArcGIS-like bin (-3..3); ``method`` says how."""

    z: np.ndarray
    p: np.ndarray
    q: np.ndarray
    bins: np.ndarray
    method: str
    events: int


def choose_method(values: np.ndarray, w) -> str:
    events = float(np.sum(values))
    if events < MIN_EVENTS:
        return "too_few"
    w = star_weights(w)
    mean_neighbourhood = float(np.asarray(w.sum(axis=1)).mean())
    expected = events / values.size * mean_neighbourhood
    return "permutation" if expected < SPARSE_EXPECTED else "normal"


def conditional_permutation(
    values, w, *, permutations: int = PERMUTATIONS, seed: int = SEED, cells=None
):
    """esda-style conditional randomisation of Gi*'s neighbourhood sum for ``cells``
    (indices; default all): returns ``(z_sim, p_sim_hot, p_sim_cold)`` for those cells.

    As esda's ``crand``, one set of random draws (``permutations`` × max neighbours) of
    indices among the n - 1 other cells is shared by all cells, shifted past the cell
    itself; a cell with k neighbours uses the first k draws of each permutation.
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    w = sparse.csr_matrix(w)
    w = w - sparse.diags(w.diagonal())  # neighbours only; the cell keeps its own value
    w.eliminate_zeros()
    cells = np.arange(n) if cells is None else np.asarray(cells, dtype=np.intp)
    degree = np.diff(w.indptr)[cells]
    observed = values[cells] + np.asarray(w @ values).ravel()[cells]
    widest = int(degree.max()) if cells.size else 0
    rng = np.random.default_rng(seed)
    draws = np.stack(
        [rng.choice(n - 1, size=widest, replace=False) for _ in range(permutations)]
    )  # (permutations, widest), indices among "the other cells"
    z_sim = np.zeros(cells.size)
    p_hot = np.ones(cells.size)
    p_cold = np.ones(cells.size)
    for k in np.unique(degree):
        rows = np.flatnonzero(degree == k)
        if k == 0:
            continue
        own = cells[rows]
        # Index j among the others is cell j, or j + 1 past the cell itself.
        picked = draws[None, :, :k] + (draws[None, :, :k] >= own[:, None, None])
        null = values[own][:, None] + values[picked].sum(axis=2)  # (cells, permutations)
        obs = observed[rows][:, None]
        p_hot[rows] = ((null >= obs).sum(axis=1) + 1) / (permutations + 1)
        p_cold[rows] = ((null <= obs).sum(axis=1) + 1) / (permutations + 1)
        spread = null.std(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            z_sim[rows] = np.where(spread > 0, (observed[rows] - null.mean(axis=1)) / spread, 0.0)
    return z_sim, p_hot, p_cold


def infer(values, w, *, permutations: int = PERMUTATIONS, seed: int = SEED) -> Inference:
    """Hot and cold spots of per-cell counts ``values`` over binary weights ``w``."""
    values = np.asarray(values, dtype=float)
    n = values.size
    method = choose_method(values, w) if n else "too_few"
    events = int(values.sum())
    z = np.zeros(n)
    p = np.ones(n)
    q = np.ones(n)
    if method == "normal":
        result = gistar(values, w)
        z, p = result.z, result.p
        q = benjamini_hochberg(p).q
    elif method == "permutation":
        # Only a cell with an event of its own can be a hot spot; in a sparse area no cell
        # is significantly cold, so the others need no test.
        tested = np.flatnonzero(values > 0)
        z_sim, p_hot, _p_cold = conditional_permutation(
            values, w, permutations=permutations, seed=seed, cells=tested
        )
        z[tested] = z_sim
        p[tested] = np.minimum(1.0, 2.0 * p_hot)  # two-sided, as the normal method
        # The false discovery rate is over the cells tested: the others are no hypothesis.
        if tested.size:
            q[tested] = benjamini_hochberg(p[tested]).q
    bins = gi_bin(z, q) if method != "too_few" else np.zeros(n, dtype=np.int8)
    bins[(bins > 0) & (values <= 0)] = 0  # never a hot spot without an event of its own
    if method == "permutation":
        bins[bins < 0] = 0
    return Inference(z=z, p=p, q=q, bins=bins.astype(np.int8), method=method, events=events)

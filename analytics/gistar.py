"""Getis–Ord Gi* local hot spot statistic with analytic inference.

Gi* compares the sum of a cell and its neighbours with what the same number
of cells drawn at random from the study area would hold.  The formulas follow
PySAL's ``esda.G_Local(y, w, star=True, transform="B")`` exactly (binary
weights, self-weight 1, population variance), so results can be checked
against it; here everything is one sparse product plus vector arithmetic,
which handles many variables (e.g. all time slices of a cube) in a single
call.

Conventions that differ from esda, on purpose:

* p-values are two-sided (``2 * sf(|z|)``), as in ArcGIS, because hot and
  cold spots are both of interest; esda's ``p_norm`` is one-sided.
* where the z-score is undefined (constant values, or a neighbourhood that
  covers the whole area) z is set to 0 and p to 1 instead of NaN, so that such
  cells are simply "not significant" downstream.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse, stats

from analytics.fdr import benjamini_hochberg
from analytics.hexgrid import count_on, kring_weights

#: (two-sided p-value limit, Gi_Bin level) from the strictest to the loosest,
#: i.e. ArcGIS's 99 %, 95 % and 90 % confidence bins.
CONFIDENCE_LEVELS = ((0.01, 3), (0.05, 2), (0.10, 1))


@dataclass(frozen=True)
class GiStar:
    """Gi* statistic ``g`` (esda's ``Gs``), z-score and two-sided p-value."""

    g: np.ndarray
    z: np.ndarray
    p: np.ndarray


@dataclass(frozen=True)
class HotspotTable:
    """One row per cell of the study area; ``gi_bin`` is ArcGIS's -3..3 class."""

    cell: np.ndarray
    count: np.ndarray
    z: np.ndarray
    p: np.ndarray
    q: np.ndarray
    gi_bin: np.ndarray


def star_weights(w) -> sparse.csr_matrix:
    """Binary weights with a unit diagonal, as esda builds them for Gi*.

    esda fills an empty diagonal with 1 when ``star=True`` and the transform
    is binary; doing the same here lets callers pass a plain contiguity matrix.
    Non-binary weights are rejected because the variance below assumes
    ``sum_j w_ij**2 == sum_j w_ij``.
    """
    w = sparse.csr_matrix(w, dtype=float)
    if w.shape[0] != w.shape[1]:
        raise ValueError("weights must be square")
    if np.any((w.data != 0.0) & (w.data != 1.0)):
        raise ValueError("Gi* here expects binary (0/1) weights")
    return (w + sparse.identity(w.shape[0], format="csr") - sparse.diags(w.diagonal())).tocsr()


def gistar_from_sums(local_sum, cardinality, n, total, total_sq) -> GiStar:
    """Gi* from its sufficient statistics; shared by the map and the cube versions.

    With ``L`` the neighbourhood sum, ``k`` the number of cells in it, ``N`` the
    number of cells in the reference set, ``x̄ = total / N`` and
    ``s² = total_sq / N - x̄²``, ``z = (L - k x̄) / (s sqrt(k (N - k) / (N - 1)))``,
    which is esda's ``(G - E[G]) / sqrt(V[G])`` with ``G = L / total``
    simplified.  Arguments broadcast, so per-slice ``n``/totals can be rows.
    """
    mean = total / n
    variance = np.maximum(total_sq / n - mean**2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(variance * cardinality * (n - cardinality) / (n - 1))
        g = local_sum / total
        z = np.where(scale > 0, (local_sum - cardinality * mean) / scale, 0.0)
    return GiStar(g=g, z=z, p=2.0 * stats.norm.sf(np.abs(z)))


def gistar(y, w) -> GiStar:
    """Gi* of ``y`` (n,) or of each column of ``y`` (n, m) over weights ``w``.

    ``w`` is a binary (n, n) neighbour matrix; its diagonal is set to 1
    (see :func:`star_weights`).  Columns are independent variables, each
    compared with its own mean and variance.
    """
    y = np.asarray(y, dtype=float)
    w = star_weights(w)
    if w.shape[0] != y.shape[0]:
        raise ValueError("y and w must have the same number of rows")
    cardinality = np.asarray(w.sum(axis=1)).ravel()
    if y.ndim == 2:
        cardinality = cardinality[:, None]
    return gistar_from_sums(w @ y, cardinality, y.shape[0], y.sum(axis=0), np.square(y).sum(axis=0))


def gi_bin(z, p) -> np.ndarray:
    """ArcGIS ``Gi_Bin``: ±3/±2/±1 for 99/95/90 % confidence, 0 otherwise.

    ``p`` may be raw or FDR-adjusted (q) two-sided p-values; NaN is 0.
    """
    p = np.asarray(p, dtype=float)
    with np.errstate(invalid="ignore"):
        level = np.select(
            [p < limit for limit, _ in CONFIDENCE_LEVELS],
            [value for _, value in CONFIDENCE_LEVELS],
            0,
        )
    return (level * np.sign(z)).astype(np.int8)


def hotspot_table(cells, counts, *, k: int = 1, universe=None, fdr: bool = True) -> HotspotTable:
    """Gi* hot spot table from per-cell counts, like ArcGIS's Hot Spot Analysis.

    ``universe`` is the set of study-area cells; cells absent from ``cells``
    get a zero count.  It matters: Gi* compares each neighbourhood with the
    whole area, so leaving out empty cells inflates the mean and hides hot
    spots.  Without it only the observed cells are analysed.  Neighbours are
    the ``k``-ring.  With ``fdr`` the bins use BH q-values over all cells
    (ArcGIS's "Apply False Discovery Rate correction"), otherwise raw p.
    """
    cells = np.asarray(cells, dtype=np.uint64)
    counts = np.asarray(counts, dtype=float)
    if universe is None:
        universe = cells
        values = counts
    else:
        universe = np.asarray(universe, dtype=np.uint64)
        values = count_on(universe, cells, counts)
    result = gistar(values, kring_weights(universe, k))
    q = benjamini_hochberg(result.p).q if fdr else result.p
    return HotspotTable(
        cell=universe, count=values, z=result.z, p=result.p, q=q, gi_bin=gi_bin(result.z, q)
    )

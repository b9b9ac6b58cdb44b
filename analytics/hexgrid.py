"""Helpers over H3 cells (64-bit integers, h3 v4 API).

Hot spot statistics need two things from the grid: which cell each event
falls in, and which cells are neighbours.  Cells are handled as ``uint64``
arrays end to end because integer ids sort, compare and index in numpy,
whereas hexadecimal strings would force Python-level loops.
"""

import itertools

import h3.api.basic_int as h3i
import numpy as np
from scipy import sparse

from analytics._lookup import positions


def cells_from_latlon(lat, lon, res: int) -> np.ndarray:
    """H3 cell (``uint64``) of each WGS84 point at resolution ``res``."""
    lat = np.asarray(lat, dtype=float).ravel()
    lon = np.asarray(lon, dtype=float).ravel()
    return np.fromiter(
        (h3i.latlng_to_cell(a, b, res) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)),
        dtype=np.uint64,
        count=lat.size,
    )


def count_on(universe, cells, weights=None) -> np.ndarray:
    """Sum events (or ``weights``) per cell of ``universe``, zeros included.

    Hot spot and concentration statistics are defined over a study area, so
    cells without any event must be present with a zero count; this maps
    event cells (or aggregated ``cells``/``weights`` pairs) onto that universe.
    Raises ``ValueError`` if a cell lies outside the universe rather than
    silently dropping events.
    """
    universe = np.asarray(universe, dtype=np.uint64)
    index = positions(universe, np.asarray(cells, dtype=np.uint64))
    if np.any(index < 0):
        raise ValueError(f"{int(np.sum(index < 0))} cells are outside the universe")
    return np.bincount(index, weights=weights, minlength=universe.size)


def kring_weights(cells, k: int = 1, include_self: bool = True) -> sparse.csr_matrix:
    """Binary k-ring contiguity matrix over ``cells`` (CSR, rows in input order).

    ``w[i, j] = 1`` when cell ``j`` is within ``k`` grid steps of cell ``i``;
    neighbours that are not in ``cells`` are ignored, so the matrix describes
    the study area given.  ``grid_disk`` is called once per cell (the only
    Python loop) and all ids are resolved in one vectorised lookup, which
    takes ~0.1 s for 20k cells at resolution 10.
    """
    cells = np.asarray(cells, dtype=np.uint64)
    if np.unique(cells).size != cells.size:
        raise ValueError("cells must be unique")
    disks = [h3i.grid_disk(cell, k) for cell in cells.tolist()]
    sizes = np.fromiter((len(disk) for disk in disks), dtype=np.intp, count=len(disks))
    neighbours = np.fromiter(
        itertools.chain.from_iterable(disks), dtype=np.uint64, count=int(sizes.sum())
    )
    rows = np.repeat(np.arange(cells.size), sizes)
    cols = positions(cells, neighbours)
    keep = cols >= 0
    if not include_self:
        keep &= cols != rows
    data = np.ones(int(keep.sum()))
    return sparse.csr_matrix((data, (rows[keep], cols[keep])), shape=(cells.size, cells.size))

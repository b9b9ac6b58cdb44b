"""Vectorised "where is this id in that array" lookup shared by the kernels.

Dictionaries would do the same job one Python object at a time; sorting the
universe once and binary-searching all values keeps the cost in numpy for the
tens of thousands of H3 cells or places the observatory handles.
"""

import numpy as np


def positions(universe, values) -> np.ndarray:
    """Return the index of each value in ``universe``, or -1 when it is absent.

    ``universe`` must not contain duplicates (the first match would be
    arbitrary); the result has the shape of ``values``.
    """
    universe = np.asarray(universe)
    values = np.asarray(values)
    if universe.size == 0:
        return np.full(values.shape, -1, dtype=np.intp)
    if universe.size == 1 or bool(np.all(universe[1:] > universe[:-1])):
        # Already sorted (the H3 grids are): no argsort, and a plain binary search, a third
        # quicker than one through a sorter (200,000 look-ups in 13,000 cells: 19 vs 29 ms).
        rank = np.minimum(np.searchsorted(universe, values), universe.size - 1)
        return np.where(universe[rank] == values, rank, -1)
    sorter = np.argsort(universe, kind="stable")
    rank = np.minimum(np.searchsorted(universe, values, sorter=sorter), universe.size - 1)
    index = sorter[rank]
    return np.where(universe[index] == values, index, -1)

import h3.api.basic_int as h3i
import numpy as np
import pytest

from analytics._lookup import positions
from analytics.hexgrid import cells_from_latlon, count_on, kring_weights

CENTRE = h3i.latlng_to_cell(48.8566, 2.3522, 10)


def disk(k):
    return np.array(sorted(h3i.grid_disk(CENTRE, k)), dtype=np.uint64)


def test_positions_finds_ids_and_flags_missing():
    universe = np.array([30, 10, 20])
    assert positions(universe, [20, 30, 99, 10]).tolist() == [2, 0, -1, 1]
    assert positions(np.array([], dtype=int), [1]).tolist() == [-1]


def test_cells_from_latlon_matches_h3():
    lat, lon = np.array([48.85, 48.87]), np.array([2.30, 2.38])
    cells = cells_from_latlon(lat, lon, 9)
    assert cells.dtype == np.uint64
    assert cells.tolist() == [h3i.latlng_to_cell(a, b, 9) for a, b in zip(lat, lon, strict=True)]


def test_kring_weights_structure():
    cells = disk(3)[::-1]  # any order: rows follow the input
    w = kring_weights(cells, 1)
    assert w.shape == (cells.size, cells.size)
    assert (w != w.T).nnz == 0
    assert np.all(w.diagonal() == 1)
    degree = np.asarray(w.sum(axis=1)).ravel()
    inner = np.isin(cells, disk(2))
    assert np.all(degree[inner] == 7)
    assert np.all(degree[~inner] < 7)  # neighbours outside the area are dropped
    i = int(np.flatnonzero(cells == CENTRE)[0])
    expected = set(h3i.grid_disk(CENTRE, 1))
    assert {int(cells[j]) for j in w[i].indices} == expected


def test_kring_weights_k2_without_self():
    cells = disk(4)
    w = kring_weights(cells, 2, include_self=False)
    assert np.all(w.diagonal() == 0)
    i = int(np.flatnonzero(cells == CENTRE)[0])
    assert w[i].nnz == 18


def test_kring_weights_rejects_duplicates():
    with pytest.raises(ValueError):
        kring_weights(np.array([CENTRE, CENTRE], dtype=np.uint64))


def test_count_on_fills_zeros_and_sums_weights():
    universe = disk(1)
    cells = np.array([universe[2], universe[0], universe[2]], dtype=np.uint64)
    counts = count_on(universe, cells)
    assert counts.tolist() == [1, 0, 2, 0, 0, 0, 0]
    weighted = count_on(universe, cells, weights=[1.5, 1.0, 2.0])
    assert weighted.tolist() == [1.0, 0, 3.5, 0, 0, 0, 0]


def test_count_on_rejects_cells_outside_universe():
    with pytest.raises(ValueError, match="outside"):
        count_on(disk(1), disk(2))

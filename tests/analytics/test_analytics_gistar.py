import warnings

import esda
import h3.api.basic_int as h3i
import libpysal
import numpy as np
import pytest
from scipy import sparse, stats

from analytics.gistar import gi_bin, gistar, hotspot_table, star_weights
from analytics.hexgrid import kring_weights

CENTRE = h3i.latlng_to_cell(48.8566, 2.3522, 9)
CELLS = np.array(sorted(h3i.grid_disk(CENTRE, 7)), dtype=np.uint64)


def pysal_weights(w):
    """libpysal W from the same neighbour lists (self excluded, as contiguity W are)."""
    w = sparse.csr_matrix(w)
    neighbours = {
        i: [int(j) for j in w.indices[w.indptr[i] : w.indptr[i + 1]] if j != i]
        for i in range(w.shape[0])
    }
    return libpysal.weights.W(neighbours, id_order=list(range(w.shape[0])), silence_warnings=True)


def esda_gstar(y, w):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(y, pysal_weights(w), star=True, transform="B", permutations=0)


@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("include_self", [True, False])
def test_equals_esda_g_local_star(k, include_self):
    rng = np.random.default_rng(k)
    y = rng.poisson(3.0, CELLS.size).astype(float)
    w = kring_weights(CELLS, k, include_self=include_self)
    reference = esda_gstar(y, w)
    result = gistar(y, w)
    np.testing.assert_allclose(result.z, reference.Zs, atol=1e-6, rtol=0)
    np.testing.assert_allclose(result.g, reference.Gs, atol=1e-6, rtol=0)
    # esda's p_norm is one-sided; ours is two-sided
    np.testing.assert_allclose(result.p, 2 * reference.p_norm, atol=1e-9)


def test_equals_esda_on_skewed_values():
    y = np.random.default_rng(5).lognormal(0, 1.5, CELLS.size)
    w = kring_weights(CELLS, 1)
    np.testing.assert_allclose(gistar(y, w).z, esda_gstar(y, w).Zs, atol=1e-6, rtol=0)


def test_columns_are_independent_variables():
    rng = np.random.default_rng(3)
    y = rng.poisson(2.0, (CELLS.size, 3)).astype(float)
    w = kring_weights(CELLS, 1)
    matrix = gistar(y, w)
    for column in range(3):
        np.testing.assert_allclose(matrix.z[:, column], gistar(y[:, column], w).z)


def test_planted_cluster_is_the_hottest():
    w = kring_weights(CELLS, 1)
    y = np.ones(CELLS.size)
    cluster = np.isin(CELLS, list(h3i.grid_disk(CENTRE, 1)))
    y[cluster] = 10.0
    z = gistar(y, w).z
    assert np.argmax(z) == np.flatnonzero(CELLS == CENTRE)[0]
    assert z.max() > 5
    assert np.all(z[cluster] > 0)


def test_degenerate_cases_give_zero_z_and_unit_p():
    w = kring_weights(CELLS, 1)
    constant = gistar(np.full(CELLS.size, 4.0), w)
    assert np.all(constant.z == 0) and np.all(constant.p == 1)
    everyone = sparse.csr_matrix(np.ones((3, 3)))  # neighbourhood covers the whole area
    assert np.all(gistar(np.array([1.0, 2.0, 6.0]), everyone).z == 0)


def test_star_weights_sets_unit_diagonal_and_rejects_non_binary():
    w = sparse.csr_matrix(np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=float))
    assert star_weights(w).toarray().tolist() == [[1, 1, 0], [1, 1, 1], [0, 1, 1]]
    with pytest.raises(ValueError, match="binary"):
        star_weights(w * 0.5)
    with pytest.raises(ValueError, match="rows"):
        gistar(np.ones(4), w)


def test_gi_bin_thresholds_follow_arcgis_confidence_levels():
    z = np.array([3.0, 2.0, 1.7, 1.0, -1.7, -2.0, -3.0, 0.5])
    p = 2 * stats.norm.sf(np.abs(z))
    assert gi_bin(z, p).tolist() == [3, 2, 1, 0, -1, -2, -3, 0]
    assert gi_bin([2.0], [np.nan]).tolist() == [0]


def test_hotspot_table_uses_universe_with_zero_cells():
    hot = np.array(sorted(h3i.grid_disk(CENTRE, 1)), dtype=np.uint64)
    counts = np.full(hot.size, 20.0)
    table = hotspot_table(hot, counts, universe=CELLS)
    assert table.cell.size == CELLS.size
    assert table.count.sum() == counts.sum()
    centre = np.flatnonzero(table.cell == CENTRE)[0]
    assert table.gi_bin[centre] == 3
    assert table.q[centre] >= table.p[centre]
    np.testing.assert_allclose(table.z, gistar(table.count, kring_weights(CELLS, 1)).z)
    # Without the universe only the 7 observed (equal) cells exist: nothing stands out.
    alone = hotspot_table(hot, counts)
    assert np.all(alone.gi_bin == 0)


def test_hotspot_table_fdr_is_stricter_than_raw_p():
    rng = np.random.default_rng(11)
    counts = rng.poisson(2.0, CELLS.size).astype(float)
    with_fdr = hotspot_table(CELLS, counts)
    raw = hotspot_table(CELLS, counts, fdr=False)
    assert np.all(np.abs(with_fdr.gi_bin) <= np.abs(raw.gi_bin))
    assert np.array_equal(raw.q, raw.p)
    assert np.count_nonzero(raw.gi_bin) > np.count_nonzero(with_fdr.gi_bin)

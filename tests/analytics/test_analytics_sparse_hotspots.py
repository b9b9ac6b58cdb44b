"""Hot spots on sparse data (issue 11 §5): 18 complaints in a sector over a Paris-sized
grid made the normal Gi* flag 100 cells « point chaud (confiance 99 %) », 82 of them with
no complaint (z ≈ 24, p ≈ 4e-127). Below a stated minimum nothing is flagged; on sparse
data inference is by conditional permutation (as esda's p_sim); no cell without an event
of its own is ever a hot spot."""

import warnings

import esda
import h3.api.basic_int as h3i
import libpysal
import numpy as np
from scipy import sparse

from analytics.gistar import gi_bin, gistar
from analytics.hexgrid import kring_weights
from analytics.sparse_hotspots import (
    MIN_EVENTS,
    PERMUTATIONS,
    choose_method,
    conditional_permutation,
    infer,
)

# Paris-sized: ~13,000 resolution-10 cells around Notre-Dame... here a disk of ~5,000 cells
# keeps the test quick and just as sparse for 18 or 60 events.
CENTRE = h3i.latlng_to_cell(48.8925, 2.3444, 10)
CELLS = np.array(sorted(h3i.grid_disk(CENTRE, 40)), dtype=np.uint64)
W = kring_weights(CELLS, 1)


def events_near(count, spread, seed):
    """`count` events in cells within `spread` steps of the centre (a « point de deal »)."""
    rng = np.random.default_rng(seed)
    near = np.array(sorted(h3i.grid_disk(CENTRE, spread)), dtype=np.uint64)
    chosen = rng.choice(near, size=count)
    values = np.zeros(CELLS.size)
    np.add.at(values, np.searchsorted(CELLS, chosen), 1)
    return values


def test_the_normal_approximation_flags_empty_cells_with_18_events():
    """The issue's case, reproduced with the analytic Gi*: absurd confidence, empty cells."""
    values = events_near(18, 3, seed=18)
    result = gistar(values, W)
    bins = gi_bin(result.z, result.p)
    assert result.p.min() < 1e-20
    assert ((bins == 3) & (values == 0)).sum() > 10


def test_18_events_flag_nothing():
    values = events_near(18, 3, seed=18)
    assert values.sum() == 18 < MIN_EVENTS
    inference = infer(values, W)
    assert inference.method == "too_few" and inference.events == 18
    assert not inference.bins.any()


def test_sparse_clusters_use_permutations_and_never_flag_empty_cells():
    values = events_near(60, 2, seed=60)
    assert choose_method(values, W) == "permutation"
    inference = infer(values, W)
    flagged = inference.bins > 0
    assert flagged.any(), "a tight cluster of 60 events is a hot spot"
    assert (values[flagged] > 0).all()
    assert not (inference.bins < 0).any()
    # No confidence beyond what 999 permutations can show.
    assert inference.p.min() >= 2 / (PERMUTATIONS + 1)
    # The cluster is near the centre; nothing far away is flagged.
    centre = int(np.searchsorted(CELLS, np.uint64(CENTRE)))
    distance = np.array([h3i.grid_distance(CENTRE, int(c)) for c in CELLS[flagged]])
    assert distance.max() <= 3 and inference.bins[centre] >= 0


def test_spread_out_sparse_events_are_no_hot_spot():
    rng = np.random.default_rng(7)
    values = np.zeros(CELLS.size)
    np.add.at(values, rng.choice(CELLS.size, size=60, replace=False), 1)
    assert not infer(values, W).bins.any()


def test_dense_data_keep_the_analytic_gistar():
    values = np.random.default_rng(3).poisson(2.0, CELLS.size).astype(float)
    assert choose_method(values, W) == "normal"
    inference = infer(values, W)
    np.testing.assert_allclose(inference.z, gistar(values, W).z)


def test_permutation_p_values_agree_with_esda_p_sim():
    """Same conditional randomisation as esda's G_Local(star=True).p_sim: the p-values of
    two independent runs of 999 permutations agree within Monte Carlo error."""
    values = events_near(60, 2, seed=60)
    tested = np.flatnonzero(values > 0)
    _z, p_hot, p_cold = conditional_permutation(values, W, cells=tested)
    ours = np.minimum(p_hot, p_cold)
    neighbours = {
        i: [int(j) for j in W.indices[W.indptr[i] : W.indptr[i + 1]] if j != i]
        for i in range(CELLS.size)
    }
    pysal_w = libpysal.weights.W(neighbours, silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.random.seed(60)
        reference = esda.G_Local(values, pysal_w, star=True, transform="B", permutations=999)
    # esda's p_sim is the folded one-sided pseudo p-value, as min(p_hot, p_cold) here.
    difference = np.abs(ours - reference.p_sim[tested])
    assert np.median(difference) < 0.02 and difference.max() < 0.08
    significant = ours < 0.01
    assert significant.any()
    assert (reference.p_sim[tested][significant] < 0.05).all()


def test_weights_with_the_diagonal_set_give_the_same_result():
    values = events_near(60, 2, seed=60)
    with_self = W + sparse.identity(CELLS.size) - sparse.diags(W.diagonal())
    np.testing.assert_array_equal(infer(values, W).bins, infer(values, with_self).bins)

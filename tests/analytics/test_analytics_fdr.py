import numpy as np
import pytest
from scipy import stats

from analytics.fdr import benjamini_hochberg


def test_hand_computed_example():
    result = benjamini_hochberg([0.01, 0.04, 0.03, 0.005], alpha=0.03)
    # sorted p 0.005, 0.01, 0.03, 0.04 -> p*m/rank 0.02, 0.02, 0.04, 0.04
    np.testing.assert_allclose(result.q, [0.02, 0.04, 0.04, 0.02])
    assert result.reject.tolist() == [True, False, False, True]


def test_matches_scipy_false_discovery_control():
    p = np.random.default_rng(0).uniform(size=500) ** 3
    np.testing.assert_allclose(benjamini_hochberg(p).q, stats.false_discovery_control(p))


def test_step_up_uses_running_minimum_and_caps_at_one():
    q = benjamini_hochberg([0.9, 0.02, 0.8, 0.95]).q
    # raw scaled values 0.08, 1.066.., 1.2, 0.95 -> q is monotone in p and <= 1
    np.testing.assert_allclose(q, [0.95, 0.08, 0.95, 0.95])


def test_axis_treats_each_slice_as_a_family():
    p = np.random.default_rng(1).uniform(size=(50, 4))
    by_column = benjamini_hochberg(p, axis=0).q
    for column in range(4):
        np.testing.assert_allclose(by_column[:, column], benjamini_hochberg(p[:, column]).q)
    assert not np.allclose(by_column, benjamini_hochberg(p).q)


def test_nan_is_not_tested():
    result = benjamini_hochberg([0.01, np.nan, 0.02])
    np.testing.assert_allclose(result.q[[0, 2]], [0.02, 0.02])
    assert np.isnan(result.q[1])
    assert result.reject.tolist() == [True, False, True]


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.2])
def test_reject_is_classic_bh_procedure(alpha):
    p = np.random.default_rng(2).uniform(size=200) ** 4
    ordered = np.sort(p)
    below = np.flatnonzero(ordered <= alpha * np.arange(1, p.size + 1) / p.size)
    expected = p <= (ordered[below[-1]] if below.size else -1.0)
    assert np.array_equal(benjamini_hochberg(p, alpha).reject, expected)

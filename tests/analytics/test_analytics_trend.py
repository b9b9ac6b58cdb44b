import numpy as np
import pymannkendall
import pytest
from scipy import stats

from analytics.trend import mann_kendall, sens_slope

RNG = np.random.default_rng(7)
SERIES = [
    RNG.normal(size=40) + 0.04 * np.arange(40),  # no ties, upward
    RNG.normal(size=25),  # no ties, no trend
    RNG.integers(0, 4, 60).astype(float),  # many ties
    np.array([5, 5, 4, 4, 3, 3, 3, 2, 2, 1], dtype=float),  # ties, downward
]


@pytest.mark.parametrize("x", SERIES)
def test_matches_pymannkendall_original_test(x):
    reference = pymannkendall.original_test(x)
    result = mann_kendall(x)
    assert result.s == reference.s
    assert result.var_s == pytest.approx(reference.var_s, rel=1e-12)
    assert result.z == pytest.approx(reference.z, rel=1e-9)
    assert result.p == pytest.approx(reference.p, abs=1e-9)
    assert result.tau == pytest.approx(reference.Tau, rel=1e-12)
    assert sens_slope(x) == pytest.approx(reference.slope, rel=1e-12)


def test_agrees_with_scipy_kendalltau_against_time_without_ties():
    x = RNG.normal(size=30) + 0.03 * np.arange(30)
    reference = stats.kendalltau(np.arange(x.size), x, method="asymptotic")
    result = mann_kendall(x)
    assert result.tau == pytest.approx(reference.statistic, abs=1e-12)
    # scipy's asymptotic test has no continuity correction: same S and variance.
    uncorrected = 2 * stats.norm.sf(abs(result.s) / np.sqrt(result.var_s))
    assert uncorrected == pytest.approx(reference.pvalue, abs=1e-6)


def test_hand_counted_example():
    x = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    result = mann_kendall(x)
    assert result.s == 6  # (+1+1+1+1) + (-1+1+1) + (+1+1) + (-1)
    assert result.var_s == pytest.approx(5 * 4 * 15 / 18)
    assert result.z == pytest.approx((6 - 1) / np.sqrt(5 * 4 * 15 / 18))
    assert result.tau == pytest.approx(0.6)
    # pairwise slopes -1, -1, 1/3, 1/2, 3/4, 1, 1, 4/3, 2, 3: median (3/4 + 1) / 2
    assert sens_slope(x) == pytest.approx(0.875)


def test_matrix_rows_equal_single_series():
    matrix = RNG.poisson(3, (6, 30)).astype(float)
    rows = mann_kendall(matrix)
    for i, row in enumerate(matrix):
        single = mann_kendall(row)
        assert rows.s[i] == single.s and rows.var_s[i] == single.var_s
        assert rows.p[i] == single.p
    np.testing.assert_allclose(sens_slope(matrix), [sens_slope(row) for row in matrix])


def test_constant_series_has_no_trend():
    result = mann_kendall(np.full(12, 3.0))
    assert result.s == 0 and result.z == 0 and result.p == 1
    assert sens_slope(np.full(12, 3.0)) == 0


def test_strong_trends_are_significant_with_the_right_sign():
    t = np.arange(50, dtype=float)
    result = mann_kendall(np.vstack([t, -t]))
    assert result.p.max() < 1e-10
    assert result.z[0] > 0 > result.z[1]
    assert result.tau.tolist() == [1.0, -1.0]


def test_rejects_missing_values_and_short_series():
    with pytest.raises(ValueError):
        mann_kendall([1.0, np.nan, 2.0])
    with pytest.raises(ValueError):
        mann_kendall([1.0])

import numpy as np
import pytest

from analytics.knox import PARIS_LAT, PARIS_LON, equirectangular, knox

DISTANCE_EDGES = [0, 100, 200, 400]
TIME_EDGES = [0, 7, 14, 28]


def paris_events(rng, n):
    lat = rng.uniform(48.815, 48.902, n)
    lon = rng.uniform(2.224, 2.470, n)
    return (*equirectangular(lat, lon), rng.uniform(0, 365, n))


@pytest.fixture(scope="module")
def near_repeats():
    """800 random events, each repeated within 50 m and 3 days."""
    rng = np.random.default_rng(12)
    x, y, t = paris_events(rng, 800)
    angle, radius = rng.uniform(0, 2 * np.pi, x.size), rng.uniform(0, 50, x.size)
    return (
        np.concatenate([x, x + radius * np.cos(angle)]),
        np.concatenate([y, y + radius * np.sin(angle)]),
        np.concatenate([t, t + rng.uniform(0, 3, t.size)]),
    )


def test_equirectangular_scale_around_paris():
    x, y = equirectangular(np.array([PARIS_LAT, PARIS_LAT + 0.01]), np.array([PARIS_LON] * 2))
    assert x.tolist() == [0.0, 0.0]
    assert y[1] == pytest.approx(1111.95, rel=1e-4)
    x, _ = equirectangular(PARIS_LAT, PARIS_LON + 0.01)
    assert x == pytest.approx(1111.95 * np.cos(np.radians(PARIS_LAT)), rel=1e-4)


def test_planted_near_repeats_are_found(near_repeats):
    result = knox(*near_repeats, DISTANCE_EDGES, TIME_EDGES, permutations=99, seed=1)
    assert result.observed.shape == (3, 3)
    assert result.observed[0, 0] >= 800
    assert result.ratio[0, 0] > 2
    assert result.p[0, 0] < 0.05
    assert result.p[0, 0] == pytest.approx(0.01)  # no permutation reaches the observed count
    assert result.p.min() >= 1 / 100


def test_shuffled_times_show_no_near_repeat(near_repeats):
    x, y, t = near_repeats
    shuffled = np.random.default_rng(3).permutation(t)
    result = knox(x, y, shuffled, DISTANCE_EDGES, TIME_EDGES, permutations=99, seed=1)
    assert result.p[0, 0] > 0.05
    assert 0.5 < result.ratio[0, 0] < 1.5


def test_band_edges_and_counts_on_a_hand_built_example():
    # Bands are closed on the right: (0,1) 50 m & 7 days -> [0, 0];
    # (0,2) 150 m & 8 days -> [1, 1]; (1,2) 100 m & 15 days -> distance band 0 but
    # beyond the last time edge; event 3 is 1 km away from all.
    x = np.array([0.0, 50.0, 150.0, 1150.0])
    t = np.array([0.0, 7.0, -8.0, 0.0])
    result = knox(x, np.zeros(4), t, [0, 100, 200], [0, 7, 14], permutations=19, seed=0)
    assert result.observed.tolist() == [[1, 0], [0, 1]]
    assert result.expected.sum() <= 3
    np.testing.assert_allclose(result.ratio, result.observed / result.expected)


def test_seed_makes_results_reproducible(near_repeats):
    first = knox(*near_repeats, DISTANCE_EDGES, TIME_EDGES, permutations=19, seed=7)
    second = knox(*near_repeats, DISTANCE_EDGES, TIME_EDGES, permutations=19, seed=7)
    np.testing.assert_array_equal(first.expected, second.expected)
    np.testing.assert_array_equal(first.p, second.p)


@pytest.mark.parametrize("edges", [[10, 100], [0, 100, 50], [0]])
def test_rejects_bad_edges(edges):
    with pytest.raises(ValueError):
        knox(np.zeros(3), np.zeros(3), np.arange(3.0), edges, [0, 7])


def test_rejects_zero_permutations():
    with pytest.raises(ValueError):
        knox(np.zeros(3), np.zeros(3), np.arange(3.0), [0, 100], [0, 7], permutations=0)

import numpy as np
import pytest

from analytics.concentration import concentration

COUNTS = np.array([50, 20, 10, 5, 5, 5, 3, 2, 0, 0])
UNIVERSE = np.arange(100, 110)


def events(counts, places=UNIVERSE):
    return np.repeat(places, counts)


def naive_gini(counts):
    counts = np.asarray(counts, dtype=float)
    return np.abs(counts[:, None] - counts[None, :]).sum() / (2 * counts.size**2 * counts.mean())


def test_top_shares_interpolate_the_lorenz_curve():
    result = concentration(events(COUNTS), universe=UNIVERSE)
    assert result.n_places == 10
    assert result.n_events.tolist() == [100]
    # top 10 % = 1 place = 50 %; 5 % = half the top place; 1 % = a tenth of it
    np.testing.assert_allclose(result.top_share[0], [0.05, 0.25, 0.50])
    wider = concentration(events(COUNTS), universe=UNIVERSE, fractions=(0.25, 1.0))
    np.testing.assert_allclose(wider.top_share[0], [0.70 + 0.5 * 0.10, 1.0])  # 2.5 places


def test_gini_matches_mean_absolute_difference_formula():
    result = concentration(events(COUNTS), universe=UNIVERSE)
    assert result.gini[0] == pytest.approx(naive_gini(COUNTS))


def test_zero_event_places_of_the_universe_raise_concentration():
    larger = np.arange(100, 140)
    observed_only = concentration(events(COUNTS))
    with_zeros = concentration(events(COUNTS), universe=larger)
    assert observed_only.n_places == 8
    assert with_zeros.n_places == 40
    assert with_zeros.gini[0] > observed_only.gini[0]
    assert with_zeros.gini[0] == pytest.approx(naive_gini(np.r_[COUNTS, np.zeros(30)]))
    assert np.all(with_zeros.top_share[0] >= observed_only.top_share[0])


def test_groups_equal_separate_runs_on_the_shared_universe():
    rng = np.random.default_rng(4)
    places = rng.choice(UNIVERSE, size=500, p=COUNTS / COUNTS.sum())
    groups = rng.choice(["noise", "drugs", "incivility"], size=places.size)
    result = concentration(places, groups=groups, universe=UNIVERSE)
    assert result.groups.tolist() == ["drugs", "incivility", "noise"]
    for row, label in enumerate(result.groups):
        alone = concentration(places[groups == label], universe=UNIVERSE)
        assert result.n_events[row] == alone.n_events[0]
        np.testing.assert_allclose(result.top_share[row], alone.top_share[0])
        assert result.gini[row] == pytest.approx(alone.gini[0])


def test_uniform_events_are_not_concentrated():
    result = concentration(events(np.full(10, 7)), universe=UNIVERSE)
    assert result.gini[0] == pytest.approx(0.0)
    np.testing.assert_allclose(result.top_share[0], [0.01, 0.05, 0.10])


def test_rejects_places_outside_universe_and_bad_fractions():
    with pytest.raises(ValueError, match="outside"):
        concentration(np.array([1, 2, 99]), universe=np.array([1, 2, 3]))
    with pytest.raises(ValueError):
        concentration(np.array([1, 2]), fractions=(0.0,))


def test_weighted_rows_equal_the_events_repeated():
    rng = np.random.default_rng(7)
    places = rng.choice(UNIVERSE, size=60)
    groups = rng.choice(["noise", "drugs"], size=places.size)
    counts = rng.integers(0, 5, size=places.size)
    weighted = concentration(places, groups=groups, universe=UNIVERSE, events=counts)
    repeated = concentration(
        np.repeat(places, counts), groups=np.repeat(groups, counts), universe=UNIVERSE
    )
    assert weighted.groups.tolist() == repeated.groups.tolist()
    assert weighted.n_events.tolist() == repeated.n_events.tolist()
    np.testing.assert_allclose(weighted.top_share, repeated.top_share)
    np.testing.assert_allclose(weighted.gini, repeated.gini)
    alone = concentration(places, events=counts)
    assert alone.n_places == np.unique(places[counts > 0]).size

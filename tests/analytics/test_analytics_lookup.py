"""analytics._lookup.positions: the same answers from a sorted universe (plain binary search)
and from an unsorted one (through a sorter)."""

import numpy as np

from analytics._lookup import positions


def test_sorted_and_unsorted_universes_answer_alike():
    rng = np.random.default_rng(7)
    universe = np.sort(rng.choice(10**12, 500, replace=False)).astype(np.uint64)
    values = np.concatenate(
        [rng.choice(universe, 2000), np.array([10**12 + 5, 10**12 + 7], np.uint64)]
    )
    found = positions(universe, values)
    assert (universe[found[:-2]] == values[:-2]).all()
    assert found[-2:].tolist() == [-1, -1]  # beyond every id of the universe
    shuffled = rng.permutation(universe)
    again = positions(shuffled, values)
    assert (
        np.where(again >= 0, shuffled[again], 0) == np.where(found >= 0, universe[found], 0)
    ).all()
    assert positions(universe[:1], universe[:1]).tolist() == [0]
    assert positions(np.array([], np.uint64), values).tolist() == [-1] * values.size

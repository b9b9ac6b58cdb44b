import warnings

import esda
import h3.api.basic_int as h3i
import libpysal
import numpy as np
import pytest

from analytics.emerging import PATTERNS, classify_patterns, emerging_hotspots, space_time_gistar
from analytics.gistar import gistar
from analytics.hexgrid import kring_weights

ORIGIN = h3i.latlng_to_cell(48.8566, 2.3522, 9)
STEPS = 20
BACKGROUND = 10.0
HIGH = 30.0


def code(label):
    return next(key for key, value in PATTERNS.items() if value == label)


def at(steps, value):
    series = np.full(STEPS, np.nan)
    series[list(steps)] = value
    return series


T = np.arange(STEPS)
PLANTED = {
    "new hot spot": at([19], HIGH),
    "consecutive hot spot": at(range(16, 20), HIGH),
    "intensifying hot spot": 20.0 + 2.0 * T,
    "persistent hot spot": np.full(STEPS, HIGH),
    "diminishing hot spot": 60.0 - 2.0 * T,
    "sporadic hot spot": at([4, 9, 13, 19], HIGH),
    "oscillating hot spot": np.where(np.isin(T, [3, 8]), 0.0, at([12, 19], HIGH)),
    "historical hot spot": at(range(19), HIGH),
    "new cold spot": at([19], 0.0),
    "consecutive cold spot": at(range(16, 20), 0.0),
    "intensifying cold spot": np.round(4.0 - 4.0 * T / 19),
    "persistent cold spot": np.zeros(STEPS),
    "diminishing cold spot": np.round(4.0 * T / 19),
    "sporadic cold spot": at([4, 9, 13, 19], 0.0),
    "oscillating cold spot": np.where(np.isin(T, [3, 8]), HIGH, at([12, 19], 0.0)),
    "historical cold spot": at(range(19), 0.0),
}


def spaced_centres(count):
    """Cells >= 4 steps from each other and from the origin, so planted disks never touch."""
    centres = [ORIGIN]
    for cell in sorted(h3i.grid_disk(ORIGIN, 20)):
        if all(h3i.grid_distance(cell, other) >= 4 for other in centres):
            centres.append(cell)
    assert len(centres) > count
    return centres[1 : count + 1]


@pytest.fixture(scope="module")
def planted_cube():
    cells = np.array(sorted(h3i.grid_disk(ORIGIN, 25)), dtype=np.uint64)
    index = {int(cell): i for i, cell in enumerate(cells)}
    cube = np.random.default_rng(2024).poisson(BACKGROUND, (cells.size, STEPS)).astype(float)
    centres = dict(zip(PLANTED, spaced_centres(len(PLANTED)), strict=True))
    for label, series in PLANTED.items():
        rows = [index[cell] for cell in h3i.grid_disk(centres[label], 1)]
        planted = ~np.isnan(series)
        cube[np.ix_(rows, planted)] = series[planted]
    return cells, cube, centres


def test_every_category_is_found_on_a_planted_cube(planted_cube):
    cells, cube, centres = planted_cube
    result = emerging_hotspots(cube, kring_weights(cells, 1))
    found = {
        label: PATTERNS[int(result.pattern[np.flatnonzero(cells == centre)[0]])]
        for label, centre in centres.items()
    }
    assert found == {label: label for label in PLANTED}
    assert result.pattern[np.flatnonzero(cells == ORIGIN)[0]] == 0
    assert result.z.shape == cube.shape and result.q.shape == cube.shape
    # Background cells are overwhelmingly "no pattern".
    assert np.mean(result.pattern == 0) > 0.8


def test_without_fdr_more_bins_are_significant(planted_cube):
    cells, cube, _ = planted_cube
    w = kring_weights(cells, 1)
    corrected = emerging_hotspots(cube, w)
    raw = emerging_hotspots(cube, w, fdr=False)
    assert np.sum(raw.q < 0.1) > np.sum(corrected.q < 0.1)
    np.testing.assert_allclose(raw.z, corrected.z)


def test_slices_are_gistar_columns_without_time_lag(planted_cube):
    cells, cube, _ = planted_cube
    w = kring_weights(cells, 1)
    np.testing.assert_allclose(space_time_gistar(cube, w).z, gistar(cube, w).z)


def _space_time_pysal(w, steps, lag, first=0, last=None):
    """Stacked (step-major) space-time W: ring at steps t-lag..t, restricted to [first, last]."""
    last = steps - 1 if last is None else last
    n = w.shape[0]
    neighbours = {}
    for step in range(first, last + 1):
        for i in range(n):
            ring = w.indices[w.indptr[i] : w.indptr[i + 1]]
            neighbours[(step - first) * n + i] = [
                (other - first) * n + int(j)
                for other in range(max(first, step - lag), step + 1)
                for j in ring
                if not (other == step and j == i)
            ]
    return libpysal.weights.W(neighbours, id_order=sorted(neighbours), silence_warnings=True)


@pytest.mark.parametrize("lag", [1, 2])
def test_space_time_gistar_equals_esda_on_the_stacked_cube(lag):
    cells = np.array(sorted(h3i.grid_disk(ORIGIN, 4)), dtype=np.uint64)
    w = kring_weights(cells, 1)
    steps = 5
    cube = np.random.default_rng(lag).poisson(3.0, (cells.size, steps)).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = esda.G_Local(
            cube.T.ravel(),
            _space_time_pysal(w, steps, lag),
            star=True,
            transform="B",
            permutations=0,
        )
        ours = space_time_gistar(cube, w, time_lag=lag, global_window="cube")
        np.testing.assert_allclose(ours.z, whole.Zs.reshape(steps, -1).T, atol=1e-6, rtol=0)
        window = space_time_gistar(cube, w, time_lag=lag, global_window="window")
        for step in range(steps):
            first = max(0, step - lag)
            local = esda.G_Local(
                cube[:, first : step + 1].T.ravel(),
                _space_time_pysal(w, steps, lag, first, step),
                star=True,
                transform="B",
                permutations=0,
            )
            np.testing.assert_allclose(
                window.z[:, step], local.Zs[-cells.size :], atol=1e-6, rtol=0
            )


def test_space_time_gistar_rejects_bad_arguments():
    w = kring_weights(np.array(sorted(h3i.grid_disk(ORIGIN, 1)), dtype=np.uint64), 1)
    with pytest.raises(ValueError):
        space_time_gistar(np.ones((7, 3)), w, global_window="year")
    with pytest.raises(ValueError):
        space_time_gistar(np.ones((7, 3)), w, time_lag=-1)


def masks(*rows):
    """Hot/cold masks from strings: '+' hot, '-' cold, '.' neither."""
    hot = np.array([[c == "+" for c in row] for row in rows])
    return hot, np.array([[c == "-" for c in row] for row in rows])


def test_classification_rules_on_masks():
    hot, cold = masks(
        "..........",  # 0 no pattern
        "+........+",  # hot first and last only: sporadic
        "........-+",  # cold then hot at the end: new (new wins over oscillating)
        ".......+.+",  # two separate hot bins: sporadic, not consecutive
        "........++",  # run of two at the end: consecutive
        "-.......++",  # cold long ago, then a final run: consecutive
        ".+++++++++",  # exactly 90 %: persistent (no trend given)
        "+++++++++.",  # 90 % but final not hot: historical
        "---------+",  # 90 % cold, then hot: new hot (final step beats historical cold)
        "+.+....-.-",  # hot before, cold on and off up to the end: oscillating cold
    )
    no_trend = np.zeros(hot.shape[0])
    patterns = classify_patterns(hot, cold, no_trend, no_trend.astype(bool))
    assert [PATTERNS[int(p)] for p in patterns] == [
        "no pattern detected",
        "sporadic hot spot",
        "new hot spot",
        "sporadic hot spot",
        "consecutive hot spot",
        "consecutive hot spot",
        "persistent hot spot",
        "historical hot spot",
        "new hot spot",
        "oscillating cold spot",
    ]


@pytest.mark.parametrize(
    ("row", "trend_z", "expected"),
    [
        ("++++++++++", 2.5, "intensifying hot spot"),
        ("++++++++++", -2.5, "diminishing hot spot"),
        ("----------", -2.5, "intensifying cold spot"),
        ("----------", 2.5, "diminishing cold spot"),
        ("----------", 0.5, "persistent cold spot"),
        (".++++++++", 3.0, "consecutive hot spot"),  # < 90 %: the trend does not matter
    ],
)
def test_trend_direction_is_relative_to_the_side(row, trend_z, expected):
    hot, cold = masks(row)
    significant = np.array([abs(trend_z) > 1.96])
    assert PATTERNS[int(classify_patterns(hot, cold, np.array([trend_z]), significant)[0])] == (
        expected
    )


def test_codes_follow_arcgis():
    assert code("new hot spot") == 1 and code("historical hot spot") == 8
    assert code("new cold spot") == -1 and code("historical cold spot") == -8
    assert len(PATTERNS) == 17

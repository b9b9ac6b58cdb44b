"""The bulk locator (no database): the grid answers exactly like point-in-polygon, and the
vectorised H3 cells are h3's own."""

from __future__ import annotations

import h3.api.basic_int as h3i
import numpy as np
import pytest
import shapely

from territory.h3cells import FACE_CENTERS, latlng_to_cells
from territory.locator import Locator, read_polygons
from tests.conftest import GEO_DIR

# Around Paris: the brief's bounding box widened by about 2 km on each side.
LAT_RANGE = (48.80, 48.92)
LON_RANGE = (2.19, 2.51)


@pytest.fixture(scope="module")
def polygons():
    return read_polygons(GEO_DIR / "quartier_paris.geojson")[0]


@pytest.fixture(scope="module")
def locator(polygons):
    return Locator(polygons)


def point_in_polygon(polygons, lats, lons) -> np.ndarray:
    """The plain STRtree answer, lowest polygon index where polygons overlap."""
    point_idx, poly_idx = shapely.STRtree(polygons).query(
        shapely.points(lons, lats), predicate="within"
    )
    expected = np.full(lats.size, -1)
    order = np.argsort(-poly_idx, kind="stable")
    expected[point_idx[order]] = poly_idx[order]
    return expected


def h3_reference(lats, lons, res) -> np.ndarray:
    return np.array(
        [h3i.latlng_to_cell(a, b, res) for a, b in zip(lats.tolist(), lons.tolist(), strict=True)],
        dtype=np.uint64,
    ).astype(np.int64)


def test_grid_gives_exactly_the_point_in_polygon_answer_on_200k_random_points(polygons, locator):
    rng = np.random.default_rng(7)
    lats = rng.uniform(*LAT_RANGE, 200_000)
    lons = rng.uniform(*LON_RANGE, 200_000)
    found = locator.polygon_index(lats, lons)
    expected = point_in_polygon(polygons, lats, lons)
    assert np.array_equal(found, expected)
    assert 0.3 < np.mean(found >= 0) < 0.6  # both inside and outside were exercised
    assert set(found[found >= 0].tolist()) == set(range(80))


def test_points_on_and_next_to_the_borders_agree_with_point_in_polygon(polygons, locator):
    """A vertex is on its polygon's boundary, so in no polygon unless a neighbour's border
    misses it; points 1 mm and 1 µm away fall on either side."""
    vertices = np.unique(
        np.concatenate([shapely.get_coordinates(p.boundary) for p in polygons]), axis=0
    )
    rng = np.random.default_rng(3)
    jitters = [np.zeros((len(vertices), 2))]
    for scale in (1e-8, 1e-11):
        jitters.append(rng.normal(0, scale, (len(vertices), 2)))
    points = np.concatenate([vertices + j for j in jitters])
    lons, lats = points[:, 0], points[:, 1]
    found = locator.polygon_index(lats, lons)
    assert np.array_equal(found, point_in_polygon(polygons, lats, lons))
    assert np.mean(found[: len(vertices)] == -1) > 0.9


def test_invalid_or_far_away_points_are_in_no_polygon(locator):
    lats = np.array([np.nan, 48.85, np.inf, -np.inf, 0.0, 48.86, 91.0])
    lons = np.array([2.35, np.nan, 2.35, 2.35, 0.0, -2.35, 2.35])
    assert locator.polygon_index(lats, lons).tolist() == [-1] * 7
    assert locator.polygon_index([], []).shape == (0,)
    with pytest.raises(ValueError):
        locator.polygon_index([48.85, 48.86], [2.35])


def test_h3_cells_are_those_of_h3_in_and_around_paris():
    rng = np.random.default_rng(11)
    lats = rng.uniform(*LAT_RANGE, 100_000)
    lons = rng.uniform(*LON_RANGE, 100_000)
    cells = Locator.h3_cells_by_resolution(lats, lons, (8, 9, 10, 11))
    for res in (8, 9, 10, 11):
        assert cells[res].dtype == np.int64
        assert np.array_equal(cells[res], h3_reference(lats, lons, res)), res
    single = Locator.h3_cells(lats[:1000], lons[:1000], 10)
    assert np.array_equal(single, cells[10][:1000])


def test_h3_cells_are_those_of_h3_anywhere_at_every_resolution():
    """Random points worldwide, points near the 12 pentagons (handed to h3) and points on the
    edges between icosahedron faces (where the nearest face is a close call)."""
    rng = np.random.default_rng(5)
    world = np.column_stack([rng.uniform(-90, 90, 20_000), rng.uniform(-180, 180, 20_000)])
    pentagons = np.array([h3i.cell_to_latlng(p) for p in h3i.get_pentagons(0)])
    near_pentagons = np.repeat(pentagons, 50, axis=0) + rng.normal(0, 0.5, (600, 2))
    edges = []
    neighbours = np.argsort(-(FACE_CENTERS @ FACE_CENTERS.T), axis=1)[:, 1:4]
    for face in range(20):
        for other in neighbours[face]:
            middle = FACE_CENTERS[face] + FACE_CENTERS[other]
            middle /= np.linalg.norm(middle)
            lat, lon = (
                np.degrees(np.arcsin(middle[2])),
                np.degrees(np.arctan2(middle[1], middle[0])),
            )
            edges.append([lat, lon])
    edges = np.repeat(np.array(edges), 20, axis=0) + rng.normal(0, 1e-9, (len(edges) * 20, 2))
    points = np.concatenate([world, near_pentagons, edges])
    points[:, 0] = np.clip(points[:, 0], -90, 90)
    points[:, 1] = (points[:, 1] + 180) % 360 - 180
    lats, lons = points[:, 0], points[:, 1]
    resolutions = (0, 1, 2, 5, 8, 9, 10, 11, 12, 15)
    cells = latlng_to_cells(lats, lons, resolutions)
    for res in resolutions:
        assert np.array_equal(cells[res], h3_reference(lats, lons, res)), res


def test_h3_cells_of_invalid_points_are_zero():
    lats = [np.nan, 48.85, 95.0, 48.85, -90.5, 48.8566]
    lons = [2.35, np.inf, 2.35, 181.0, 0.0, 2.3522]
    cells = Locator.h3_cells(lats, lons, 9)
    assert cells[:5].tolist() == [0] * 5
    assert cells[5] == h3i.latlng_to_cell(48.8566, 2.3522, 9)
    assert Locator.h3_cells([], [], 9).shape == (0,)
    with pytest.raises(ValueError):
        Locator.h3_cells([48.85], [2.35], 16)

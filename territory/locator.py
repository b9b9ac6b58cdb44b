"""Point-in-polygon location over the Paris quartiers, vectorised (no Django import).

`Locator` answers, for arrays of WGS84 points, the index of the polygon that contains each
point (-1 outside every polygon) and the H3 cells of each point.

Polygon lookup goes through a uniform grid laid over the polygons' extent (5 m cells by
default). Each cell is either wholly inside one polygon or wholly outside all of them, found
once when the grid is built, or it is a boundary cell, with the short list of polygons it may
belong to. A point in a plain cell is answered by one array lookup; a point in a boundary cell
(about 2 % of Paris) by the exact test (`shapely.contains_xy`) on its cell's candidates. The
answer is therefore exactly the point-in-polygon answer ("within": a point on an edge is in no
polygon), at a fraction of the cost of an STRtree query.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import shapely
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

from territory.h3cells import latlng_to_cells

METRES_PER_DEGREE_LAT = 111_195.0


def read_polygons(path: str | Path) -> tuple[list[BaseGeometry], list[dict]]:
    """The geometries and properties of a GeoJSON FeatureCollection file."""
    features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    geometries = [shapely.from_geojson(json.dumps(f["geometry"])) for f in features]
    return geometries, [f.get("properties") or {} for f in features]


class Locator:
    def __init__(self, polygons: Sequence[BaseGeometry], cell_size_m: float = 5.0):
        self.polygons = list(polygons)
        for polygon in self.polygons:
            shapely.prepare(polygon)
        self._build_grid(cell_size_m)

    # --- Grid ---------------------------------------------------------------------------------

    def _build_grid(self, cell_size_m: float) -> None:
        """Classify the grid cells (see the module docstring).

        Polygon boundaries are cut into pieces shorter than a cell, so every boundary point is
        within half a cell of a vertex. A cell outside the 3 × 3 block around every vertex's
        cell is therefore crossed by no boundary; such cells form regions, each inside a single
        polygon or outside all, classified by testing one cell centre per region. The
        candidates of a boundary cell are the polygons with a vertex in its 5 × 5 block: a
        polygon without one has its boundary more than 1.5 cells away, so it holds the whole
        3 × 3 block around the cell, including the vertex that made it a boundary cell, which
        polygons that do not overlap cannot do.
        """
        n = len(self.polygons)
        minx, miny, maxx, maxy = shapely.total_bounds(self.polygons)
        self._dy = cell_size_m / METRES_PER_DEGREE_LAT
        self._dx = self._dy / np.cos(np.radians((miny + maxy) / 2))
        # Three cells of margin keep the 5 × 5 blocks of vertices inside the grid.
        self._x0 = minx - 3 * self._dx
        self._y0 = miny - 3 * self._dy
        self._nx = int((maxx - self._x0) / self._dx) + 4
        self._ny = int((maxy - self._y0) / self._dy) + 4

        # Near each polygon's boundary: 3 × 3 (boundary cells) and 5 × 5 (candidates) blocks,
        # worked out in the window around the polygon.
        boundary = np.zeros((self._ny, self._nx), dtype=bool)
        near = []
        for polygon in self.polygons:
            xy = shapely.get_coordinates(
                shapely.segmentize(polygon.boundary, min(self._dx, self._dy))
            )
            ix = ((xy[:, 0] - self._x0) / self._dx).astype(np.int64)
            iy = ((xy[:, 1] - self._y0) / self._dy).astype(np.int64)
            x0, y0 = ix.min() - 2, iy.min() - 2
            window = np.zeros((iy.max() - y0 + 3, ix.max() - x0 + 3), dtype=bool)
            window[iy - y0, ix - x0] = True
            block3 = _dilate(window)
            boundary[y0 : y0 + window.shape[0], x0 : x0 + window.shape[1]] |= block3
            wy, wx = np.nonzero(_dilate(block3))
            near.append((wy + y0) * self._nx + (wx + x0))
        boundary = boundary.ravel()

        # Plain regions: label them, classify one centre each.
        labels, count = ndimage.label(~boundary.reshape(self._ny, self._nx))
        centres = []
        for label, (rows, cols) in enumerate(ndimage.find_objects(labels), start=1):
            col = cols.start + int(np.argmax(labels[rows.start, cols] == label))
            centres.append((rows.start, col))
        cy, cx = np.array(centres, dtype=float).T
        centres = shapely.points(self._x0 + (cx + 0.5) * self._dx, self._y0 + (cy + 0.5) * self._dy)
        region_code = np.full(count + 1, n, dtype=np.int64)  # n: outside every polygon
        point_idx, poly_idx = shapely.STRtree(self.polygons).query(centres, predicate="within")
        region_code[point_idx + 1] = poly_idx
        codes = region_code[labels.ravel()]

        # Boundary cells: the set of candidate polygons of each as a bit mask, then numbered.
        boundary_cells = np.flatnonzero(boundary)
        words = (n + 63) // 64
        masks = np.zeros((boundary_cells.size, words), dtype=np.uint64)
        for index, cells in enumerate(near):
            ids = np.searchsorted(boundary_cells, cells)
            ids = ids[boundary_cells[np.minimum(ids, boundary_cells.size - 1)] == cells]
            masks[ids, index // 64] |= np.uint64(1 << (index % 64))
        # Distinct masks (np.unique(axis=0) sorts slower than a lexsort on the columns).
        order = np.lexsort(masks.T)
        fresh = np.r_[True, (np.diff(masks[order], axis=0) != 0).any(axis=1)]
        sets = masks[order][fresh]
        set_of_cell = np.empty(boundary_cells.size, dtype=np.int64)
        set_of_cell[order] = np.cumsum(fresh) - 1
        candidates = [[i for i in range(n) if int(row[i // 64]) >> (i % 64) & 1] for row in sets]
        self._set_size = np.array([len(c) for c in candidates], dtype=np.int64)
        self._set_start = np.concatenate([[0], np.cumsum(self._set_size)[:-1]])
        self._set_polys = np.array([i for c in candidates for i in c], dtype=np.int64)

        # One code per cell: polygon index, n (outside), or n + 1 + candidate set.
        codes[boundary_cells] = n + 1 + set_of_cell
        self._grid = codes.astype(np.uint16 if n + 1 + len(sets) < 2**16 else np.uint32)
        self._outside_code = n
        # code → answer: the polygon, -1 outside, -2 "test the candidates".
        self._answer = np.concatenate([np.arange(n), [-1], np.full(len(sets), -2)]).astype(np.int64)

    def _cells(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flat grid cell of each point, and whether the point falls on the grid at all."""
        fx = (lons - self._x0) / self._dx
        fy = (lats - self._y0) / self._dy
        with np.errstate(invalid="ignore"):
            on_grid = (fx >= 0) & (fy >= 0) & (fx < self._nx) & (fy < self._ny)
        ix = np.where(on_grid, fx, 0).astype(np.int64)
        iy = np.where(on_grid, fy, 0).astype(np.int64)
        return iy * self._nx + ix, on_grid

    # --- Queries ------------------------------------------------------------------------------

    def polygon_index(self, lats, lons) -> np.ndarray:
        """Index into `polygons` of the polygon containing each point, -1 where none does.

        Invalid coordinates (NaN, infinite) are in no polygon. Should polygons overlap, the
        lowest index wins.
        """
        lats = np.ascontiguousarray(lats, dtype=float).ravel()
        lons = np.ascontiguousarray(lons, dtype=float).ravel()
        if lats.shape != lons.shape:
            raise ValueError("lats and lons must have the same length")
        flat, on_grid = self._cells(lons, lats)
        codes = self._grid.take(flat)
        codes[~on_grid] = self._outside_code
        result = self._answer.take(codes)
        to_test = np.flatnonzero(result == -2)
        if to_test.size:
            result[to_test] = self._exact(to_test, codes[to_test], lats, lons)
        return result

    def _exact(self, points: np.ndarray, codes: np.ndarray, lats, lons) -> np.ndarray:
        """Exact test of points in boundary cells against their cells' candidates."""
        sets = codes.astype(np.int64) - (self._outside_code + 1)
        counts = self._set_size[sets]
        owner = np.repeat(np.arange(points.size), counts)
        within = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
        candidate = self._set_polys[np.repeat(self._set_start[sets], counts) + within]
        answer = np.full(points.size, -1, dtype=np.int64)
        # Highest index first, so that the lowest containing polygon is written last.
        order = np.argsort(-candidate, kind="stable")
        owner, candidate = owner[order], candidate[order]
        bounds = np.flatnonzero(np.diff(candidate)) + 1
        for start, stop in zip(np.r_[0, bounds], np.r_[bounds, candidate.size], strict=True):
            who = owner[start:stop]
            pts = points[who]
            hit = shapely.contains_xy(self.polygons[candidate[start]], lons[pts], lats[pts])
            answer[who[hit]] = candidate[start]
        return answer

    @staticmethod
    def h3_cells(lats, lons, resolution: int) -> np.ndarray:
        """H3 cell of each point as a signed 64-bit int (every H3 index fits); 0 if invalid."""
        return latlng_to_cells(lats, lons, (resolution,))[resolution]

    @staticmethod
    def h3_cells_by_resolution(lats, lons, resolutions: Iterable[int]) -> dict[int, np.ndarray]:
        """`h3_cells` at several resolutions in one pass (cheaper than one call per resolution)."""
        return latlng_to_cells(lats, lons, resolutions)


def _dilate(cells: np.ndarray) -> np.ndarray:
    """Cells within one cell (3 × 3 block) of a marked cell; the edges stay unmarked."""
    out = cells.copy()
    out[1:] |= cells[:-1]
    out[:-1] |= cells[1:]
    rows = out.copy()
    out[:, 1:] |= rows[:, :-1]
    out[:, :-1] |= rows[:, 1:]
    return out

"""The H3 study area of Paris: every cell overlapping the city, its neighbour weights and
cell outlines, computed once per process and resolution.

Hot spot statistics compare each cell with the whole study area, empty cells included
(`analytics.hexgrid.count_on`); building the k-ring weights of ~13,000 resolution-10 cells
takes a noticeable fraction of a second, so they are cached with the universe.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import h3
import h3.api.basic_int as h3i
import numpy as np
import shapely
from scipy import sparse

from analytics.hexgrid import kring_weights
from territory.models import Arrondissement


@dataclass
class Grid:
    resolution: int
    cells: np.ndarray  # uint64, sorted
    _weights: dict[int, sparse.csr_matrix] = field(default_factory=dict)
    _outlines: dict[int, list] = field(default_factory=dict)
    _heads: dict[int, str] = field(default_factory=dict)

    def weights(self, k: int) -> sparse.csr_matrix:
        """Binary k-ring neighbour weights, rows in `cells` order."""
        if k not in self._weights:
            self._weights[k] = kring_weights(self.cells, k)
        return self._weights[k]

    def outline(self, cell: int) -> list[list[float]]:
        """The cell's hexagon as a closed GeoJSON ring ([lon, lat] pairs)."""
        ring = self._outlines.get(cell)
        if ring is None:
            points = [[round(lon, 6), round(lat, 6)] for lat, lon in h3i.cell_to_boundary(cell)]
            ring = self._outlines[cell] = [*points, points[0]]
        return ring

    def feature_head(self, cell: int) -> str:
        """A GeoJSON Feature of the cell as text, up to and including its "cell" property
        (cached: maps send the same outlines again and again)."""
        text = self._heads.get(cell)
        if text is None:
            ring = ",".join(f"[{lon},{lat}]" for lon, lat in self.outline(cell))
            text = self._heads[cell] = (
                f'{{"type":"Feature","geometry":{{"type":"Polygon","coordinates":[[{ring}]]}},'
                f'"properties":{{"cell":"{h3i.int_to_str(cell)}"'
            )
        return text


_lock = threading.Lock()
_grids: dict[tuple, Grid] = {}


def paris_outline() -> shapely.Geometry:
    geometries = [
        shapely.from_geojson(g)
        for g in Arrondissement.objects.exclude(geometry="").values_list("geometry", flat=True)
    ]
    return shapely.union_all(geometries)


def paris_grid(resolution: int) -> Grid:
    """Cells overlapping Paris at `resolution` (cached per process and territory version)."""
    version = (
        resolution,
        Arrondissement.objects.exclude(geometry="").count(),
    )
    with _lock:
        grid = _grids.get(version)
        if grid is None:
            outline = paris_outline()
            if outline.is_empty:
                cells = np.zeros(0, dtype=np.uint64)
            else:
                shape = h3.geo_to_h3shape(json.loads(shapely.to_geojson(outline)))
                found = h3.polygon_to_cells_experimental(shape, resolution, contain="overlap")
                cells = np.sort(np.array([h3.str_to_int(c) for c in found], dtype=np.uint64))
            grid = _grids[version] = Grid(resolution=resolution, cells=cells)
        return grid

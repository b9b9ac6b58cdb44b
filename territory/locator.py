"""Point-in-polygon location over the Paris quartiers, vectorised (no Django import).

`Locator` answers, for arrays of WGS84 points, the index of the quartier that contains each
point (-1 outside Paris) and the H3 cells of each point at the configured resolutions.
"""

from __future__ import annotations

from collections.abc import Sequence

import h3
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


class Locator:
    def __init__(self, polygons: Sequence[BaseGeometry]):
        self.polygons = list(polygons)
        self._tree = shapely.STRtree(self.polygons)

    def polygon_index(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Index into `polygons` of the polygon containing each point, -1 where none does."""
        lats = np.asarray(lats, dtype=float)
        lons = np.asarray(lons, dtype=float)
        result = np.full(lats.shape, -1, dtype=np.int64)
        valid = np.isfinite(lats) & np.isfinite(lons)
        points = shapely.points(lons[valid], lats[valid])
        point_idx, poly_idx = self._tree.query(points, predicate="within")
        valid_idx = np.flatnonzero(valid)
        result[valid_idx[point_idx]] = poly_idx
        return result

    @staticmethod
    def h3_cells(lats: np.ndarray, lons: np.ndarray, resolution: int) -> np.ndarray:
        """H3 cells (as signed 64-bit ints, which every H3 index fits) of each point; 0 if invalid."""
        out = np.zeros(len(lats), dtype=np.int64)
        for i, (lat, lon) in enumerate(zip(lats, lons, strict=True)):
            if np.isfinite(lat) and np.isfinite(lon):
                out[i] = h3.str_to_int(h3.latlng_to_cell(float(lat), float(lon), resolution))
        return out

"""Benchmark the Gi* and emerging hot spot kernels on a synthetic Paris.

Run: ``.venv/bin/python bench/hotspots.py``.  Points are drawn over the Paris
bounding box (40 % background, 60 % in Gaussian clusters of 100–500 m),
binned to H3 resolution 10 over every cell of the box (zeros included), and
Gi* (k=1 ring, binary, star) is timed with ``analytics.gistar`` and with
``esda.G_Local(star=True, transform="B", permutations=0)``.  Weight
construction is excluded from both timings (reported separately); esda's own
diagonal filling and transform, done inside ``G_Local``, are included, as is
ours in ``gistar``.  The emerging hot spot analysis is timed on the 104-week
cube of the points and on a ~20k-cell Poisson cube.  The last output line is
a JSON object with the figures.
"""

import sys
import warnings
from pathlib import Path

import h3
import h3.api.basic_int as h3i
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import best_of, emit  # noqa: E402

from analytics.emerging import PATTERNS, emerging_hotspots  # noqa: E402
from analytics.gistar import gistar  # noqa: E402
from analytics.hexgrid import cells_from_latlon, count_on, kring_weights  # noqa: E402

LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 48.815, 48.902, 2.224, 2.470
N_POINTS = 200_000
N_CLUSTERS = 60
WEEKS = 104
RES = 10
METRES_PER_DEGREE_LAT = 111_195.0


def synthetic_points(rng: np.random.Generator):
    """Clustered lat/lon points with weeks; some clusters grow, some fade over time."""
    n_background = int(0.4 * N_POINTS)
    lat = rng.uniform(LAT_MIN, LAT_MAX, N_POINTS)
    lon = rng.uniform(LON_MIN, LON_MAX, N_POINTS)
    week = rng.integers(0, WEEKS, N_POINTS)
    centre_lat = rng.uniform(LAT_MIN, LAT_MAX, N_CLUSTERS)
    centre_lon = rng.uniform(LON_MIN, LON_MAX, N_CLUSTERS)
    spread_m = rng.uniform(100, 500, N_CLUSTERS)
    cluster = rng.integers(0, N_CLUSTERS, N_POINTS - n_background)
    clustered = slice(n_background, None)
    lat[clustered] = centre_lat[cluster] + rng.normal(size=cluster.size) * (
        spread_m[cluster] / METRES_PER_DEGREE_LAT
    )
    lon[clustered] = centre_lon[cluster] + rng.normal(size=cluster.size) * (
        spread_m[cluster] / (METRES_PER_DEGREE_LAT * np.cos(np.radians(48.86)))
    )
    # Trend per cluster: weeks drawn from a density rising (+1), flat (0) or fading (-1).
    slope = rng.integers(-1, 2, N_CLUSTERS)[cluster]
    u = rng.uniform(size=cluster.size)
    rising = np.sqrt(u)
    week[clustered] = np.where(
        slope == 0, week[clustered], (np.where(slope > 0, rising, 1 - rising) * WEEKS)
    ).astype(int)
    inside = (lat > LAT_MIN) & (lat < LAT_MAX) & (lon > LON_MIN) & (lon < LON_MAX)
    return lat[inside], lon[inside], np.minimum(week[inside], WEEKS - 1)


def main() -> None:
    import esda
    import libpysal

    rng = np.random.default_rng(20240601)
    lat, lon, week = synthetic_points(rng)
    box = h3.LatLngPoly(
        [(LAT_MIN, LON_MIN), (LAT_MIN, LON_MAX), (LAT_MAX, LON_MAX), (LAT_MAX, LON_MIN)]
    )
    universe = np.array(sorted(h3i.h3shape_to_cells(box, RES)), dtype=np.uint64)
    point_cells = cells_from_latlon(lat, lon, RES)
    known = np.isin(point_cells, universe)
    point_cells, week = point_cells[known], week[known]
    counts = count_on(universe, point_cells)
    print(f"{point_cells.size} points in {universe.size} H3 res-{RES} cells")

    kring_s = best_of(lambda: kring_weights(universe, 1), 3)
    w = kring_weights(universe, 1)
    neighbours = {
        i: [int(j) for j in w.indices[w.indptr[i] : w.indptr[i + 1]] if j != i]
        for i in range(universe.size)
    }
    libpysal_s = best_of(
        lambda: libpysal.weights.W(neighbours, id_order=list(range(universe.size))), 1
    )
    w_pysal = libpysal.weights.W(neighbours, id_order=list(range(universe.size)))
    print(f"weights: kring_weights {kring_s * 1e3:.1f} ms, libpysal W {libpysal_s * 1e3:.1f} ms")

    ours = gistar(counts, w)

    def run_esda():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return esda.G_Local(counts, w_pysal, star=True, transform="B", permutations=0)

    reference = run_esda()
    dz = float(np.max(np.abs(ours.z - reference.Zs)))
    dg = float(np.max(np.abs(ours.g - reference.Gs)))
    if dz > 1e-6 or dg > 1e-6:
        raise SystemExit(f"Gi* mismatch with esda: max |dz|={dz}, |dG|={dg}")
    gistar_s = best_of(lambda: gistar(counts, w), 20)
    esda_s = best_of(run_esda, 5)
    print(
        f"Gi*: analytics {gistar_s * 1e3:.2f} ms, esda {esda_s * 1e3:.1f} ms, "
        f"speedup x{esda_s / gistar_s:.0f}, max |dz| {dz:.1e}"
    )

    cube = np.zeros((universe.size, WEEKS))
    np.add.at(cube, (np.searchsorted(universe, point_cells), week), 1.0)
    ehsa_s = best_of(lambda: emerging_hotspots(cube, w), 3)
    patterns = emerging_hotspots(cube, w).pattern
    codes, sizes = np.unique(patterns, return_counts=True)
    summary = ", ".join(f"{PATTERNS[int(c)]}: {s}" for c, s in zip(codes, sizes, strict=True))
    print(f"EHSA {universe.size} cells x {WEEKS} weeks: {ehsa_s:.2f} s ({summary})")

    # The same on ~20k cells (a 81-ring disk around the centre, Poisson counts).
    big = np.array(sorted(h3i.grid_disk(h3i.latlng_to_cell(48.86, 2.35, RES), 81)), np.uint64)
    big_w = kring_weights(big, 1)
    big_cube = rng.poisson(0.3, (big.size, WEEKS)).astype(float)
    ehsa_big_s = best_of(lambda: emerging_hotspots(big_cube, big_w), 3)
    print(f"EHSA {big.size} cells x {WEEKS} weeks: {ehsa_big_s:.2f} s")

    emit(
        {
            "n_points": int(point_cells.size),
            "n_cells": int(universe.size),
            "weights_in_timings": False,
            "kring_weights_ms": round(kring_s * 1e3, 2),
            "libpysal_w_ms": round(libpysal_s * 1e3, 2),
            "gistar_ms": round(gistar_s * 1e3, 3),
            "esda_ms": round(esda_s * 1e3, 2),
            "speedup": round(esda_s / gistar_s, 1),
            "max_abs_dz": dz,
            "ehsa_104_weeks_s": round(ehsa_s, 3),
            "ehsa_20k_cells_104_weeks_s": round(ehsa_big_s, 3),
        }
    )


if __name__ == "__main__":
    main()

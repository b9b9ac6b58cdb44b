"""Bulk location speed: quartier + H3 cells (resolutions 8–11) of 1 M points in and around Paris.

Baseline, measured in the same run on the same points and polygons: the plain shapely way,
`shapely.STRtree(polygons).query(points, predicate="within")` (building the tree and the
points included), and h3-py's `latlng_to_cell` called per point for the H3 cells.
The Locator is built from the official GeoJSON (CPPS_GEO_DIR, else ../shared/data/geo);
no database is needed. Times are the best of a few runs (the machine may be shared).

    .venv/bin/python bench/locate.py [--points N] [--runs R] [--h3-check N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import h3.api.basic_int as h3i  # noqa: E402

from territory.locator import Locator, read_polygons  # noqa: E402

RESOLUTIONS = (8, 9, 10, 11)
# The Paris bounding box; "around Paris" points are drawn from it widened by 10 %.
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 48.815, 48.902, 2.224, 2.470
SHARE_INSIDE = 0.85


def best_of(runs: int, fn) -> tuple[float, float, object]:
    """Best wall-clock and CPU seconds over `runs` calls, and the last result."""
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu), result


def sample_points(polygons, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """`SHARE_INSIDE` of the points uniformly inside Paris, the rest anywhere in the wider box."""
    paris = shapely.union_all(polygons)
    shapely.prepare(paris)
    n_inside = int(n * SHARE_INSIDE)
    inside_lat, inside_lon = [], []
    while sum(a.size for a in inside_lat) < n_inside:
        lat = rng.uniform(LAT_MIN, LAT_MAX, n)
        lon = rng.uniform(LON_MIN, LON_MAX, n)
        keep = shapely.contains_xy(paris, lon, lat)
        inside_lat.append(lat[keep])
        inside_lon.append(lon[keep])
    dlat, dlon = 0.1 * (LAT_MAX - LAT_MIN), 0.1 * (LON_MAX - LON_MIN)
    lat = np.concatenate([*inside_lat, rng.uniform(LAT_MIN - dlat, LAT_MAX + dlat, n - n_inside)])
    lon = np.concatenate([*inside_lon, rng.uniform(LON_MIN - dlon, LON_MAX + dlon, n - n_inside)])
    chosen = np.r_[np.arange(n_inside), np.arange(lat.size - (n - n_inside), lat.size)]
    chosen = rng.permutation(chosen)
    return lat[chosen], lon[chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--h3-check",
        type=int,
        default=None,
        help="points compared with h3-py one by one (default: all)",
    )
    args = parser.parse_args()
    geo_dir = Path(os.environ.get("CPPS_GEO_DIR") or ROOT.parent / "shared" / "data" / "geo")
    polygons, _ = read_polygons(geo_dir / "quartier_paris.geojson")
    rng = np.random.default_rng(2024)
    lat, lon = sample_points(polygons, args.points, rng)
    n = lat.size
    print(f"{len(polygons)} quartiers from {geo_dir}; {n:,} points")

    def baseline():
        tree = shapely.STRtree(polygons)
        point_idx, poly_idx = tree.query(shapely.points(lon, lat), predicate="within")
        return point_idx, poly_idx

    base_wall, base_cpu, (point_idx, poly_idx) = best_of(max(1, args.runs - 1), baseline)
    expected = np.full(n, -1)
    order = np.argsort(-poly_idx, kind="stable")  # lowest polygon wins, as in the Locator
    expected[point_idx[order]] = poly_idx[order]
    print(f"baseline STRtree within : {base_wall:6.3f} s  ({n / base_wall:12,.0f} points/s)")

    started = time.perf_counter()
    locator = Locator(polygons)
    build = time.perf_counter() - started
    print(f"Locator build           : {build:6.3f} s  (once per process)")

    loc_wall, loc_cpu, found = best_of(args.runs, lambda: locator.polygon_index(lat, lon))
    identical = bool(np.array_equal(found, expected))
    print(f"Locator.polygon_index   : {loc_wall:6.3f} s  ({n / loc_wall:12,.0f} points/s)")
    print(f"  identical to STRtree  : {identical}; inside Paris {np.mean(found >= 0):.1%}")

    def with_h3():
        return locator.polygon_index(lat, lon), locator.h3_cells_by_resolution(
            lat, lon, RESOLUTIONS
        )

    all_wall, all_cpu, (_, cells) = best_of(args.runs, with_h3)
    print(f"quartier + H3 r8–r11    : {all_wall:6.3f} s  ({n / all_wall:12,.0f} points/s)")

    # h3-py one point at a time (the H3 baseline), which also checks our cells bit for bit.
    k = min(n, args.h3_check or n)
    sample_lat, sample_lon = lat[:k].tolist(), lon[:k].tolist()
    started = time.perf_counter()
    reference = {
        res: np.array(
            [h3i.latlng_to_cell(a, b, res) for a, b in zip(sample_lat, sample_lon, strict=True)]
        )
        for res in RESOLUTIONS
    }
    h3_scalar = time.perf_counter() - started
    h3_identical = all(
        np.array_equal(cells[res][:k], reference[res].astype(np.int64)) for res in RESOLUTIONS
    )
    print(f"h3.latlng_to_cell ×4    : {k / h3_scalar:12,.0f} points/s (per point, {k:,} points)")
    print(f"  our H3 cells identical: {h3_identical}")

    print(
        json.dumps(
            {
                "points": n,
                "share_inside_paris": round(float(np.mean(found >= 0)), 4),
                "locate_points_per_s": round(n / loc_wall),
                "baseline_strtree_points_per_s": round(n / base_wall),
                "ratio_vs_baseline": round(base_wall / loc_wall, 1),
                "with_h3_points_per_s": round(n / all_wall),
                "h3_scalar_points_per_s": round(k / h3_scalar),
                "ratio_with_h3_vs_baseline": round(base_wall / all_wall, 1),
                "cpu_locate_points_per_s": round(n / loc_cpu),
                "cpu_with_h3_points_per_s": round(n / all_cpu),
                "cpu_baseline_points_per_s": round(n / base_cpu),
                "locator_build_s": round(build, 3),
                "identical_to_strtree": identical,
                "identical_to_h3": h3_identical,
            }
        )
    )


if __name__ == "__main__":
    main()

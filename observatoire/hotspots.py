"""Measures of place: Getis–Ord Gi* hot and cold spots on the H3 grid of Paris (rows and
GeoJSON), emerging hot spots over weekly slices, the Knox near-repeat test and the
concentration of complaints on places."""

# SQL here is assembled from the store's own table and column names; every value coming
# from a user travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import h3.api.basic_int as h3i
import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import concentration as concentration_kernel
from analytics import emerging, knox, sparse_hotspots
from analytics._lookup import positions
from analytics.hexgrid import count_on
from observatoire import store
from observatoire.filters import Filters
from observatoire.grid import paris_grid
from observatoire.queries import (
    H3_RESOLUTIONS,
    _arrays,
    _by_family_and_sector,
    _monday,
    _reading,
    _rollup_sums,
    _round,
    _Span,
    _where,
)

GI_BIN_LABELS = {
    3: gettext_lazy("Point chaud (confiance 99 %)"),
    2: gettext_lazy("Point chaud (confiance 95 %)"),
    1: gettext_lazy("Point chaud (confiance 90 %)"),
    0: gettext_lazy("Non significatif"),
    -1: gettext_lazy("Point froid (confiance 90 %)"),
    -2: gettext_lazy("Point froid (confiance 95 %)"),
    -3: gettext_lazy("Point froid (confiance 99 %)"),
}

PATTERN_LABELS = {
    0: gettext_lazy("Aucune tendance détectée"),
    1: gettext_lazy("Nouveau point chaud"),
    2: gettext_lazy("Point chaud consécutif"),
    3: gettext_lazy("Point chaud qui s'intensifie"),
    4: gettext_lazy("Point chaud persistant"),
    5: gettext_lazy("Point chaud qui s'atténue"),
    6: gettext_lazy("Point chaud sporadique"),
    7: gettext_lazy("Point chaud oscillant"),
    8: gettext_lazy("Point chaud historique"),
    -1: gettext_lazy("Nouveau point froid"),
    -2: gettext_lazy("Point froid consécutif"),
    -3: gettext_lazy("Point froid qui s'intensifie"),
    -4: gettext_lazy("Point froid persistant"),
    -5: gettext_lazy("Point froid qui s'atténue"),
    -6: gettext_lazy("Point froid sporadique"),
    -7: gettext_lazy("Point froid oscillant"),
    -8: gettext_lazy("Point froid historique"),
}


# Knox pairs grow with the square of the events: beyond this the test is refused.
NEAR_REPEAT_MAX_EVENTS = 20_000


def hotspot_resolution() -> int:
    return settings.CPPS_HOTSPOT_RESOLUTION


def prepare_grid() -> None:
    """Build the default hot spot grid of Paris and its neighbour weights (about 0.3 s at
    resolution 10, then cached for the process): called when a web worker starts, so that
    its first page does not pay for it."""
    paris_grid(hotspot_resolution()).weights(1)


def _resolution(resolution: int | None) -> int:
    res = hotspot_resolution() if resolution is None else int(resolution)
    if res not in H3_RESOLUTIONS:
        raise ValueError(_("Résolution H3 non disponible : %(res)s") % {"res": res})
    return res


def _cell_counts(con, f: Filters, res: int, grid) -> np.ndarray:
    """Complaints per cell of the Paris grid (zeros included) for the filter."""
    span = _by_family_and_sector(f) if res == store.H3_ROLLUP_RESOLUTION else None
    if span is None:
        span = _Span(None, ((f.start, f.end),))
    column = f"h3_r{res}"
    rows = _rollup_sums(
        con, f, (column,), span, monthly="h3_monthly", daily="facts", required=column
    )
    cells, counts = _arrays(rows, 2)
    cells = cells.astype(np.uint64)
    inside = positions(grid.cells, cells) >= 0  # a cell outside Paris cannot be tested
    return count_on(grid.cells, cells[inside], counts[inside])


@dataclass(frozen=True)
class _HotspotTable:
    cells: np.ndarray  # uint64
    counts: np.ndarray
    z: np.ndarray
    p: np.ndarray
    q: np.ndarray
    bins: np.ndarray
    method: str = "normal"  # see analytics.sparse_hotspots


def _hotspot_table(f: Filters, res: int, k: int) -> _HotspotTable:
    """Gi* over every cell of the Paris grid; rows kept: complaints or a significant bin,
    hottest first (a busy cell and its neighbours share their neighbourhood sum, so ties on
    z go to the busier cell)."""
    grid = paris_grid(res)
    with _reading() as con:
        values = _cell_counts(con, f, res, grid)
    if grid.cells.size == 0:
        empty = np.zeros(0)
        return _HotspotTable(
            grid.cells, empty, empty, empty, empty, empty.astype(np.int8), "too_few"
        )
    # Few events: nothing flagged, or permutation inference (analytics.sparse_hotspots).
    result = sparse_hotspots.infer(values, grid.weights(k))
    keep = np.flatnonzero((values > 0) | (result.bins != 0))
    keep = keep[np.lexsort((-values[keep], -np.round(result.z[keep], 6)))]
    return _HotspotTable(
        grid.cells[keep],
        values[keep],
        result.z[keep],
        result.p[keep],
        result.q[keep],
        result.bins[keep],
        result.method,
    )


def hotspots(f: Filters, resolution: int | None = None, k: int = 1) -> list[dict]:
    """Getis–Ord Gi* hot and cold spots on the H3 cells covering Paris (zeros included).

    `resolution` defaults to `CPPS_HOTSPOT_RESOLUTION` (10), neighbours are the `k`-ring.
    Rows, one per cell with at least one complaint or a significant bin: `{"cell" (hex),
    "count", "z", "p", "q" (Benjamini–Hochberg over all cells), "gi_bin" (-3..3, on q),
    "label" (French)}`, hottest first.
    """
    table = _hotspot_table(f, _resolution(resolution), k)
    labels = {b: str(label) for b, label in GI_BIN_LABELS.items()}
    return [
        {
            "cell": h3i.int_to_str(cell),
            "count": int(n),
            "z": round(z, 3),
            "p": float(f"{p:.4g}"),
            "q": float(f"{q:.4g}"),
            "gi_bin": b,
            "label": labels[b],
        }
        for cell, n, z, p, q, b in zip(
            table.cells.tolist(),
            table.counts.tolist(),
            table.z.tolist(),
            table.p.tolist(),
            table.q.tolist(),
            table.bins.tolist(),
            strict=True,
        )
    ]


def hotspots_geojson(f: Filters, resolution: int | None = None, k: int = 1) -> dict:
    """`hotspots` as a GeoJSON FeatureCollection of cell hexagons (properties = the row).
    A view sending it as is should prefer `hotspots_geojson_text` (same content, faster)."""
    return json.loads(hotspots_geojson_text(f, resolution, k))


def hotspots_geojson_text(f: Filters, resolution: int | None = None, k: int = 1) -> str:
    """`hotspots_geojson` serialised, assembled from cached cell outlines: the whole Paris
    map (~13,000 cells at resolution 10) in a few tens of milliseconds."""
    res = _resolution(resolution)
    grid = paris_grid(res)
    table = _hotspot_table(f, res, k)
    labels = {b: json.dumps(str(label), ensure_ascii=False) for b, label in GI_BIN_LABELS.items()}
    # Each cell's outline and id are cached text; only the figures are formatted here.
    features = [
        f'{grid.feature_head(cell)},"count":{n},"z":{z:.3f},"p":{p:.4g},"q":{q:.4g},'
        f'"gi_bin":{b},"label":{labels[b]}}}}}'
        for cell, n, z, p, q, b in zip(
            table.cells.tolist(),
            table.counts.astype(np.int64).tolist(),
            table.z.tolist(),
            table.p.tolist(),
            table.q.tolist(),
            table.bins.tolist(),
            strict=True,
        )
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def emerging_hotspots(f: Filters, weeks: int = 104, resolution: int | None = None) -> list[dict]:
    """Emerging hot spot analysis over the `weeks` weekly slices ending with the week of
    `f.end` (the filter's start date is not used; its other subsets are).

    Rows for cells with a pattern, strongest trend first: `{"cell", "pattern" (ArcGIS code
    -8..8), "label" (French, e.g. "Nouveau point chaud"), "count" (over the slices),
    "trend_z", "trend_p"}`.
    """
    res = _resolution(resolution)
    weeks = max(2, int(weeks))
    grid = paris_grid(res)
    last_week = _monday(f.end)
    first_week = last_week - timedelta(weeks=weeks - 1)
    where, params = _where(f, start=first_week, end=f.end)
    with _reading() as con:
        cells, week_starts, counts = (
            con.execute(
                f"SELECT h3_r{res}, (week_start - DATE '{first_week.isoformat()}') // 7, "
                f"count(*) FROM facts WHERE {where} AND h3_r{res} IS NOT NULL GROUP BY ALL",
                params,
            )
            .fetchnumpy()
            .values()
        )
    if grid.cells.size == 0:
        return []
    cells = np.asarray(cells, dtype=np.int64).astype(np.uint64)
    row = positions(grid.cells, cells)
    inside = row >= 0
    cube = np.zeros((grid.cells.size, weeks))
    np.add.at(
        cube,
        (row[inside], np.asarray(week_starts)[inside].astype(np.intp)),
        np.asarray(counts)[inside],
    )
    result = emerging.emerging_hotspots(cube, grid.weights(1))
    chosen = np.flatnonzero(result.pattern != 0)
    chosen = chosen[np.argsort(-np.abs(result.trend.z[chosen]), kind="stable")]
    totals = cube.sum(axis=1)
    return [
        {
            "cell": h3i.int_to_str(int(grid.cells[i])),
            "pattern": int(result.pattern[i]),
            "label": str(PATTERN_LABELS[int(result.pattern[i])]),
            "count": int(totals[i]),
            "trend_z": _round(result.trend.z[i], 3),
            "trend_p": _round(result.trend.p[i], 4),
        }
        for i in chosen.tolist()
    ]


def _band_labels(edges, unit: str) -> list[str]:
    labels = []
    for i in range(len(edges) - 1):
        low = edges[i] if i == 0 else edges[i] + 1
        labels.append(f"{low:g}–{edges[i + 1]:g} {unit}")
    return labels


def near_repeat(
    f: Filters,
    category: str,
    distance_bands_m=(0, 100, 200, 400),
    time_bands_days=(0, 7, 14, 21),
    permutations: int = 99,
    seed: int = 0,
) -> dict:
    """Knox near-repeat test for one category (code) over the filtered complaints.

    Points are the centres of their H3 resolution-11 cells (the store keeps no
    coordinates; ~25 m, well under the bands), times the receipt. Returns `{"category",
    "label", "n", "distance_bands", "time_bands" (French labels), "observed", "expected",
    "ratio", "p"}` (tables as lists of rows, one per distance band). Raises ValueError
    (French message) for an unknown category or more than 20,000 complaints.
    """
    f = f.replace(categories=(category,))
    where, params = _where(f)
    with _reading() as con:
        found = con.execute("SELECT label FROM dim_category WHERE code = ?", [category]).fetchone()
        if found is None:
            raise ValueError(_("Catégorie inconnue : %(code)s") % {"code": category})
        n = con.execute(
            f"SELECT count(*) FROM facts WHERE {where} AND h3_r11 IS NOT NULL", params
        ).fetchone()[0]
        if n > NEAR_REPEAT_MAX_EVENTS:
            raise ValueError(
                _(
                    "Trop de signalements (%(n)s) pour le test de répétition : réduisez la "
                    "période ou le territoire (%(max)s au plus)."
                )
                % {"n": n, "max": NEAR_REPEAT_MAX_EVENTS}
            )
        cells, epochs = (
            con.execute(
                f"SELECT h3_r11, epoch(received_at) FROM facts WHERE {where} "
                "AND h3_r11 IS NOT NULL",
                params,
            )
            .fetchnumpy()
            .values()
        )
    cells = np.asarray(cells, dtype=np.int64)
    distinct, inverse = np.unique(cells, return_inverse=True)
    centres = np.array([h3i.cell_to_latlng(int(c)) for c in distinct.tolist()]).reshape(-1, 2)
    x, y = knox.equirectangular(centres[inverse, 0], centres[inverse, 1])
    days = np.asarray(epochs, dtype=float) / 86400
    result = (
        knox.knox(
            x, y, days, distance_bands_m, time_bands_days, permutations=permutations, seed=seed
        )
        if len(cells) >= 2
        else None
    )

    def table(values, digits):
        if result is None:
            return []
        return [[_round(v, digits) for v in row] for row in np.asarray(values).tolist()]

    return {
        "category": category,
        "label": found[0],
        "n": int(len(cells)),
        "distance_bands": _band_labels(distance_bands_m, "m"),
        "time_bands": _band_labels(time_bands_days, "j"),
        "observed": table(result.observed, 0) if result else [],
        "expected": table(result.expected, 2) if result else [],
        "ratio": table(result.ratio, 2) if result else [],
        "p": table(result.p, 3) if result else [],
    }


def concentration(f: Filters) -> list[dict]:
    """Concentration of complaints on places, for all categories (first row) and each.

    Places are H3 resolution-10 cells (~0.015 km²); the universe is every cell covering
    Paris, empty ones included. Rows: `{"key" (category code, None for all), "label", "n",
    "top_1_pct", "top_5_pct", "top_10_pct" (shares of complaints, 0–1), "gini"}`.
    """
    grid = paris_grid(10)
    where, params = _where(f)
    with _reading() as con:
        # Columns as arrays: a year of Paris is ~200,000 (category, cell) rows.
        rows = con.execute(
            f"SELECT coalesce(category_id, -1) AS category_id, h3_r10, count(*) AS n FROM facts "
            f"WHERE {where} AND h3_r10 IS NOT NULL GROUP BY ALL",
            params,
        ).fetchnumpy()
        categories = con.execute("SELECT category_id, code, label FROM dim_category").fetchall()
    if not rows["n"].size or grid.cells.size == 0:
        return []
    cells = np.asarray(rows["h3_r10"], dtype=np.int64).astype(np.uint64)
    inside = positions(grid.cells, cells) >= 0
    cells, counts = cells[inside], np.asarray(rows["n"], dtype=np.int64)[inside]
    # Groups are category codes ("" when unknown) numbered in code order, as integers:
    # grouping ~200,000 strings took longer than the rest of the computation.
    code_of = {ident: code for ident, code, _label in categories}
    labels = {code: label for _ident, code, label in categories}
    ids, id_index = np.unique(np.asarray(rows["category_id"])[inside], return_inverse=True)
    codes, code_index = np.unique(
        np.array([code_of.get(int(i), "") for i in ids], dtype=str), return_inverse=True
    )
    # One entry per (category, cell) row weighted by its count, not one per complaint.
    overall = concentration_kernel.concentration(cells, universe=grid.cells, events=counts)
    by_category = concentration_kernel.concentration(
        cells, groups=code_index[id_index], universe=grid.cells, events=counts
    )
    output = [_concentration_row(None, _("Toutes catégories"), overall, 0)]
    order = np.argsort(-by_category.n_events, kind="stable")
    for i in order.tolist():
        code = str(codes[by_category.groups[i]])
        output.append(_concentration_row(code, labels.get(code), by_category, i))
    return output


def _concentration_row(key, label, result, i: int) -> dict:
    top = result.top_share[i]
    return {
        "key": key,
        "label": label,
        "n": int(result.n_events[i]),
        "top_1_pct": _round(top[0], 4),
        "top_5_pct": _round(top[1], 4),
        "top_10_pct": _round(top[2], 4),
        "gini": _round(result.gini[i], 4),
    }

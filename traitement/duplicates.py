"""Duplicate candidates: open complaints of the same family reported nearby, recently.

The search reads the H3 resolution-9 cells around the point (an indexed IN on `h3_r9`,
bounded by `received_at`), then keeps the exact great-circle distances in Python.
"""

from __future__ import annotations

import math
from datetime import timedelta

import h3
from django.utils import timezone

from doleances.choices import OPEN_STATUSES
from doleances.models import Category, Complaint

RESOLUTION = 9
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def cells_within(latitude: float, longitude: float, radius_m: float) -> list[int]:
    """H3 cells (signed ints, as stored) that together cover the disk of radius_m.

    Along a hexagon's vertex direction the k-ring reaches only (1.5k + 0.5) edge lengths from
    the origin cell's centre, and the point may sit one edge length off that centre; edges are
    measured on the origin cell, with 5 % slack for the neighbours' distortion.
    """
    origin = h3.latlng_to_cell(latitude, longitude, RESOLUTION)
    centre = h3.cell_to_latlng(origin)
    edges = [h3.great_circle_distance(centre, v, "m") for v in h3.cell_to_boundary(origin)]
    e_min, e_max = min(edges) * 0.95, max(edges) * 1.05
    k = max(1, math.ceil(((radius_m + e_max) / e_min - 0.5) / 1.5))
    return [h3.str_to_int(cell) for cell in h3.grid_disk(origin, k)]


def find_duplicate_candidates(
    category: Category | int,
    latitude: float | None,
    longitude: float | None,
    *,
    radius_m: float = 250,
    days: int = 14,
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[Complaint]:
    """Open complaints of the same category family within radius_m metres, received in the
    last `days` days, nearest first; each carries a `distance_m` attribute (rounded metres)."""
    if latitude is None or longitude is None:
        return []
    if isinstance(category, Category):
        family_id = category.family_id
    else:
        family_id = Category.objects.values_list("family_id", flat=True).get(pk=category)
    rows = Complaint.objects.filter(
        h3_r9__in=cells_within(latitude, longitude, radius_m),
        received_at__gte=timezone.now() - timedelta(days=days),
        status__in=OPEN_STATUSES,
        category__family_id=family_id,
    ).values_list("pk", "latitude", "longitude", "received_at")
    near = []
    for pk, lat, lon, received_at in rows:
        if pk == exclude_id:
            continue
        distance = haversine_m(latitude, longitude, lat, lon)
        if distance <= radius_m:
            near.append((distance, -received_at.timestamp(), pk))
    near.sort()
    near = near[:limit]
    found = Complaint.objects.select_related("category").in_bulk([pk for _, _, pk in near])
    result = []
    for distance, _, pk in near:
        complaint = found[pk]
        complaint.distance_m = round(distance)
        result.append(complaint)
    return result

"""Duplicate candidates: open complaints of the same family reported nearby, recently.

The search reads the H3 cells that can hold a point within the radius (an indexed IN on the
complaint's H3 column, bounded by `received_at`), then keeps, in Python, the open complaints
of the family at an exact great-circle distance within the radius.

The family is checked on the index entry, written `+category_id IN (…)`: a bare category
condition would tempt SQLite's planner (which has no statistics unless ANALYZE was run) into
the (category, received_at) index, which reads every complaint of the family in Paris for the
period instead of a few hundred metres of it; the unary plus keeps that index out of reach, and
the covering index `complaint_duplicates_idx` (h3, received_at, status, category, latitude,
longitude) answers the whole query without touching the table. A status condition written
NOT IN cannot tempt the planner towards (status, ...) either.
That query is written in SQL because compiling it through the ORM costs more than the
indexed search itself (see bench/duplicates.py).
"""

from __future__ import annotations

import math
from datetime import timedelta

import h3.api.basic_int as h3
from django.db import connection
from django.utils import timezone

from core.db import instances_from_rows
from doleances.choices import Status
from doleances.models import Category, Complaint

RESOLUTION = 10
CELL_FIELD = f"h3_r{RESOLUTION}"
FINISHED = (Status.ANSWERED, Status.CLOSED)
EARTH_RADIUS_M = 6_371_008.8
# What a resident may be shown of someone else's complaint (never its description); loading
# only these also halves the cost of building the objects.
PUBLIC_FIELDS = (
    "reference",
    "received_at",
    "occurred_at",
    "status",
    "channel",
    "category",
    "latitude",
    "longitude",
    "address",
    "postal_code",
    "precision",
    "arrondissement",
    "quartier",
    "sector",
)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def cells_within(latitude: float, longitude: float, radius_m: float) -> list[int]:
    """H3 cells (as stored: 64-bit ints, all below 2**63) that together cover the disk.

    Along a hexagon's vertex direction the k-ring reaches only (1.5k + 0.5) edge lengths from
    the origin cell's centre, and the point may sit one edge length off that centre; edges are
    measured on the origin cell, with 5 % slack for the neighbours' distortion. Cells of the
    ring whose centre is farther than radius + circumradius cannot touch the disk: dropped.
    """
    origin = h3.latlng_to_cell(latitude, longitude, RESOLUTION)
    centre = h3.cell_to_latlng(origin)
    edges = [h3.great_circle_distance(centre, v, "m") for v in h3.cell_to_boundary(origin)]
    e_min, e_max = min(edges) * 0.95, max(edges) * 1.05
    k = max(1, math.ceil(((radius_m + e_max) / e_min - 0.5) / 1.5))
    reach = radius_m + e_max
    return [
        cell
        for cell in h3.grid_disk(origin, k)
        if haversine_m(latitude, longitude, *h3.cell_to_latlng(cell)) <= reach
    ]


def _open_rows_in(cells: list[int], since, family_id: int) -> list[tuple[int, float, float]]:
    """(id, latitude, longitude) of the family's complaints not answered nor closed, received
    since `since`, in these cells."""
    complaint, category = Complaint._meta, Category._meta

    def column(name):
        return complaint.get_field(name).column

    placeholders = ", ".join(["%s"] * len(cells))
    # Only table/column names and placeholders are formatted in: no value reaches the text.
    sql = (
        f"SELECT {complaint.pk.column}, {column('latitude')}, {column('longitude')} "  # noqa: S608
        f"FROM {complaint.db_table} "
        f"WHERE {column(CELL_FIELD)} IN ({placeholders}) "
        f"AND {column('received_at')} >= %s AND {column('status')} NOT IN (%s, %s) "
        f"AND +{column('category')} IN (SELECT {category.pk.column} FROM {category.db_table} "
        f"WHERE {category.get_field('family').column} = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [*cells, connection.ops.adapt_datetimefield_value(since), *FINISHED, family_id],
        )
        return cursor.fetchall()


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
    last `days` days, nearest first; each carries a `distance_m` attribute (rounded metres).

    The complaints come with their category and their public fields (PUBLIC_FIELDS) loaded;
    reading another field, such as the description, costs a query.
    """
    if latitude is None or longitude is None:
        return []
    family_id = (
        category.family_id
        if isinstance(category, Category)
        else Category.objects.values_list("family_id", flat=True).get(pk=category)
    )
    since = timezone.now() - timedelta(days=days)
    near = []
    for pk, lat, lon in _open_rows_in(
        cells_within(latitude, longitude, radius_m), since, family_id
    ):
        if pk == exclude_id:
            continue
        distance = haversine_m(latitude, longitude, lat, lon)
        if distance <= radius_m:
            near.append((distance, -pk, pk))  # equally near: the latest filed first
    near.sort()
    near = near[:limit]
    found = _public_complaints([pk for *_, pk in near])
    result = []
    for distance, _, pk in near:
        complaint = found[pk]
        complaint.distance_m = round(distance)
        result.append(complaint)
    return result


def _public_complaints(pks: list[int]) -> dict[int, Complaint]:
    """The complaints' PUBLIC_FIELDS (the others deferred) with their category, by pk, in
    one query of our own: compiling the ORM's equivalent costs more than the search itself.
    Measured by bench/duplicates.py (100,000 complaints, 500 searches, SQLite, CPU p50 of the
    whole search): `only` + `select_related` + `in_bulk` 1.97x this query, `Manager.raw()`
    + categories by `in_bulk` 2.32x."""
    if not pks:
        return {}
    complaint, category = Complaint._meta, Category._meta
    complaint_fields = [complaint.pk, *(complaint.get_field(name) for name in PUBLIC_FIELDS)]
    category_fields = category.concrete_fields
    quote = connection.ops.quote_name  # some columns are SQL words ("order")
    columns = [f"c.{quote(f.column)}" for f in complaint_fields]
    columns += [f"g.{quote(f.column)}" for f in category_fields]
    category_id = quote(complaint.get_field("category").column)
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(complaint.db_table)} c "  # noqa: S608
        f"JOIN {quote(category.db_table)} g ON g.{quote(category.pk.column)} = c.{category_id} "
        f"WHERE c.{quote(complaint.pk.column)} IN ({', '.join(['%s'] * len(pks))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, pks)
        rows = cursor.fetchall()
    n = len(complaint_fields)
    complaints = instances_from_rows(Complaint, complaint_fields, [row[:n] for row in rows])
    categories = instances_from_rows(Category, category_fields, [row[n:] for row in rows])
    for found, its_category in zip(complaints, categories, strict=True):
        found.category = its_category
    return {found.pk: found for found in complaints}

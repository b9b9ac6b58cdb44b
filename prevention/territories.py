"""Group territories: one per quartier (created on demand), zones from the administration;
their arrondissements (who sees them) and centres (where the map draws them)."""

from __future__ import annotations

from functools import lru_cache

import shapely
from django.db.models import Count, Max

from prevention.choices import TerritoryKind
from prevention.models import GroupTerritory
from territory.models import Quartier


def ensure_quartier_territories() -> None:
    """A group territory for every quartier administratif (quartiers are loaded after the
    fixtures, so they cannot be a fixture)."""
    existing = set(
        GroupTerritory.objects.filter(kind=TerritoryKind.QUARTIER).values_list(
            "quartier_id", flat=True
        )
    )
    missing = Quartier.objects.exclude(pk__in=existing).only("pk", "number", "name")
    GroupTerritory.objects.bulk_create(
        [
            GroupTerritory(
                code=f"q-{q.number}", kind=TerritoryKind.QUARTIER, label=q.name, quartier=q
            )
            for q in missing
        ],
        ignore_conflicts=True,
    )


def arrondissements_of(territory_ids=None) -> dict[int, set[int]]:
    """{territory pk: arrondissement pks}, for `territory_ids` (all if None)."""
    rows = GroupTerritory.objects.all()
    if territory_ids is not None:
        rows = rows.filter(pk__in=territory_ids)
    result: dict[int, set[int]] = {pk: set() for pk in rows.values_list("pk", flat=True)}
    for pk, arr in rows.filter(quartier__isnull=False).values_list(
        "pk", "quartier__arrondissement_id"
    ):
        result[pk].add(arr)
    link = GroupTerritory.arrondissements.through
    links = link.objects.all()
    if territory_ids is not None:
        links = links.filter(groupterritory_id__in=territory_ids)
    for pk, arr in links.values_list("groupterritory_id", "arrondissement_id"):
        result.setdefault(pk, set()).add(arr)
    return result


@lru_cache(maxsize=1)
def _quartier_centres(version: tuple) -> dict[int, tuple[float, float]]:
    centres = {}
    for pk, geometry in Quartier.objects.values_list("pk", "geometry"):
        point = shapely.from_geojson(geometry).representative_point()
        centres[pk] = (round(point.y, 5), round(point.x, 5))
    return centres


def _version() -> tuple:
    # Quartiers reloaded (new pks) or redrawn: the cached centres are stale.
    return tuple(Quartier.objects.aggregate(n=Count("pk"), top=Max("pk")).values())


def quartier_centres() -> dict[int, tuple[float, float]]:
    """{quartier pk: (lat, lon)} of a point inside each quartier."""
    return _quartier_centres(_version())


def centres() -> dict[int, tuple[float, float]]:
    """{territory pk: (lat, lon)}: a point inside the quartier, or the zone's given centre."""
    inside = quartier_centres()
    result = {}
    for pk, quartier_id, lat, lon in GroupTerritory.objects.values_list(
        "pk", "quartier_id", "latitude", "longitude"
    ):
        if quartier_id in inside:
            result[pk] = inside[quartier_id]
        elif lat is not None and lon is not None:
            result[pk] = (lat, lon)
    return result

"""Territory services: where is a point, which arrondissement has a postal code."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import h3
import numpy as np
import shapely
from django.conf import settings

from territory.locator import Locator
from territory.models import Arrondissement, Quartier

_cache_lock = threading.Lock()
_cached: dict = {}


@dataclass(frozen=True)
class TerritoryIndex:
    """The locator plus the quartier → arrondissement → sector lookups, as arrays."""

    locator: Locator
    quartier_ids: np.ndarray
    arrondissement_ids: np.ndarray
    sector_ids: np.ndarray
    quartiers: dict = field(default_factory=dict)


def territory_index() -> TerritoryIndex:
    """The in-memory index of the loaded quartiers, built once per process and per load."""
    version = Quartier.objects.count(), Quartier.objects.order_by("-pk").values_list(
        "pk", flat=True
    ).first()
    with _cache_lock:
        if _cached.get("version") != version:
            quartiers = list(Quartier.objects.select_related("arrondissement__sector"))
            polygons = [shapely.from_geojson(q.geometry) for q in quartiers]
            _cached["index"] = TerritoryIndex(
                locator=Locator(polygons),
                quartier_ids=np.array([q.pk for q in quartiers], dtype=np.int64),
                arrondissement_ids=np.array([q.arrondissement_id for q in quartiers], dtype=np.int64),
                sector_ids=np.array([q.arrondissement.sector_id for q in quartiers], dtype=np.int64),
                quartiers={q.pk: q for q in quartiers},
            )
            _cached["version"] = version
        return _cached["index"]


def invalidate_territory_index() -> None:
    with _cache_lock:
        _cached.clear()


@dataclass(frozen=True)
class BulkLocation:
    """Arrays aligned on the input points; 0 in an id array means outside Paris."""

    quartier_id: np.ndarray
    arrondissement_id: np.ndarray
    sector_id: np.ndarray
    h3: dict[int, np.ndarray]


def locate_many(lats, lons, with_h3: bool = True) -> BulkLocation:
    index = territory_index()
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    poly = index.locator.polygon_index(lats, lons)
    inside = poly >= 0

    def pick(ids: np.ndarray) -> np.ndarray:
        out = np.zeros(len(poly), dtype=np.int64)
        out[inside] = ids[poly[inside]]
        return out

    cells = {}
    if with_h3:
        for res in settings.CPPS_H3_RESOLUTIONS:
            cells[res] = index.locator.h3_cells(lats, lons, res)
    return BulkLocation(
        quartier_id=pick(index.quartier_ids),
        arrondissement_id=pick(index.arrondissement_ids),
        sector_id=pick(index.sector_ids),
        h3=cells,
    )


def locate(lat: float, lon: float) -> dict:
    """The JSON-ready answer for one point: inside Paris or not, and where."""
    index = territory_index()
    bulk = locate_many([lat], [lon])
    quartier_id = int(bulk.quartier_id[0])
    answer: dict = {"latitude": lat, "longitude": lon, "inside_paris": bool(quartier_id)}
    if not quartier_id:
        answer.update(quartier=None, arrondissement=None, sector=None, h3={})
        return answer
    quartier = index.quartiers[quartier_id]
    arrondissement = quartier.arrondissement
    sector = arrondissement.sector
    answer.update(
        quartier={"id": quartier.pk, "code": quartier.insee_code, "name": quartier.name},
        arrondissement={
            "id": arrondissement.pk,
            "number": arrondissement.number,
            "code": arrondissement.insee_code,
            "name": arrondissement.name,
        },
        sector={"id": sector.pk, "code": sector.code, "name": sector.name},
        h3={str(res): h3.int_to_str(int(cells[0])) for res, cells in bulk.h3.items()},
    )
    return answer


def arrondissement_for_postal_code(postal_code: str) -> Arrondissement | None:
    postal_code = (postal_code or "").strip()
    if len(postal_code) != 5 or not postal_code.startswith("75"):
        return None
    for arrondissement in Arrondissement.objects.select_related("sector"):
        if postal_code in arrondissement.postal_codes.split(","):
            return arrondissement
    return None


def territory_geojson(level: str) -> dict:
    """A FeatureCollection of quartiers or arrondissements for maps."""
    model = Quartier if level == "quartiers" else Arrondissement
    features = []
    for obj in model.objects.all():
        if not obj.geometry:
            continue
        props = {"id": obj.pk, "code": obj.insee_code, "name": obj.name}
        if model is Quartier:
            props["arrondissement"] = obj.arrondissement_id
        features.append(
            {"type": "Feature", "geometry": json.loads(obj.geometry), "properties": props}
        )
    return {"type": "FeatureCollection", "features": features}

"""Territory services: where is a point, which arrondissement has a postal code, the outlines."""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, field

import h3
import numpy as np
import shapely
from django.conf import settings
from django.db.models import Count, Max, Sum
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from territory.locator import Locator
from territory.models import Arrondissement, Quartier, Sector

_cache_lock = threading.Lock()
_cached: dict = {}
# How long a process trusts its index without checking the quartiers' version again (a query
# reading every outline's length: one per request was a tenth of intake's cost). Changes made
# by this process invalidate the index at once (the loader, the signals below); another
# process's (a `cpps territory` load) are seen within this delay.
VERSION_CHECK_SECONDS = 10.0

GEOJSON_LEVELS = ("quartiers", "arrondissements", "secteurs")
# Beyond this, outlines lose the shape of the territory; a map never needs more.
MAX_SIMPLIFY_METRES = 500.0
METRES_PER_DEGREE = 111_195.0


class InvalidInput(ValueError):
    """Bad coordinates or options; `errors` maps each field to its French messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


def parse_point(lat, lon) -> tuple[float, float]:
    """WGS84 latitude and longitude as floats, from numbers or text ("48,85" accepted)."""
    errors: dict[str, list[str]] = {}
    values = []
    for name, raw, limit, label in (
        ("lat", lat, 90, _("La latitude")),
        ("lon", lon, 180, _("La longitude")),
    ):
        value = None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[name] = [_("%(label)s est obligatoire.") % {"label": label}]
        else:
            try:
                value = float(raw.strip().replace(",", ".") if isinstance(raw, str) else raw)
            except (TypeError, ValueError, OverflowError):
                errors[name] = [_("%(label)s doit être un nombre.") % {"label": label}]
            else:
                if not math.isfinite(value) or abs(value) > limit:
                    errors[name] = [
                        _("%(label)s doit être comprise entre -%(limit)s et %(limit)s.")
                        % {"label": label, "limit": limit}
                    ]
        values.append(value)
    if errors:
        raise InvalidInput(errors)
    return values[0], values[1]


@dataclass(frozen=True)
class TerritoryIndex:
    """The locator plus the quartier → arrondissement → sector lookups, as arrays."""

    locator: Locator
    quartier_ids: np.ndarray
    arrondissement_ids: np.ndarray
    sector_ids: np.ndarray
    quartiers: dict = field(default_factory=dict)


def _version() -> tuple:
    """Changes whenever quartiers are added, removed or get new outlines (any process)."""
    return tuple(
        Quartier.objects.aggregate(
            n=Count("pk"), top=Max("pk"), size=Sum(Length("geometry"))
        ).values()
    )


def territory_index() -> TerritoryIndex:
    """The in-memory index of the loaded quartiers, built once per process and per load."""
    with _cache_lock:
        if "index" in _cached and time.monotonic() < _cached.get("checked_until", 0):
            return _cached["index"]
    version = _version()
    with _cache_lock:
        _cached["checked_until"] = time.monotonic() + VERSION_CHECK_SECONDS
        if _cached.get("version") != version:
            quartiers = list(Quartier.objects.select_related("arrondissement__sector"))
            polygons = [shapely.from_geojson(q.geometry) for q in quartiers]
            _cached.clear()
            _cached["checked_until"] = time.monotonic() + VERSION_CHECK_SECONDS
            _cached["index"] = TerritoryIndex(
                locator=Locator(polygons),
                quartier_ids=np.array([q.pk for q in quartiers], dtype=np.int64),
                arrondissement_ids=np.array(
                    [q.arrondissement_id for q in quartiers], dtype=np.int64
                ),
                sector_ids=np.array(
                    [q.arrondissement.sector_id for q in quartiers], dtype=np.int64
                ),
                quartiers={q.pk: q for q in quartiers},
            )
            _cached["version"] = version
        return _cached["index"]


def invalidate_territory_index(**kwargs) -> None:
    """Forget the index and the outlines (also the receiver of the territory models' saves
    and deletions, connected in TerritoryConfig.ready)."""
    with _cache_lock:
        _cached.clear()


@dataclass(frozen=True)
class BulkLocation:
    """Arrays aligned on the input points; 0 in an id array means outside Paris (or no point)."""

    quartier_id: np.ndarray
    arrondissement_id: np.ndarray
    sector_id: np.ndarray
    h3: dict[int, np.ndarray]


def locate_many(lats, lons, with_h3: bool = True) -> BulkLocation:
    """Locate many points at once; NaN or out-of-range coordinates are simply not located."""
    return _locate_with(territory_index(), lats, lons, with_h3)


def _locate_with(index: TerritoryIndex, lats, lons, with_h3: bool = True) -> BulkLocation:
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
        cells = index.locator.h3_cells_by_resolution(lats, lons, settings.CPPS_H3_RESOLUTIONS)
    return BulkLocation(
        quartier_id=pick(index.quartier_ids),
        arrondissement_id=pick(index.arrondissement_ids),
        sector_id=pick(index.sector_ids),
        h3=cells,
    )


def locate(lat, lon) -> dict:
    """The JSON-ready answer for one point: inside Paris or not, and where.

    Every valid point gets an answer: outside Paris `inside_paris` is false; the Seine and
    the two Bois belong to quartiers like any street. Invalid coordinates raise InvalidInput.
    """
    lat, lon = parse_point(lat, lon)
    index = territory_index()
    bulk = _locate_with(index, [lat], [lon])
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
    """The arrondissement of a Paris postal code (75001–75020, and 75116 for the 16th)."""
    postal_code = str(postal_code or "").strip()
    if len(postal_code) != 5 or not postal_code.startswith("75"):
        return None
    for arrondissement in Arrondissement.objects.select_related("sector"):
        if postal_code in arrondissement.postal_codes.replace(" ", "").split(","):
            return arrondissement
    return None


def parse_simplify(raw) -> float:
    """The `simplify` tolerance in metres (0 = exact outlines)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0.0
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_SIMPLIFY_METRES:
        raise InvalidInput(
            {
                "simplify": [
                    _("La simplification est une tolérance en mètres, entre 0 et %(max)s.")
                    % {"max": int(MAX_SIMPLIFY_METRES)}
                ]
            }
        )
    return value


def _sector_geometries() -> dict[int, shapely.Geometry]:
    """Each sector's outline, the union of its arrondissements; cached per territory version."""
    version = _version()
    with _cache_lock:
        cached = _cached.get("sectors")
        if cached and cached[0] == version:
            return cached[1]
    parts: dict[int, list] = {}
    for arrondissement in Arrondissement.objects.exclude(geometry=""):
        parts.setdefault(arrondissement.sector_id, []).append(
            shapely.from_geojson(arrondissement.geometry)
        )
    geometries = {sector_id: shapely.union_all(polys) for sector_id, polys in parts.items()}
    with _cache_lock:
        _cached["sectors"] = (version, geometries)
    return geometries


def territory_geojson(level: str, simplify_m: float = 0.0) -> dict:
    """A FeatureCollection of quartiers, arrondissements or sectors for maps.

    Each feature has id, code, name and, for arrondissements and sectors, the legal
    population. `simplify_m` (metres) lightens the outlines; 0 keeps them exact.
    """
    if level not in GEOJSON_LEVELS:
        raise ValueError(level)
    features = []
    if level == "secteurs":
        geometries = _sector_geometries()
        for sector in Sector.objects.prefetch_related("arrondissements"):
            if sector.pk not in geometries:
                continue
            props = {
                "id": sector.pk,
                "code": sector.code,
                "name": sector.name,
                "population": sector.population,
                "arrondissements": [a.number for a in sector.arrondissements.all()],
            }
            features.append(_feature(geometries[sector.pk], props, simplify_m))
    else:
        model = Quartier if level == "quartiers" else Arrondissement
        for obj in model.objects.exclude(geometry=""):
            props = {"id": obj.pk, "code": obj.insee_code, "name": obj.name}
            if model is Quartier:
                props["arrondissement"] = obj.arrondissement_id
            else:
                props.update(number=obj.number, sector=obj.sector_id, population=obj.population)
            features.append(_feature(obj.geometry, props, simplify_m))
    return {"type": "FeatureCollection", "features": features}


def _feature(geometry, props: dict, simplify_m: float) -> dict:
    if simplify_m or not isinstance(geometry, str):
        shape = shapely.from_geojson(geometry) if isinstance(geometry, str) else geometry
        if simplify_m:
            # A degree of latitude is the longest degree here: the error stays under simplify_m.
            shape = shapely.simplify(shape, simplify_m / METRES_PER_DEGREE, preserve_topology=True)
        geometry = shapely.to_geojson(shape)
    return {"type": "Feature", "geometry": json.loads(geometry), "properties": props}

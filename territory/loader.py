"""Load the official Paris boundaries (Paris Open Data, ODbL) into the territory tables."""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from django.core.management import call_command
from django.db import transaction

from territory.models import Arrondissement, Quartier, Sector
from territory.services import invalidate_territory_index

ARRONDISSEMENTS_FILE = "arrondissements.geojson"
QUARTIERS_FILE = "quartier_paris.geojson"


class TerritoryFileError(ValueError):
    """A boundary file is missing or does not hold what the official dataset holds."""


def _read_features(path: Path, expected: int, required: set[str]) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TerritoryFileError(f"{path} : fichier illisible ({exc})") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or len(features) != expected:
        raise TerritoryFileError(
            f"{path} : {expected} entités attendues, {len(features or [])} trouvées"
        )
    for feature in features:
        missing = required - set(feature.get("properties") or {})
        if missing:
            raise TerritoryFileError(f"{path} : propriétés manquantes {sorted(missing)}")
        geometry = shapely.from_geojson(json.dumps(feature["geometry"]))
        if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise TerritoryFileError(f"{path} : géométrie invalide")
    return features


def check_files(arrondissements: Path, quartiers: Path) -> tuple[list[dict], list[dict]]:
    return (
        _read_features(arrondissements, 20, {"c_ar", "c_arinsee"}),
        _read_features(quartiers, 80, {"c_qu", "c_quinsee", "l_qu", "c_ar"}),
    )


@transaction.atomic
def load_territory(arrondissements: Path, quartiers: Path) -> dict:
    """Create or update sectors, arrondissements and quartiers; idempotent."""
    arr_features, qu_features = check_files(arrondissements, quartiers)
    if not Sector.objects.exists() or Arrondissement.objects.count() < 20:
        call_command("loaddata", "paris_territory", verbosity=0)
    by_number = {a.number: a for a in Arrondissement.objects.all()}
    for feature in arr_features:
        props = feature["properties"]
        arrondissement = by_number[int(props["c_ar"])]
        arrondissement.geometry = json.dumps(feature["geometry"], separators=(",", ":"))
        arrondissement.save(update_fields=["geometry"])
    for feature in qu_features:
        props = feature["properties"]
        Quartier.objects.update_or_create(
            insee_code=str(props["c_quinsee"]),
            defaults={
                "number": int(props["c_qu"]),
                "name": props["l_qu"],
                "arrondissement": by_number[int(props["c_ar"])],
                "area_m2": float(props.get("surface") or 0),
                "geometry": json.dumps(feature["geometry"], separators=(",", ":")),
            },
        )
    invalidate_territory_index()
    return {
        "sectors": Sector.objects.count(),
        "arrondissements": Arrondissement.objects.count(),
        "quartiers": Quartier.objects.count(),
    }

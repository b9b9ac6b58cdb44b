"""Load the official Paris boundaries (Paris Open Data, ODbL) into the territory tables."""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.errors import GEOSException

from territory.models import Arrondissement, Quartier, Sector
from territory.services import invalidate_territory_index

ARRONDISSEMENTS_FILE = "arrondissements.geojson"
QUARTIERS_FILE = "quartier_paris.geojson"


class TerritoryFileError(ValueError):
    """A boundary file is missing or does not hold what the official dataset holds."""


# What each official file must hold: number of features and the properties we read.
EXPECTED = {
    ARRONDISSEMENTS_FILE: (20, {"c_ar", "c_arinsee"}),
    QUARTIERS_FILE: (80, {"c_qu", "c_quinsee", "l_qu", "c_ar"}),
}


def check_file(path: Path, kind: str) -> list[dict]:
    """The features of a boundary file of `kind` (a file name of EXPECTED), once checked."""
    expected, required = EXPECTED[kind]
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TerritoryFileError(
            _("%(path)s : fichier illisible (%(error)s)") % {"path": path, "error": exc}
        ) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or len(features) != expected:
        raise TerritoryFileError(
            _("%(path)s : %(expected)s entités attendues, %(found)s trouvées")
            % {"path": path, "expected": expected, "found": len(features or [])}
        )
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        missing = required - set(props or {})
        if missing:
            raise TerritoryFileError(
                _("%(path)s : propriétés manquantes %(missing)s")
                % {"path": path, "missing": ", ".join(sorted(missing))}
            )
        try:
            geometry = shapely.from_geojson(json.dumps(feature["geometry"]))
        except (KeyError, TypeError, ValueError, GEOSException):
            geometry = None
        if (
            geometry is None
            or geometry.is_empty
            or geometry.geom_type not in ("Polygon", "MultiPolygon")
        ):
            raise TerritoryFileError(_("%(path)s : géométrie invalide") % {"path": path})
    return features


def check_files(arrondissements: Path, quartiers: Path) -> tuple[list[dict], list[dict]]:
    return check_file(arrondissements, ARRONDISSEMENTS_FILE), check_file(quartiers, QUARTIERS_FILE)


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

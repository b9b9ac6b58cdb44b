"""What the demo generator (`doleances.demo`) draws from: the tables of
`doleances/demo_data/` (time profiles, arrondissement and channel mixes, hotspots, category
volumes, descriptions) and the calibration read from public data at run time (boundaries,
IRIS grid, DansMaRue volumes, legal populations).
"""

from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

ARRONDISSEMENTS = 20


# --- Tables: data files in doleances/demo_data/ ------------------------------------------------
#
# profiles.json: time profiles, arrondissement mixes, channel mixes, contact shares;
# hotspots.csv: fixed hotspots per kind of nuisance; categories.csv: each category's volume and
# keys into those tables; descriptions.json: texts per category and fictitious first names.

DATA_DIR = Path(__file__).with_name("demo_data")


@dataclass(frozen=True)
class TimeProfile:
    hours: tuple[float, ...]  # weight of each local hour 0..23
    days: tuple[float, ...]  # weight of each activity day, Monday..Sunday
    months: tuple[float, ...]  # weight of each month of the activity day
    special: tuple[tuple[int, int, float], ...] = ()  # (month, day, factor) of the activity day


@dataclass(frozen=True)
class PlaceMix:
    """Arrondissement volumes: `dansmarue` × DansMaRue shares + the rest × population shares,
    then multiplied by `boost` (arrondissement number → factor)."""

    dansmarue: float
    boost: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class Hotspot:
    name: str
    latitude: float
    longitude: float
    sigma_m: float
    weight: float = 1.0


@dataclass(frozen=True)
class CategoryProfile:
    weight: float  # relative volume
    time: str  # key of TIME_PROFILES
    place: str  # key of PLACE_MIXES
    channels: str  # key of CHANNEL_MIXES
    hotspots: str = ""  # key of HOTSPOTS
    hotspot_share: float = 0.0  # share of points drawn around hotspots where there are some


def _read_json(name: str) -> dict:
    data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return data


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as lines:
        return list(csv.DictReader(lines))


def _number(text: str) -> int | float:
    """A number as the file writes it: "200" stays an int, "1.5" and "1.0" are floats."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _hotspots(rows: list[dict[str, str]]) -> dict[str, tuple[Hotspot, ...]]:
    by_kind: dict[str, list[Hotspot]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(
            Hotspot(
                row["name"],
                float(row["latitude"]),
                float(row["longitude"]),
                _number(row["sigma_m"]),
                _number(row["weight"]),
            )
        )
    return {kind: tuple(spots) for kind, spots in by_kind.items()}


_PROFILES = _read_json("profiles.json")
TIME_PROFILES = {
    kind: TimeProfile(
        hours=tuple(profile["hours"]),
        days=tuple(profile["days"]),
        months=tuple(profile["months"]),
        special=tuple(tuple(night) for night in profile["special"]),
    )
    for kind, profile in _PROFILES["time_profiles"].items()
}
PLACE_MIXES = {
    kind: PlaceMix(mix["dansmarue"], tuple(tuple(pair) for pair in mix["boost"]))
    for kind, mix in _PROFILES["place_mixes"].items()
}
HOTSPOTS: dict[str, tuple[Hotspot, ...]] = _hotspots(_read_csv("hotspots.csv"))
# Shares over `doleances.demo.CHANNELS` (web, dansmarue, phone_3975, totem, commissariat, api).
CHANNEL_MIXES = {kind: tuple(shares) for kind, shares in _PROFILES["channel_mixes"].items()}
# Share of complaints that leave contact details, by channel (DansMaRue passes none on).
CONTACT_SHARE: dict[str, float] = _PROFILES["contact_share"]
# Volumes: dumping, graffiti and urine dominate as in DansMaRue; emergencies are rare because
# the form sends people to the 17 or 112 instead.
CATEGORY_PROFILES = {
    row["code"]: CategoryProfile(
        _number(row["weight"]),
        row["time"],
        row["place"],
        row["channels"],
        row["hotspots"],
        _number(row["hotspot_share"]),
    )
    for row in _read_csv("categories.csv")
}
# A category added by administrators after this table was written still gets demo data.
DEFAULT_PROFILE = CategoryProfile(1.0, "day", "residents", "security")
_TEXTS = _read_json("descriptions.json")
# Short descriptions, a few per category, free of personal data.
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    code: tuple(texts) for code, texts in _TEXTS["descriptions"].items()
}
DEFAULT_DESCRIPTIONS = tuple(_TEXTS["default"])
# Clearly fictitious contact data for the case-work demo: example.org addresses and the
# 01 99 00 xx xx range that ARCEP reserves for works of fiction.
DEMO_FIRST_NAMES = tuple(_TEXTS["first_names"])


# --- Calibration data (files) ----------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """What the generator reads from the public data: shapes and reference volumes."""

    arrondissements: np.ndarray  # 20 prepared polygons, index = number - 1
    cells: np.ndarray  # prepared background cells (IRIS ∩ arrondissement)
    cell_arrondissement: np.ndarray  # index 0..19 of each cell's arrondissement
    cell_weight: np.ndarray
    dansmarue_share: np.ndarray  # 20 shares of the DansMaRue 2020 export
    population_share: np.ndarray  # 20 shares of the legal population


# Background weights of IRIS types: H housing, A business districts, D parks and cemeteries.
IRIS_TYPE_WEIGHT = {"H": 1.0, "A": 0.7, "D": 0.25}


def _read_geojson(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def load_calibration(geo_dir: str | None = None, data_dir: str | None = None) -> Calibration:
    """Read the boundaries and reference volumes (settings' directories by default).

    Arrondissements are the union of their quartiers, the polygons `territory.locate` uses, so
    every generated point is located in the arrondissement it was drawn for.
    """
    from django.conf import settings

    if geo_dir is None:
        from territory.download import ensure_geo_files

        geo_dir = settings.CPPS_GEO_DIR or ensure_geo_files()
    return _read_calibration(str(geo_dir), str(data_dir or settings.CPPS_DATA_DIR))


@functools.lru_cache(maxsize=4)
def _read_calibration(geo_dir: str, data_dir: str) -> Calibration:
    data = Path(data_dir)
    parts: list[list] = [[] for _ in range(ARRONDISSEMENTS)]
    for feature in _read_geojson(Path(geo_dir) / "quartier_paris.geojson"):
        number = int(feature["properties"]["c_ar"])
        parts[number - 1].append(shapely.from_geojson(json.dumps(feature["geometry"])))
    arrondissements = np.array([shapely.union_all(p) for p in parts], dtype=object)
    shapely.prepare(arrondissements)

    iris_path = data / "geo" / "iris_paris.geojson"
    if iris_path.exists():
        iris = _read_geojson(iris_path)
        owners = np.array([int(f["properties"]["arrondissement"]) - 1 for f in iris])
        shapes = np.array([shapely.from_geojson(json.dumps(f["geometry"])) for f in iris])
        cells = shapely.intersection(shapes, arrondissements[owners])
        weights = np.array([IRIS_TYPE_WEIGHT.get(f["properties"]["TYP_IRIS"], 1.0) for f in iris])
        keep = ~shapely.is_empty(cells) & (shapely.area(cells) > 0)
        cells, owners, weights = cells[keep], owners[keep], weights[keep]
    else:
        # Without the IRIS grid the background is uniform over each arrondissement.
        cells = arrondissements.copy()
        owners = np.arange(ARRONDISSEMENTS)
        weights = np.ones(ARRONDISSEMENTS)
    shapely.prepare(cells)

    aggregates = json.loads(
        (data / "events" / "dansmarue_2020_aggregates.json").read_text(encoding="utf-8")
    )
    dansmarue = np.zeros(ARRONDISSEMENTS)
    for row in aggregates["by_arrondissement"]:
        dansmarue[int(row["arrondissement"]) - 1] = row["count"]
    population = np.zeros(ARRONDISSEMENTS)
    with (data / "reference" / "paris_arrondissements_population.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            population[int(row["code_insee"][-2:]) - 1] = float(row["population"])
    return Calibration(
        arrondissements=arrondissements,
        cells=cells,
        cell_arrondissement=owners,
        cell_weight=weights,
        dansmarue_share=dansmarue / dansmarue.sum(),
        population_share=population / population.sum(),
    )

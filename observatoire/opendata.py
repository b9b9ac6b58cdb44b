"""Public open-data aggregates: complaints by quartier × month × family, with statistical
disclosure control, as CSV, GeoJSON and Parquet.

For each complete month, a table quartier × family is published with its margins: the
total of each quartier (all families, `famille = "ensemble"`), of each family over Paris
(`code_quartier = "75056"`, Paris) and the month's grand total. Every count below 5 —
zeros included — is hidden (empty value, `secret = true`), then more cells are hidden
until no hidden one can be recomputed from what is published (`analytics.disclosure`).
Complaints located by postal code only have no quartier and are left out of these files.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics import disclosure
from observatoire import store
from territory.models import Quartier

PARIS_CODE = "75056"
ALL_FAMILIES = "ensemble"
FORMATS = ("csv", "geojson", "parquet")
FILE_STEM = "agregats"
LICENCE = "ODbL-1.0"
ATTRIBUTION = (
    "Doléances reçues par le Contrat parisien de prévention et de sécurité (cpps) ; "
    "contours des quartiers administratifs : Ville de Paris, Paris Data, licence ODbL."
)
DESCRIPTION = (
    "Nombre de doléances (signalements de nuisances et d'insécurité) reçues par quartier "
    "administratif, mois et famille de doléances, avec les totaux par quartier, par famille "
    "(Paris) et par mois. Secret statistique : tout effectif inférieur à 5 (zéro compris) est "
    "masqué (valeur vide, secret = vrai), ainsi que des effectifs complémentaires choisis pour "
    "qu'aucune valeur masquée ne puisse être retrouvée par différence avec les totaux publiés. "
    "Les doléances localisées seulement par leur code postal n'ont pas de quartier et ne "
    "figurent pas dans ces fichiers. Mois complets uniquement, en heure de Paris."
)
COLUMNS = (
    "mois",
    "code_quartier",
    "quartier",
    "arrondissement",
    "famille",
    "famille_libelle",
    "nombre",
    "secret",
)
# Coordinates rounded to ~0.1 m and outlines simplified to ~1 m: the file stays light.
_SIMPLIFY_DEGREES = 0.00001


@dataclass(frozen=True)
class Aggregates:
    """Published rows (COLUMNS order) and the geometry of each quartier."""

    rows: list[tuple]
    quartiers: dict[str, dict]  # code → {"name", "arrondissement", "geometry"}
    families: list[tuple[str, str]]  # (code, label)
    months: list[str]


def _last_complete_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def build(today: date | None = None) -> Aggregates:
    """Aggregate the store and apply the suppression, month by month."""
    today = today or timezone.localdate()
    last_month = _last_complete_month(today)
    quartiers = {
        q.insee_code: {
            "id": q.pk,
            "name": q.name,
            "arrondissement": q.arrondissement.number,
            "geometry": q.geometry,
        }
        for q in Quartier.objects.select_related("arrondissement").order_by("number")
    }
    quartier_codes = list(quartiers)
    quartier_row = {quartiers[c]["id"]: i for i, c in enumerate(quartier_codes)}
    with store.reading() as con:
        families = con.execute(
            "SELECT family_id, code, label FROM dim_family ORDER BY ord, code"
        ).fetchall()
        counts = con.execute(
            "SELECT month_start, quartier_id, family_id, sum(n) FROM monthly "
            "WHERE quartier_id IS NOT NULL AND month_start <= ? GROUP BY ALL",
            [last_month],
        ).fetchall()
    family_column = {f[0]: j for j, f in enumerate(families)}
    families = np.array(families, dtype=object).reshape(-1, 3)
    tables: dict[date, np.ndarray] = {}
    for month, quartier_id, family_id, n in counts:
        i, j = quartier_row.get(quartier_id), family_column.get(family_id)
        if i is None or j is None:
            continue
        table = tables.setdefault(month, np.zeros((len(quartier_codes), len(families))))
        table[i, j] += n
    months = []
    cursor = min(tables, default=None)
    while cursor is not None and cursor <= last_month:
        months.append(cursor)
        cursor = _next_month(cursor)
    # Row keys of the published table: each quartier × family, the quartier totals, the
    # Paris total of each family, the grand total (the order of disclosure.two_way_table).
    keys = [(code, family) for code in quartier_codes for family in families[:, 1:]]
    keys += [(code, (ALL_FAMILIES, str(_("Toutes familles")))) for code in quartier_codes]
    keys += [(PARIS_CODE, family) for family in families[:, 1:]]
    keys.append((PARIS_CODE, (ALL_FAMILIES, str(_("Toutes familles")))))
    rows = []
    for month in months:
        matrix = tables.get(month, np.zeros((len(quartier_codes), len(families))))
        values, lines, _index = disclosure.two_way_table(matrix)
        hidden = disclosure.suppress(values, lines)
        label = month.strftime("%Y-%m")
        for (code, (family_code, family_label)), value, secret in zip(
            keys, values.tolist(), hidden.tolist(), strict=True
        ):
            paris = code == PARIS_CODE
            rows.append(
                (
                    label,
                    code,
                    "Paris" if paris else quartiers[code]["name"],
                    None if paris else quartiers[code]["arrondissement"],
                    str(family_code),
                    str(family_label),
                    None if secret else int(value),
                    bool(secret),
                )
            )
    return Aggregates(
        rows=rows,
        quartiers=quartiers,
        families=[(str(f[1]), str(f[2])) for f in families],
        months=[m.strftime("%Y-%m") for m in months],
    )


# --- writers ----------------------------------------------------------------------------------


def to_csv(aggregates: Aggregates) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in aggregates.rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _outline(geometry: str) -> dict:
    shape = shapely.from_geojson(geometry).simplify(_SIMPLIFY_DEGREES, preserve_topology=True)
    return json.loads(shapely.to_geojson(shapely.set_precision(shape, 1e-6)))


def to_geojson(aggregates: Aggregates) -> bytes:
    """One feature per quartier and month; a family's count and secret flag are properties
    `<family>` and `<family>_secret`, the quartier's total `ensemble` / `ensemble_secret`."""
    outlines = {code: _outline(q["geometry"]) for code, q in aggregates.quartiers.items()}
    features: dict[tuple[str, str], dict] = {}
    for month, code, name, arrondissement, family, _label, value, secret in aggregates.rows:
        if code == PARIS_CODE:
            continue
        feature = features.get((month, code))
        if feature is None:
            feature = features[(month, code)] = {
                "type": "Feature",
                "geometry": outlines[code],
                "properties": {
                    "mois": month,
                    "code_quartier": code,
                    "quartier": name,
                    "arrondissement": arrondissement,
                },
            }
        feature["properties"][family] = value
        feature["properties"][f"{family}_secret"] = secret
    collection = {
        "type": "FeatureCollection",
        "name": FILE_STEM,
        "metadata": _metadata(aggregates),
        "features": list(features.values()),
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _metadata(aggregates: Aggregates) -> dict:
    return {
        "titre": "Doléances par quartier, mois et famille",
        "description": DESCRIPTION,
        "licence": LICENCE,
        "sources": ATTRIBUTION,
        "seuil_secret": disclosure.THRESHOLD,
        "familles": {code: label for code, label in aggregates.families},
        "mois": aggregates.months,
    }


def to_parquet(aggregates: Aggregates) -> bytes:
    columns = list(zip(*aggregates.rows, strict=True)) if aggregates.rows else [[]] * len(COLUMNS)
    schema = pa.schema(
        [
            ("mois", pa.string()),
            ("code_quartier", pa.string()),
            ("quartier", pa.string()),
            ("arrondissement", pa.int8()),
            ("famille", pa.string()),
            ("famille_libelle", pa.string()),
            ("nombre", pa.int64()),
            ("secret", pa.bool_()),
        ],
        metadata={
            key: json.dumps(value, ensure_ascii=False)
            for key, value in _metadata(aggregates).items()
        },
    )
    arrays = {
        name: pa.array(list(values), type=schema.field(name).type)
        for name, values in zip(COLUMNS, columns, strict=True)
    }
    table = pa.table(arrays, schema=schema)
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    return buffer.getvalue().to_pybytes()


def readme(aggregates: Aggregates) -> str:
    families = "\n".join(f"- `{code}` : {label}" for code, label in aggregates.families)
    period = (
        f"de {aggregates.months[0]} à {aggregates.months[-1]}"
        if aggregates.months
        else "aucun mois"
    )
    return f"""# Doléances par quartier, mois et famille

{DESCRIPTION}

Période : {period}.

## Fichiers

- `{FILE_STEM}.csv` : séparateur `;`, UTF-8, colonnes {", ".join(f"`{c}`" for c in COLUMNS)} ;
  `nombre` est vide quand `secret` vaut `true`.
- `{FILE_STEM}.geojson` : un objet par quartier et par mois (contours simplifiés) ; chaque
  famille est une propriété (`<famille>` et `<famille>_secret`), le total du quartier est
  `{ALL_FAMILIES}`.
- `{FILE_STEM}.parquet` : les lignes du CSV, typées ; description et sources dans les
  métadonnées du schéma.

Lignes de totaux : `famille = {ALL_FAMILIES}` (toutes familles) et `code_quartier = {PARIS_CODE}`
(Paris, tous quartiers).

## Familles

{families}

## Sources et licence

{ATTRIBUTION}

Ces agrégats sont publiés sous licence ODbL 1.0 (Open Database License) : vous pouvez les
copier, les modifier et les rediffuser en citant la source, et en partageant sous la même
licence les bases de données qui en sont dérivées.
"""


WRITERS = {"csv": to_csv, "geojson": to_geojson, "parquet": to_parquet}


def write_files(directory: Path, today: date | None = None) -> dict:
    """Write the three files and a README.md into `directory`; returns their row counts."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    aggregates = build(today)
    for fmt, writer in WRITERS.items():
        _atomic_write(directory / f"{FILE_STEM}.{fmt}", writer(aggregates))
    _atomic_write(directory / "README.md", readme(aggregates).encode("utf-8"))
    return {
        "directory": str(directory),
        "rows": len(aggregates.rows),
        "months": len(aggregates.months),
        "secret": sum(1 for r in aggregates.rows if r[-1]),
    }


def _atomic_write(path: Path, content: bytes) -> None:
    """Write then rename: a download never sees half a file, even when two processes
    rebuild the files at once (each writes its own temporary file)."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as f:
        f.write(content)
    os.chmod(f.name, 0o644)  # public files; temporary files are created private
    os.replace(f.name, path)


def published_file(fmt: str) -> Path:
    """The public file of `fmt`, rebuilt from the published store when older than
    `CPPS_OBSERVATOIRE_OPENDATA_MAX_AGE` seconds (one hour by default; the worker's
    schedule rebuilds them every hour, so a request rarely does)."""
    if fmt not in WRITERS:
        raise ValueError(fmt)
    directory = store.store_dir() / "opendata"
    path = directory / f"{FILE_STEM}.{fmt}"
    max_age = float(settings.CPPS_OBSERVATOIRE_OPENDATA_MAX_AGE)
    try:
        fresh = time.time() - path.stat().st_mtime <= max_age
    except FileNotFoundError:
        fresh = False
    if not fresh:
        write_files(directory)
    return path

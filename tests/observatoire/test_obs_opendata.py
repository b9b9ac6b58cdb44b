"""Public open data: files that parse, no small count published, no hidden count that can
be recomputed from what is published."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from test_obs_store import file_many, fresh_store, paris_time, quartier_point

from analytics import disclosure
from analytics.disclosure import Line
from observatoire import opendata

SHARED_FIXTURES = (file_many, fresh_store, quartier_point)


@pytest.fixture
def published(fresh_store, file_many, tmp_path):
    """March 2025: 11e first quartier 12 nightlife + 3 incivilities, second quartier 7 + 6,
    one quartier of the 1st 5 incivilities; then the files are written."""
    specs = (
        [("bruit-rue", 41, paris_time(2025, 3, 8, 23))] * 12
        + [("depots-sauvages", 41, paris_time(2025, 3, 9, 10))] * 3
        + [("bruit-etablissement", 42, paris_time(2025, 3, 15, 1))] * 7
        + [("graffitis", 42, paris_time(2025, 3, 16, 11))] * 6
        + [("megots", 1, paris_time(2025, 3, 20, 9))] * 5
        # No quartier (postal code only): left out of the quartier files.
        + [("bruit-rue", None, paris_time(2025, 3, 21, 9))]
    )
    file_many(specs, contact=False)
    directory = tmp_path / "opendata"
    call_command("observatoire", "opendata", str(directory), stdout=io.StringIO())
    return directory


def read_csv(directory) -> list[dict]:
    text = (directory / "agregats.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def published_relations(rows: list[dict]):
    """Values, hidden mask and additive lines of published rows, rebuilt from the rows
    alone: for each month, every quartier's families add up to its "ensemble" row, every
    family's quartiers add up to its Paris row, and both margins add up to the Paris total."""
    index = {}
    values, hidden = [], []
    for row in rows:
        index[(row["mois"], row["code_quartier"], row["famille"])] = len(values)
        values.append(float(row["nombre"]) if row["nombre"] else np.nan)
        hidden.append(row["secret"] == "true")
    members = defaultdict(list)
    for (month, quartier, family), i in index.items():
        if quartier != opendata.PARIS_CODE and family != opendata.ALL_FAMILIES:
            members[(month, quartier, opendata.ALL_FAMILIES)].append(i)
            members[(month, opendata.PARIS_CODE, family)].append(i)
        elif quartier != opendata.PARIS_CODE:
            members[(month, opendata.PARIS_CODE, "grand_total_by_rows")].append(i)
        elif family != opendata.ALL_FAMILIES:
            members[(month, opendata.PARIS_CODE, "grand_total_by_columns")].append(i)
    lines = []
    for (month, quartier, family), cells in members.items():
        if family.startswith("grand_total"):
            family = opendata.ALL_FAMILIES
        lines.append(Line(index[(month, quartier, family)], tuple(cells)))
    return np.array(values), np.array(hidden), lines


def test_files_parse_and_carry_their_sources(published):
    rows = read_csv(published)
    assert list(rows[0]) == list(opendata.COLUMNS)
    assert {r["mois"] for r in rows} >= {"2025-03"}
    geojson = json.loads((published / "agregats.geojson").read_text(encoding="utf-8"))
    assert geojson["type"] == "FeatureCollection"
    assert "ODbL" in geojson["metadata"]["licence"]
    assert "Paris Data" in geojson["metadata"]["sources"]
    march = [f for f in geojson["features"] if f["properties"]["mois"] == "2025-03"]
    assert len(march) == 80
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in march)
    table = pq.read_table(published / "agregats.parquet")
    assert table.num_rows == len(rows)
    assert table.schema.field("nombre").type == pa.int64()
    assert "ODbL" in table.schema.metadata[b"licence"].decode()
    readme = (published / "README.md").read_text(encoding="utf-8")
    assert "ODbL" in readme and "secret" in readme.lower()


def test_no_small_count_is_published(published):
    rows = read_csv(published)
    shown = [int(r["nombre"]) for r in rows if r["nombre"]]
    assert shown and min(shown) >= 5
    assert all(r["secret"] == "true" for r in rows if not r["nombre"])
    parquet = pq.read_table(published / "agregats.parquet").to_pylist()
    assert all(r["nombre"] is None or r["nombre"] >= 5 for r in parquet)
    for feature in json.loads((published / "agregats.geojson").read_bytes())["features"]:
        for key, value in feature["properties"].items():
            if f"{key}_secret" in feature["properties"]:
                assert (value is None) == feature["properties"][f"{key}_secret"]
                assert value is None or value >= 5


def test_no_hidden_count_can_be_recomputed(published):
    rows = read_csv(published)
    values, hidden, lines = published_relations(rows)
    # By a single subtraction: no line has exactly one hidden cell.
    assert not [line for line in lines if hidden[list(line.cells)].sum() == 1]
    # Nor through any combination of the published totals.
    assert disclosure.recoverable(np.nan_to_num(values), hidden, lines).size == 0
    # The counts themselves are right where they are shown.
    march = {(r["code_quartier"], r["famille"]): r for r in rows if r["mois"] == "2025-03"}
    assert march[("75056", "ensemble")]["secret"] == "false"
    assert march[("75056", "ensemble")]["nombre"] == "33"  # the located complaints only
    assert march[("7511101", "vie-nocturne")]["nombre"] == "12"
    assert march[("7511101", "incivilites")]["secret"] == "true"


def test_complementary_suppression_on_a_small_table():
    """2 × 3 table, one small cell: its row and column each need a second hidden cell."""
    values, lines, index = disclosure.two_way_table([[3, 10, 20], [8, 9, 30]])
    hidden = disclosure.suppress(values, lines)
    assert hidden[0] and hidden.sum() >= 4
    assert disclosure.recoverable(values, hidden, lines).size == 0
    # Two hidden cells per row are not enough: x00 is alone in its column (x00 = c0 - x10),
    # and once it is known x01 follows from its row.
    leaky = np.zeros(values.size, dtype=bool)
    leaky[[0, 1, 4, 5]] = True  # x00, x01 | x11, x12
    assert disclosure.recoverable(values, leaky, lines).tolist() == [0, 1, 4, 5]


def test_public_urls_need_no_login(published, client, settings):
    # The URLs serve files cached for an hour; an earlier test may have published them
    # from an empty store.
    settings.CPPS_OBSERVATOIRE_OPENDATA_MAX_AGE = 0
    for fmt, content_type in (
        ("csv", "text/csv"),
        ("geojson", "application/geo+json"),
        ("parquet", "application/vnd.apache.parquet"),
    ):
        response = client.get(f"/observatoire/opendata/agregats.{fmt}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
        body = b"".join(response.streaming_content)
        assert len(body) > 100
    text = b"".join(client.get("/observatoire/opendata/agregats.csv").streaming_content)
    assert text.decode("utf-8").startswith(";".join(opendata.COLUMNS))
    assert client.get("/observatoire/opendata/agregats.xlsx").status_code == 404

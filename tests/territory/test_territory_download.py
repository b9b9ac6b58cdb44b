"""Downloading the official boundary files: checked before they are kept, never cached wrong."""

from __future__ import annotations

import json

import pytest

from territory.download import ensure_geo_files
from territory.loader import ARRONDISSEMENTS_FILE, QUARTIERS_FILE, TerritoryFileError
from tests.conftest import GEO_DIR


def test_files_are_downloaded_checked_and_then_reused(geo_server, tmp_path):
    target = tmp_path / "var" / "geo"
    assert ensure_geo_files(geo_server.sources, target) == target
    for name in (ARRONDISSEMENTS_FILE, QUARTIERS_FILE):
        assert (target / name).read_bytes() == (GEO_DIR / name).read_bytes()
    assert len(geo_server.requests) == 2
    assert not list(target.glob("*.part"))

    ensure_geo_files(geo_server.sources, target)
    assert len(geo_server.requests) == 2  # cached: no second download


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({}, "80 entités attendues, 0 trouvées"),
        ("three", "80 entités attendues, 3 trouvées"),
        ("not json", "fichier illisible"),
        ("no name", "propriétés manquantes l_qu"),
    ],
)
def test_a_corrupt_download_is_refused_and_not_cached(geo_server, tmp_path, content, message):
    real = json.loads((GEO_DIR / QUARTIERS_FILE).read_text(encoding="utf-8"))
    if content == "three":
        real["features"] = real["features"][:3]
        body = json.dumps(real)
    elif content == "no name":
        for feature in real["features"]:
            del feature["properties"]["l_qu"]
        body = json.dumps(real)
    elif content == "not json":
        body = "<html>Service indisponible</html>"
    else:
        body = json.dumps(content)
    (geo_server.root / QUARTIERS_FILE).write_text(body, encoding="utf-8")
    target = tmp_path / "geo"

    with pytest.raises(TerritoryFileError, match=message):
        ensure_geo_files(geo_server.sources, target)
    assert not (target / QUARTIERS_FILE).exists()
    assert not list(target.glob("*.part"))

    # Once the server is right again, the next call downloads and succeeds.
    (geo_server.root / QUARTIERS_FILE).write_bytes((GEO_DIR / QUARTIERS_FILE).read_bytes())
    ensure_geo_files(geo_server.sources, target)
    assert (target / QUARTIERS_FILE).read_bytes() == (GEO_DIR / QUARTIERS_FILE).read_bytes()


def test_an_unreachable_or_missing_file_is_a_clear_error(geo_server, tmp_path):
    sources = {**geo_server.sources, QUARTIERS_FILE: geo_server.url("absent.geojson")}
    with pytest.raises(TerritoryFileError, match="Téléchargement impossible"):
        ensure_geo_files(sources, tmp_path / "geo")
    assert not (tmp_path / "geo" / QUARTIERS_FILE).exists()

    with pytest.raises(TerritoryFileError, match="non prise en charge"):
        ensure_geo_files({**sources, ARRONDISSEMENTS_FILE: "file:///etc/passwd"}, tmp_path / "g2")

"""`cpps locate` and `cpps territory load`."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from territory.loader import ARRONDISSEMENTS_FILE, QUARTIERS_FILE
from territory.models import Arrondissement, Quartier
from tests.conftest import GEO_DIR


def run(*args) -> dict:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_locate_prints_the_json_answer(paris):
    answer = run("locate", "48.8566", "2.3522")
    assert answer["arrondissement"]["number"] == 4
    assert answer["sector"]["name"] == "Paris Centre"
    assert run("locate", "-33.8568", "151.2153")["inside_paris"] is False


def test_locate_bad_numbers_are_a_french_error(paris):
    with pytest.raises(CommandError, match="La latitude doit être un nombre"):
        run("locate", "quarante-huit", "2.35")
    with pytest.raises(CommandError, match="La longitude doit être comprise entre -180 et 180"):
        run("locate", "48.85", "360")


def moved_outline(quartier_code: str) -> str:
    return Quartier.objects.get(insee_code=quartier_code).geometry


def test_load_from_a_directory_is_idempotent(paris):
    before = {q.insee_code: q.geometry for q in Quartier.objects.all()}
    report = run("territory", "load", str(GEO_DIR))
    assert (report["sectors"], report["arrondissements"], report["quartiers"]) == (17, 20, 80)
    assert {q.insee_code: q.geometry for q in Quartier.objects.all()} == before
    assert all(a.geometry for a in Arrondissement.objects.all())


def test_load_from_two_files(paris, tmp_path):
    arr = shutil.copy(GEO_DIR / ARRONDISSEMENTS_FILE, tmp_path / "arr.geojson")
    qu = shutil.copy(GEO_DIR / QUARTIERS_FILE, tmp_path / "qu.geojson")
    report = run("territory", "load", "--arrondissements", str(arr), "--quartiers", str(qu))
    assert report["quartiers"] == 80
    assert report["quartiers_file"] == str(qu)


def test_load_defaults_to_cpps_geo_dir(paris, settings):
    settings.CPPS_GEO_DIR = str(GEO_DIR)
    assert run("territory", "load")["arrondissements_file"] == str(GEO_DIR / ARRONDISSEMENTS_FILE)


def test_load_downloads_into_the_var_dir_without_a_geo_dir(paris, settings, tmp_path, geo_server):
    settings.CPPS_GEO_DIR = None
    settings.CPPS_VAR_DIR = tmp_path / "var"
    settings.CPPS_GEO_SOURCES = geo_server.sources
    report = run("territory", "load")
    assert report["quartiers"] == 80
    assert report["quartiers_file"] == str(tmp_path / "var" / "geo" / QUARTIERS_FILE)
    assert len(geo_server.requests) == 2


def test_a_wrong_file_is_refused_and_nothing_changes(paris, tmp_path):
    before = {q.insee_code: q.geometry for q in Quartier.objects.all()}
    data = json.loads((GEO_DIR / QUARTIERS_FILE).read_text(encoding="utf-8"))
    data["features"] = data["features"][:3]
    bad = tmp_path / "qu.geojson"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="80 entités attendues, 3 trouvées"):
        run(
            "territory",
            "load",
            "--arrondissements",
            str(GEO_DIR / ARRONDISSEMENTS_FILE),
            "--quartiers",
            str(bad),
        )
    assert {q.insee_code: q.geometry for q in Quartier.objects.all()} == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quartiers", "q.geojson"], "Indiquez les deux fichiers"),
        (["some-dir", "--arrondissements", "a", "--quartiers", "q"], "soit un dossier"),
        (["/nulle/part"], "Dossier introuvable"),
    ],
)
def test_load_argument_mistakes_are_french_errors(paris, args, message):
    with pytest.raises(CommandError, match=message):
        run("territory", "load", *args)

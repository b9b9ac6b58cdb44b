"""`cpps setup` on a machine without access to the open-data portal still loads Paris."""

from django.test import override_settings

from cpps.bootstrap import load_referentials
from territory.models import Quartier

UNREACHABLE = {
    "arrondissements.geojson": "http://127.0.0.1:9/arrondissements.geojson",
    "quartier_paris.geojson": "http://127.0.0.1:9/quartier_paris.geojson",
}


def test_offline_setup_falls_back_on_the_shared_copies_and_caches_them(paris, settings, tmp_path):
    settings.CPPS_VAR_DIR = tmp_path
    with override_settings(CPPS_GEO_DIR=None, CPPS_GEO_SOURCES=UNREACHABLE):
        report = load_referentials()
    assert report["geo_dir"] == str(tmp_path / "geo")
    assert sorted(p.name for p in (tmp_path / "geo").iterdir()) == [
        "arrondissements.geojson",
        "quartier_paris.geojson",
    ]
    assert Quartier.objects.count() == 80

"""Public territory API: locate a point, and the outlines of quartiers, arrondissements, sectors."""

from __future__ import annotations

import json

import pytest
import shapely

from territory.models import Arrondissement, Sector

API = "/api/v1/territoire"


def test_locate_is_public_and_answers_in_json(client, paris):
    response = client.get(f"{API}/locate/", {"lat": "48.8584", "lon": "2.2945"})
    assert response.status_code == 200
    body = response.json()
    assert body["inside_paris"] is True
    assert body["arrondissement"]["number"] == 7
    assert body["sector"]["code"] == "paris-7"
    assert set(body["h3"]) == {"8", "9", "10", "11"}


def test_locate_outside_paris(client, paris):
    body = client.get(f"{API}/locate/", {"lat": "48.8397", "lon": "2.2399"}).json()
    assert body["inside_paris"] is False
    assert body["arrondissement"] is None


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"lat": "abc", "lon": "2.35"}, "lat", "La latitude doit être un nombre."),
        ({"lon": "2.35"}, "lat", "La latitude est obligatoire."),
        ({"lat": "NaN", "lon": "2.35"}, "lat", "La latitude doit être comprise entre -90 et 90."),
        (
            {"lat": "48.85", "lon": "200"},
            "lon",
            "La longitude doit être comprise entre -180 et 180.",
        ),
    ],
)
def test_locate_bad_input_is_a_400_in_french(client, paris, params, field, message):
    response = client.get(f"{API}/locate/", params)
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert message in response.json()["detail"]


def test_quartiers_geojson(client, paris):
    response = client.get(f"{API}/quartiers.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    features = json.loads(response.content)["features"]
    assert len(features) == 80
    clignancourt = next(f for f in features if f["properties"]["name"] == "Clignancourt")
    assert clignancourt["properties"]["code"] == "7511802"
    assert clignancourt["geometry"]["type"] == "Polygon"


def test_arrondissements_geojson_with_population(client, paris):
    features = client.get(f"{API}/arrondissements.geojson").json()["features"]
    assert len(features) == 20
    assert sum(f["properties"]["population"] for f in features) == 2_103_778
    sixteenth = next(f["properties"] for f in features if f["properties"]["number"] == 16)
    assert sixteenth["code"] == "75116"
    assert sixteenth["sector"] == Sector.objects.get(code="paris-16").pk


def test_sectors_geojson_unites_their_arrondissements(client, paris):
    features = client.get(f"{API}/secteurs.geojson").json()["features"]
    assert len(features) == 17
    centre = next(f for f in features if f["properties"]["code"] == "paris-centre")
    assert centre["properties"]["arrondissements"] == [1, 2, 3, 4]
    first_four = Arrondissement.objects.filter(number__lte=4)
    assert centre["properties"]["population"] == sum(a.population for a in first_four)
    outline = shapely.from_geojson(json.dumps(centre["geometry"]))
    assert outline.geom_type == "Polygon"  # one piece, inner borders gone
    parts = [shapely.from_geojson(a.geometry) for a in first_four]
    assert outline.area == pytest.approx(sum(p.area for p in parts), rel=1e-6)
    assert sum(f["properties"]["population"] for f in features) == 2_103_778


def test_simplified_outlines_are_lighter_and_still_valid(client, paris):
    exact = client.get(f"{API}/quartiers.geojson").content
    light = client.get(f"{API}/quartiers.geojson", {"simplify": "20"}).content
    assert len(light) < len(exact) / 2
    features = json.loads(light)["features"]
    assert len(features) == 80
    assert all(shapely.from_geojson(json.dumps(f["geometry"])).is_valid for f in features)
    assert client.get(f"{API}/secteurs.geojson", {"simplify": "0"}).status_code == 200


@pytest.mark.parametrize("value", ["-1", "abc", "10000", "nan"])
def test_bad_simplify_is_a_400_in_french(client, paris, value):
    response = client.get(f"{API}/arrondissements.geojson", {"simplify": value})
    assert response.status_code == 400
    assert "tolérance en mètres" in response.json()["errors"]["simplify"][0]


def test_unknown_level_is_a_404(client, paris):
    assert client.get(f"{API}/iris.geojson").status_code == 404

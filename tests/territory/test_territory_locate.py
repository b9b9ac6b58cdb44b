"""`locate`: a defined answer for every point, known Paris places, and postal codes."""

from __future__ import annotations

import math

import h3
import numpy as np
import pytest

from territory.models import Arrondissement
from territory.services import (
    InvalidInput,
    arrondissement_for_postal_code,
    locate,
    locate_many,
)


@pytest.mark.parametrize(
    ("place", "lat", "lon", "number", "sector"),
    [
        ("Hôtel de Ville", 48.8566, 2.3522, 4, "Paris Centre"),
        ("Tour Eiffel", 48.8584, 2.2945, 7, "Paris 7e"),
        ("Sacré-Cœur", 48.8867, 2.3431, 18, "Paris 18e"),
        ("Lac inférieur, bois de Boulogne", 48.8650, 2.2530, 16, "Paris 16e"),
        ("Hippodrome de Longchamp, bois de Boulogne", 48.8570, 2.2330, 16, "Paris 16e"),
        ("Lac Daumesnil, bois de Vincennes", 48.8330, 2.4120, 12, "Paris 12e"),
        ("Parc floral, bois de Vincennes", 48.8380, 2.4450, 12, "Paris 12e"),
    ],
)
def test_known_places(paris, place, lat, lon, number, sector):
    answer = locate(lat, lon)
    assert answer["inside_paris"] is True
    assert answer["arrondissement"]["number"] == number
    assert answer["sector"]["name"] == sector
    assert answer["quartier"]["code"].startswith(f"751{number:02d}")
    assert answer["h3"] == {str(r): h3.latlng_to_cell(lat, lon, r) for r in (8, 9, 10, 11)}


def test_the_seine_belongs_to_the_arrondissement_of_one_bank(paris):
    answer = locate(48.8585, 2.3375)  # mid-river under the Pont des Arts
    assert answer["inside_paris"] is True
    assert answer["arrondissement"]["number"] in (1, 6)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(48.8397, 2.2399), (48.8470, 2.4390), (48.9146, 2.3821), (-33.8568, 151.2153)],
    ids=["Boulogne-Billancourt", "Vincennes (ville)", "Aubervilliers", "Sydney"],
)
def test_outside_paris_is_a_defined_answer(paris, lat, lon):
    assert locate(lat, lon) == {
        "latitude": lat,
        "longitude": lon,
        "inside_paris": False,
        "quartier": None,
        "arrondissement": None,
        "sector": None,
        "h3": {},
    }


def test_coordinates_given_as_text_are_accepted(paris):
    assert locate("48,8584", " 2.2945 ")["arrondissement"]["number"] == 7


@pytest.mark.parametrize(
    ("lat", "lon", "errors"),
    [
        (math.nan, 2.35, {"lat": ["La latitude doit être comprise entre -90 et 90."]}),
        (48.85, math.inf, {"lon": ["La longitude doit être comprise entre -180 et 180."]}),
        (91, 2.35, {"lat": ["La latitude doit être comprise entre -90 et 90."]}),
        (48.85, -180.5, {"lon": ["La longitude doit être comprise entre -180 et 180."]}),
        (
            "abc",
            "2,35,1",
            {
                "lat": ["La latitude doit être un nombre."],
                "lon": ["La longitude doit être un nombre."],
            },
        ),
        (
            None,
            "",
            {"lat": ["La latitude est obligatoire."], "lon": ["La longitude est obligatoire."]},
        ),
        ("1e999", 2.35, {"lat": ["La latitude doit être comprise entre -90 et 90."]}),
    ],
)
def test_invalid_coordinates_are_a_clear_error(paris, lat, lon, errors):
    with pytest.raises(InvalidInput) as caught:
        locate(lat, lon)
    assert caught.value.errors == errors


def test_bulk_location_agrees_with_single_points_and_skips_bad_ones(paris):
    lats = [48.8566, 48.8397, math.nan, 48.8867, 95.0]
    lons = [2.3522, 2.2399, 2.35, 2.3431, 2.35]
    bulk = locate_many(lats, lons)
    single = locate(48.8867, 2.3431)
    assert bulk.arrondissement_id.tolist()[1:3] == [0, 0]
    assert bulk.arrondissement_id[4] == 0
    assert bulk.quartier_id[3] == single["quartier"]["id"]
    assert bulk.sector_id[3] == single["sector"]["id"]
    assert Arrondissement.objects.get(pk=bulk.arrondissement_id[0]).number == 4
    assert bulk.h3[11][2] == 0 and bulk.h3[11][4] == 0
    assert h3.int_to_str(int(bulk.h3[9][3])) == single["h3"]["9"]
    assert np.all(locate_many([], []).quartier_id == [])


@pytest.mark.parametrize("number", range(1, 21))
def test_each_postal_code_gives_its_arrondissement(paris, number):
    assert arrondissement_for_postal_code(f"750{number:02d}").number == number


def test_75116_is_the_16th(paris):
    assert arrondissement_for_postal_code("75116").number == 16
    assert arrondissement_for_postal_code(" 75116 ").number == 16


@pytest.mark.parametrize("code", ["75021", "75000", "75117", "93100", "7501", "", None, "abcde"])
def test_an_unknown_postal_code_gives_none(paris, code):
    assert arrondissement_for_postal_code(code) is None

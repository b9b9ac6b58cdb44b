"""Administrators edit the routing table and check it with the rule tester."""

import pytest
from django.contrib.auth import get_user_model

from doleances.models import Category
from territory.models import Arrondissement
from traitement.models import PlaceType, TimeWindow


@pytest.fixture
def admin_client(client, paris):
    admin = get_user_model().objects.create_superuser("admin-regles", password="x")
    client.force_login(admin)
    return client


TESTER = "/admin/traitement/routingrule/tester/"


def test_changelist_links_to_the_tester(admin_client):
    html = admin_client.get("/admin/traitement/routingrule/").content.decode()
    assert 'id="rule-tester-link"' in html and TESTER in html
    assert "Logement social la nuit → GPIS" in html


def test_tester_by_arrondissement_and_time(admin_client):
    response = admin_client.get(
        TESTER,
        {
            "arrondissement": Arrondissement.objects.get(number=11).pk,
            "moment": "2025-03-14T23:30",
            "category": Category.objects.get(code="bruit-etablissement").pk,
        },
    )
    html = response.content.decode()
    assert 'id="rule-tester-desk">Police municipale — division 11e arrondissement<' in html
    assert "n°130" in html and "règle n°130 : Nuisances de la vie nocturne" in html


def test_tester_by_point_with_social_housing_at_night(admin_client, point_in):
    lat, lon = point_in(19)
    params = {
        "latitude": lat,
        "longitude": lon,
        "category": Category.objects.get(code="hall-occupe").pk,
        "place_type": PlaceType.objects.get(code="logement-social").pk,
    }
    night = admin_client.get(TESTER, {**params, "moment": "2025-03-14T23:30"}).content.decode()
    assert "GPIS — patrouilles de nuit du parc social" in night
    day = admin_client.get(TESTER, {**params, "moment": "2025-03-14T15:00"}).content.decode()
    assert "Commissariat central du 19e arrondissement" in day


def test_tester_explains_bad_input_in_french(admin_client):
    category = Category.objects.get(code="bruit-rue").pk
    outside = admin_client.get(
        TESTER,
        {
            "latitude": 48.861,
            "longitude": 2.443,
            "moment": "2025-03-14T23:30",
            "category": category,
        },
    ).content.decode()
    assert "Ce point est en dehors de Paris." in outside
    nowhere = admin_client.get(
        TESTER, {"moment": "2025-03-14T23:30", "category": category}
    ).content.decode()
    assert "Placez un point (latitude, longitude) ou choisissez un arrondissement." in nowhere


def test_fallback_in_tester(admin_client):
    from traitement.models import RoutingRule

    RoutingRule.objects.update(is_active=False)
    html = admin_client.get(
        TESTER,
        {
            "arrondissement": Arrondissement.objects.get(number=5).pk,
            "moment": "2025-03-14T10:00",
            "category": Category.objects.get(code="point-deal").pk,
        },
    ).content.decode()
    assert "aucune (guichet par défaut)" in html and "pôle doléances" in html


def test_time_window_days_are_checkboxes(admin_client):
    response = admin_client.post(
        "/admin/traitement/timewindow/add/",
        {
            "code": "soiree-semaine",
            "label": "soirées de semaine",
            "starts_at": "19:00",
            "ends_at": "23:00",
            "days": ["0", "1", "2", "3", "4"],
        },
    )
    assert response.status_code == 302
    window = TimeWindow.objects.get(code="soiree-semaine")
    assert window.days == "01234"
    assert window.days_label() == "lundi, mardi, mercredi, jeudi, vendredi"

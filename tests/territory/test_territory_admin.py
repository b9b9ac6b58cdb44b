"""Administration screens of the territory referential."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from territory.models import Arrondissement, Quartier, Sector


@pytest.fixture
def admin(client, paris):
    user = get_user_model().objects.create_superuser("admin-territoire", password="motdepasse-test")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("sector", ["Paris Centre", "Paris 20e"]),
        ("arrondissement", ["Paris 1er arrondissement", "Ménilmontant", "75016,75116"]),
        ("quartier", ["Clignancourt", "7511802"]),
    ],
)
def test_lists(admin, model, expected):
    response = admin.get(reverse(f"admin:territory_{model}_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in expected:
        assert text in page
    assert '"type":"Polygon"' not in page  # outlines are not listed


def test_search(admin):
    page = admin.get(reverse("admin:territory_quartier_changelist"), {"q": "Clignancourt"})
    assert page.context["cl"].result_count == 1
    page = admin.get(reverse("admin:territory_arrondissement_changelist"), {"q": "75116"})
    assert [a.number for a in page.context["cl"].result_list] == [16]
    page = admin.get(reverse("admin:territory_sector_changelist"), {"q": "Louvre"})
    assert [s.code for s in page.context["cl"].result_list] == ["paris-centre"]


def test_sector_list_shows_population_of_its_arrondissements(admin):
    page = admin.get(reverse("admin:territory_sector_changelist"))
    centre = next(s for s in page.context["cl"].result_list if s.code == "paris-centre")
    assert centre.total_population == sum(
        a.population for a in Arrondissement.objects.filter(number__lte=4)
    )


def test_outline_is_shown_shortened_and_read_only(admin):
    quartier = Quartier.objects.get(insee_code="7511802")
    page = admin.get(reverse("admin:territory_quartier_change", args=[quartier.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="geometry"' not in html
    assert quartier.geometry[:60] in html.replace("&quot;", '"')
    assert "caractères" in html


def test_saving_an_arrondissement_keeps_its_outline(admin):
    arrondissement = Arrondissement.objects.get(number=18)
    outline = arrondissement.geometry
    response = admin.post(
        reverse("admin:territory_arrondissement_change", args=[arrondissement.pk]),
        {
            "number": 18,
            "insee_code": "75118",
            "name": "Paris 18e arrondissement",
            "official_name": "Buttes-Montmartre",
            "postal_codes": "75018",
            "population": 183127,
            "sector": Sector.objects.get(code="paris-18").pk,
        },
    )
    assert response.status_code == 302
    arrondissement.refresh_from_db()
    assert arrondissement.geometry == outline

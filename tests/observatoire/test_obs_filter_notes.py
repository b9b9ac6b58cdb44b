"""Reversed dates and unknown filter values are no longer accepted silently (issue 11 §5):
the page still opens, and says in French what it corrected."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observatoire.filter_notes import filter_notes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_store")]


def test_reversed_dates_are_said():
    notes = filter_notes({"du": "2026-05-12", "au": "2026-03-01"})
    assert notes == [
        "La date de début (12 mai 2026) est postérieure à la date de fin (1 mars 2026) : "
        "les deux dates ont été inversées."
    ]


def test_malformed_dates_and_unknown_values_are_said():
    notes = filter_notes(
        {"du": "2026-13-01", "categorie": ["bruit-rue", "licornes"], "secteur": "paris-99"}
    )
    assert "« 2026-13-01 » n'est pas une date de début valide" in notes[0]
    assert "Catégorie inconnu(e), ignoré(e) : « licornes »." in notes
    assert "Secteur inconnu(e), ignoré(e) : « paris-99 »." in notes
    assert not [n for n in notes if "bruit-rue" in n]


def test_clean_filters_say_nothing():
    assert filter_notes({"du": "2026-01-01", "au": "2026-03-31", "canal": "web"}) == []


def test_the_dashboard_shows_the_corrections(client, roles):
    client.force_login(roles["analyst"])
    for name in ("observatoire:dashboard", "observatoire:panels"):
        response = client.get(reverse(name), {"du": "2026-05-12", "au": "2026-03-01", "canal": "x"})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="filtres-corriges"' in html and "les deux dates ont été inversées" in html
        assert "Canal inconnu(e), ignoré(e) : « x »." in html
    html = client.get(reverse("observatoire:dashboard")).content.decode()
    assert 'id="filtres-corriges"' not in html

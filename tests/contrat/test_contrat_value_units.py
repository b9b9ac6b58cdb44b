"""Indicator values are checked against the indicator's unit (issue 11 §6): counts are
non-negative integers, percentages lie within 0–100, other quantities are non-negative; the
errors are in French and nothing is stored. The same rule holds for imported values."""

import pytest

from contrat.choices import ValueKind
from contrat.models import IndicatorValue

pytestmark = pytest.mark.django_db


def enter(client, indicator, value):
    return client.post(
        f"/contrat/indicateurs/{indicator.code}/saisir/",
        {"secteur": "paris", "periode": "2025-01-01", "valeur": value, "source": "CR"},
    )


@pytest.mark.parametrize(
    ("unit", "value", "error"),
    [
        ("réunions", "-5", "La valeur ne peut pas être négative (réunions)."),
        ("réunions", "47,5", "saisissez un nombre entier, sans décimale"),
        ("%", "120", "Un pourcentage est compris entre 0 et 100."),
        ("%", "-1", "Un pourcentage est compris entre 0 et 100."),
        ("jours", "-0,5", "La valeur ne peut pas être négative (jours)."),
    ],
)
def test_values_out_of_the_unit_are_refused(client, pilot, make_indicator, unit, value, error):
    indicator = make_indicator("ind-unite", unit=unit, by_sector=False)
    client.force_login(pilot)
    response = enter(client, indicator, value)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()


@pytest.mark.parametrize(
    ("unit", "value", "stored"),
    [("réunions", "47", 47), ("%", "47,5", 47.5), ("jours", "3,5", 3.5), ("réunions", "0", 0)],
)
def test_values_within_the_unit_are_stored(client, pilot, make_indicator, unit, value, stored):
    indicator = make_indicator("ind-unite", unit=unit, by_sector=False)
    client.force_login(pilot)
    assert enter(client, indicator, value).status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator).value == stored


def test_the_kind_is_deduced_from_the_unit_unless_set(make_indicator):
    assert make_indicator("a", unit="réunions").kind == ValueKind.COUNT
    assert make_indicator("b", unit="%").kind == ValueKind.PERCENT
    assert make_indicator("c", unit="doléances / 1 000 hab.").kind == ValueKind.QUANTITY
    assert make_indicator("d", unit="jours").kind == ValueKind.QUANTITY
    explicit = make_indicator("e", unit="points")
    explicit.value_kind = ValueKind.QUANTITY
    assert explicit.kind == ValueKind.QUANTITY and explicit.value_error(2.5) is None


def test_the_form_says_what_is_expected(client, pilot, make_indicator):
    indicator = make_indicator("ind-unite", unit="réunions", by_sector=False)
    client.force_login(pilot)
    page = client.get(f"/contrat/indicateurs/{indicator.code}/saisir/").content.decode()
    assert "En réunions : nombre entier (0 ou plus)." in page

"""Indicators computed by the observatory follow the complaints by themselves."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from contrat.choices import Direction, IndicatorSource
from contrat.computed import refresh_computed_values
from contrat.models import IndicatorValue
from doleances.bulk import file_complaints
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput, file_complaint
from observatoire import services as observatoire
from territory.models import Sector

PARIS_TZ = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def nightlife_category():
    return Category.objects.filter(
        family__code="vie-nocturne", is_active=True, is_emergency=False
    ).first()


def file_nightlife(count, postal_code="75018", received_at=None):
    result = file_complaints(
        [
            ComplaintInput(
                category=nightlife_category(),
                channel=Channel.WEB,
                description="Musique forte la nuit.",
                postal_code=postal_code,
                received_at=received_at,
            )
            for _ in range(count)
        ]
    )
    assert not result.rejected
    return result.created


@pytest.fixture
def nightlife_indicator(make_indicator):
    return make_indicator(
        "nuit-doleances",
        name="Doléances pour nuisances de la vie nocturne",
        unit="doléances",
        direction=Direction.LOWER_IS_BETTER,
        source=IndicatorSource.COMPUTED,
        measure="complaints_count",
        params={"family": "vie-nocturne"},
        partner=None,
    )


def value_of(indicator, sector_code, year):
    sector = Sector.objects.get(code=sector_code) if sector_code else None
    found = IndicatorValue.objects.filter(
        indicator=indicator, sector=sector, period_start__year=year
    ).first()
    return found.value if found else 0


def test_a_computed_indicator_changes_when_complaints_are_added(nightlife_indicator):
    year = timezone.localdate().year - 1
    during_year = datetime(year, 6, 20, 23, 30, tzinfo=PARIS_TZ)
    observatoire.refresh(full=True)
    refresh_computed_values(year)
    before_18, before_paris = (
        value_of(nightlife_indicator, "paris-18", year),
        value_of(nightlife_indicator, None, year),
    )
    before_11 = value_of(nightlife_indicator, "paris-11", year)

    file_nightlife(3, "75018", during_year)
    file_nightlife(1, "75011", during_year)
    observatoire.refresh()
    stored = refresh_computed_values(year)

    assert stored >= 18  # Paris and the 17 sectors
    assert value_of(nightlife_indicator, "paris-18", year) == before_18 + 3
    assert value_of(nightlife_indicator, "paris-11", year) == before_11 + 1
    assert value_of(nightlife_indicator, None, year) == before_paris + 4
    value = IndicatorValue.objects.get(
        indicator=nightlife_indicator, sector__code="paris-18", period_start__year=year
    )
    assert value.is_computed
    assert value.source_note == "Calculé par l'observatoire (mesure complaints_count)"


def test_the_priority_page_shows_fresh_computed_values_by_itself(
    client, pilot, nightlife_indicator
):
    client.force_login(pilot)
    url = "/contrat/priorites/3.2/?secteur=paris-18"
    client.get(url)  # computes the current values
    year = timezone.localdate().year
    before = value_of(nightlife_indicator, "paris-18", year)

    for _ in range(2):
        file_complaint(
            ComplaintInput(
                category=nightlife_category(),
                channel=Channel.WEB,
                description="Bar bruyant.",
                postal_code="75018",
            )
        )
    observatoire.refresh()  # what the observatory does at most a minute later

    page = client.get(url).content.decode()
    assert value_of(nightlife_indicator, "paris-18", year) == before + 2
    expected = f'<strong class="derniere-valeur">{int(before + 2)}</strong>'
    assert expected in page


def test_refresh_command(nightlife_indicator):
    year = timezone.localdate().year
    file_nightlife(2, "75010")
    observatoire.refresh()
    out = StringIO()
    call_command("contrat", "refresh", "--annee", str(year), stdout=out)
    assert "Indicateurs calculés : 18 valeur(s) à jour." in out.getvalue()
    assert value_of(nightlife_indicator, "paris-10", year) >= 2


def test_a_new_computed_indicator_gets_every_year_on_the_next_page(
    client, pilot, nightlife_indicator, make_indicator
):
    file_nightlife(1, received_at=datetime(2024, 2, 1, 12, tzinfo=PARIS_TZ))
    observatoire.refresh(full=True)
    client.force_login(pilot)
    client.get("/contrat/")
    roads = make_indicator(
        "routes-doleances",
        priority="3.3",
        source=IndicatorSource.COMPUTED,
        measure="complaints_count",
        params={"family": "insecurite-routiere"},
        partner=None,
        by_sector=False,
    )
    client.get("/contrat/")
    years = sorted(
        IndicatorValue.objects.filter(indicator=roads).values_list("period_start__year", flat=True)
    )
    # From the first complaint on (2023 would read "0 complaints" before cpps existed).
    assert years == list(range(2024, min(timezone.localdate().year, 2026) + 1))

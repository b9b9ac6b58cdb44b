"""Example indicators for demo instances: labelled, declined by sector, never in the fixture."""

import json
import time
from datetime import date
from pathlib import Path

import pytest

import contrat
from contrat.choices import IndicatorSource
from contrat.demo import create_demo_indicators
from contrat.models import Action, Indicator, IndicatorTarget, IndicatorValue
from doleances import demo
from doleances.bulk import file_complaints
from doleances.models import Category
from observatoire import services as observatoire

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_complaints(paris):
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    today = date.today()
    arrays = demo.generate(
        1500, seed=5, start=date(today.year - 1, 1, 1), end=today, categories=sorted(categories)
    )
    file_complaints(demo.complaint_inputs(arrays, categories, 5, range(1500)))
    observatoire.refresh(full=True)


def counts():
    return (
        Indicator.objects.count(),
        IndicatorTarget.objects.count(),
        IndicatorValue.objects.count(),
        Action.objects.count(),
    )


def test_demo_indicators_are_examples_declined_by_sector_with_targets(
    demo_complaints, client, pilot
):
    started = time.perf_counter()
    codes = create_demo_indicators()
    seconds = time.perf_counter() - started
    examples = Indicator.objects.filter(code__in=codes)
    assert examples.count() == len(codes) == 10  # 5 from complaints, 4 from orientations
    assert all(i.name.startswith("Exemple — ") and i.by_sector for i in examples)
    computed = examples.filter(source=IndicatorSource.COMPUTED)
    assert computed.count() == 9
    nightlife = Indicator.objects.get(code="exemple-vie-nocturne-1000")
    assert nightlife.measure_params == {"family": "vie-nocturne"}
    this_year = date.today().year
    sectors_with_values = IndicatorValue.objects.filter(
        indicator=nightlife, period_start__year=this_year, sector__isnull=False
    ).count()
    assert sectors_with_values == 17
    assert IndicatorTarget.objects.filter(indicator=nightlife, year=this_year).count() == 18
    manual = examples.get(source=IndicatorSource.MANUAL)
    assert IndicatorValue.objects.filter(indicator=manual, is_computed=False).exists()
    assert seconds < 60

    before = counts()
    create_demo_indicators()
    assert counts() == before  # idempotent

    client.force_login(pilot)
    page = client.get(f"/contrat/comparaison/?indicateur={nightlife.code}").content.decode()
    assert page.count('<tr id="secteur-') == 17
    assert page.count('class="bar ') == 17


def test_the_fixture_holds_no_example():
    fixture = Path(contrat.__file__).parent / "fixtures" / "paris_contract.json"
    text = json.dumps(json.loads(fixture.read_text(encoding="utf-8")), ensure_ascii=False)
    assert "xemple" not in text

"""Indicators from the orientation records: per sector and year, small counts suppressed,
as the contract's computed indicators and in `cpps bilan`; the desks' annual reports."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Desk, Partner
from contrat.choices import Direction, IndicatorSource
from contrat.computed import refresh_computed_values
from contrat.models import Indicator, IndicatorValue, Priority
from territory.models import Arrondissement, Sector
from victimes.indicators import compute, published_share
from victimes.models import OrientationRecord, TaxonomyTerm

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def desks(paris):
    isc = Desk.objects.create(
        partner=Partner.objects.get(code="prefecture-police"),
        code="isc-test-18",
        name="ISC du commissariat du 18e",
    )
    isc.arrondissements.set([Arrondissement.objects.get(number=18)])
    return {"isc": isc, "pav": Desk.objects.get(code="pav-accueil")}


def add(desk, n, age="25-59", referred="police", situation="violences-conjugales", month=3):
    term = TaxonomyTerm.objects.get(code=situation)
    for i in range(n):
        record = OrientationRecord.objects.create(
            day=date(YEAR, month, 1 + i % 28),
            desk=desk,
            role="victime",
            age_band=age,
            referred_by=referred,
        )
        record.situations.set([term])


def test_counts_per_sector_and_year_with_small_counts_suppressed(desks):
    add(desks["isc"], 8)
    add(desks["isc"], 2, age="moins-18", situation="mineur-en-danger", referred="ecole")
    add(desks["pav"], 6, age="75-plus", situation="escroqueries-seniors")
    paris18 = Sector.objects.get(code="paris-18")
    assert compute("orientations_count", year=YEAR) == 16
    assert compute("orientations_count", year=YEAR, sector=paris18) == 10
    assert compute("orientations_count", year=YEAR, sector="paris-5") is None
    assert compute("orientations_count", year=YEAR - 1) is None
    by_situation = {"situation": "mineur-en-danger"}
    assert compute("orientations_count", year=YEAR, params=by_situation) is None
    assert compute("orientations_share_75_plus", year=YEAR) == 37.5
    # 2 minors out of 10 in the 18th: under 5, the share is not published.
    assert compute("orientations_share_minors", year=YEAR, sector=paris18) is None
    # 14 of 16 sent by the police: publishing 87.5 % would give away the other 2.
    police = {"referred_by": "police"}
    assert compute("orientations_share_referred", year=YEAR, params=police) is None
    add(desks["pav"], 5, referred="sante")
    assert compute("orientations_share_referred", year=YEAR, params=police) == 66.7
    with pytest.raises(ValueError):
        compute("inconnue", year=YEAR)


def test_share_suppression_protects_the_complement():
    assert published_share(7, 10) is None  # the other 3 would follow by difference
    assert published_share(5, 10) == 50.0
    assert published_share(0, 0) is None


def test_a_contract_indicator_computed_from_the_records_and_in_the_bilan(desks, tmp_path):
    add(desks["isc"], 9)
    indicator = Indicator(
        code="orientations-test",
        priority=Priority.objects.get(code="2.2"),
        name="Personnes orientées (test)",
        unit="personnes",
        direction=Direction.HIGHER_IS_BETTER,
        source=IndicatorSource.COMPUTED,
        measure="orientations_count",
        by_sector=True,
    )
    indicator.full_clean()
    indicator.save()
    refresh_computed_values(YEAR)
    values = dict(
        IndicatorValue.objects.filter(indicator=indicator).values_list("sector__code", "value")
    )
    assert values == {None: 9.0, "paris-18": 9.0}
    call_command("bilan", "--annee", str(YEAR), "--out", str(tmp_path), "--format", "html")
    html = next(tmp_path.glob("*.html")).read_text()
    assert "Personnes orientées (test)" in html


def test_unknown_measure_is_refused_by_the_contract(paris):
    indicator = Indicator(
        code="x",
        priority=Priority.objects.get(code="2.2"),
        name="x",
        unit="x",
        direction=Direction.HIGHER_IS_BETTER,
        source=IndicatorSource.COMPUTED,
        measure="orientations_inventees",
    )
    with pytest.raises(Exception, match="orientations_count"):
        indicator.full_clean()


def test_annual_report_per_desk_html_and_pdf_with_small_counts_suppressed(desks, tmp_path):
    add(desks["isc"], 12)
    add(desks["isc"], 3, age="75-plus")
    call_command("victimes", "rapport", "--annee", str(YEAR), "--out", str(tmp_path))
    html = (tmp_path / f"rapport-{YEAR}-isc-test-18.html").read_text()
    pdf = (tmp_path / f"rapport-{YEAR}-isc-test-18.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert "Rapport d'activité 2025" in html and "<strong>15</strong>" in html
    assert "&lt; 5" in html  # the three people of 75 or more
    assert ">3<" not in html and ">12<" not in html  # …nor recoverable from 15 − 12
    assert not (tmp_path / f"rapport-{YEAR}-pav-accueil.html").exists()


def test_report_command_errors(paris, tmp_path):
    with pytest.raises(CommandError, match="Guichet inconnu"):
        call_command("victimes", "rapport", "--annee", "2025", "--guichet", "nulle-part")
    with pytest.raises(CommandError, match="Année invalide"):
        call_command("victimes", "rapport", "--annee", "1800")

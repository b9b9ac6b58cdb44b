"""The contract as shipped: what the public synthesis says, and nothing more."""

from contrat.models import Axis, Contract, Indicator, IndicatorValue, Priority


def test_the_paris_contract_and_its_17_arrondissement_contracts(paris):
    cpps = Contract.objects.get(code="cpps-2023-2026")
    assert (cpps.start_year, cpps.end_year) == (2023, 2026)
    assert sorted(cpps.signatories.values_list("code", flat=True)) == [
        "academie-paris",
        "parquet-paris",
        "prefecture-police",
        "prefecture-region",
        "ville-paris",
    ]
    local = cpps.local_contracts.select_related("sector")
    assert local.count() == 17
    assert {c.sector.code for c in local} >= {"paris-centre", "paris-18", "paris-20"}


def test_three_axes_and_the_priorities_of_the_synthesis_with_their_numbers(paris):
    axes = list(Axis.objects.filter(contract__code="cpps-2023-2026").order_by("number"))
    assert [a.number for a in axes] == [1, 2, 3]
    assert axes[0].title == "Les jeunes, agir plus tôt et aller plus loin dans la prévention"
    assert axes[2].title == "Améliorer la tranquillité publique"
    codes = list(Priority.objects.values_list("code", flat=True))
    assert codes == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
    ]
    assert Priority.objects.get(code="1.2").title == "Prévenir et lutter contre les rixes"
    assert Priority.objects.get(code="3.2").axis.number == 3


def test_social_workers_in_commissariats_14_in_2024_with_its_source(paris):
    indicator = Indicator.objects.get(code="isc-effectif")
    assert indicator.priority.code == "2.1"
    value = IndicatorValue.objects.get(indicator=indicator)
    assert (value.period_start.year, value.value, value.sector) == (2024, 14, None)
    assert "Synthèse publique du CPPS 2023-2026" in value.source_note
    assert "14 en 2024" in value.source_note
    assert not value.is_computed

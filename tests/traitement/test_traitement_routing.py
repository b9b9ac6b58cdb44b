"""The Paris routing table: each default lands on the expected desk, and says why."""

from datetime import time

import pytest

from accounts.models import Desk
from doleances.bulk import file_complaints
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput
from territory.models import Arrondissement, Sector
from tests.traitement.conftest import paris_time
from traitement import services
from traitement.models import Case, RoutingRule, TimeWindow
from traitement.routing import RoutingTable

FRIDAY_NIGHT = paris_time(2025, 3, 14, 23, 30)
FRIDAY_AFTERNOON = paris_time(2025, 3, 14, 15, 0)


def desk_of(complaint) -> str:
    return Case.objects.get(pk=complaint.pk).desk.code


@pytest.mark.parametrize(
    "category, arrondissement, expected",
    [
        ("violence-en-cours", 18, "pp-cmt-18"),
        ("vol-agression", 5, "pp-cmt-05"),
        ("point-deal", 19, "pp-cmt-19"),
        ("rassemblements-rixes", 20, "pp-cmt-20"),
        ("hall-occupe", 19, "pp-cmt-19"),
        ("vss-nuit", 11, "pp-cmt-11"),
        ("rodeos", 13, "pp-cmt-13"),
        ("bruit-etablissement", 11, "pm-11"),
        ("bruit-rue", 2, "pm-centre"),
        ("conduites-risque", 10, "pm-10"),
        ("vente-sauvette", 18, "pm-18"),
        ("megots", 6, "pm-06"),
        ("graffitis", 20, "pm-20"),
        ("velos-trottoir", 15, "pm-15"),
        ("deux-roues-motorises", 8, "pm-08"),
        ("danger-pietons", 12, "pm-12"),
        ("personnes-a-la-rue", 10, "ville-solidarites"),
        ("personne-agee-danger", 16, "ville-solidarites"),
        ("voirie", 14, "ville-voirie"),
        ("eclairage", 3, "ville-voirie"),
        ("chantiers", 17, "ville-voirie"),
        ("proprete-autre", 9, "ville-proprete"),
        ("espaces-verts", 7, "ville-espaces-verts"),
        ("vehicules-abandonnes", 12, "ville-doleances"),
        ("autre-espace-public", 1, "ville-doleances"),
    ],
)
def test_paris_defaults(file_at, category, arrondissement, expected):
    complaint = file_at(category, arrondissement=arrondissement, occurred_at=FRIDAY_AFTERNOON)
    assert desk_of(complaint) == expected


def test_the_reason_names_rule_criteria_place_and_desk(file_at):
    complaint = file_at("bruit-etablissement", arrondissement=11, occurred_at=FRIDAY_NIGHT)
    case = Case.objects.get(pk=complaint.pk)
    assert case.routing_rule.order == 130
    assert case.routing_reason == (
        "règle n°130 : Nuisances de la vie nocturne, Paris 11e arrondissement → "
        "Police municipale — division 11e arrondissement"
    )
    event = case.events.get()
    assert event.comment == case.routing_reason and event.to_desk == case.desk


def test_dumping_goes_to_police_municipale_with_cleanliness_in_copy(file_at):
    complaint = file_at("depots-sauvages", arrondissement=18)
    case = Case.objects.get(pk=complaint.pk)
    assert case.desk.code == "pm-18"
    assert [d.code for d in case.copy_desks.all()] == ["ville-proprete"]
    assert "(copie : Ville de Paris — Direction de la propreté et de l'eau)" in case.routing_reason


@pytest.mark.parametrize(
    "occurred_at, expected",
    [
        (FRIDAY_NIGHT, "gpis-nuit"),
        (paris_time(2025, 3, 15, 5, 30), "gpis-nuit"),  # still the night
        (paris_time(2025, 3, 15, 6, 0), "pp-cmt-19"),  # morning
        (FRIDAY_AFTERNOON, "pp-cmt-19"),
        (paris_time(2025, 3, 14, 22, 0), "gpis-nuit"),
    ],
)
def test_social_housing_at_night_goes_to_gpis(file_at, occurred_at, expected):
    complaint = file_at("hall-occupe", arrondissement=19, occurred_at=occurred_at)
    services.set_place_type(complaint, "logement-social")
    assert desk_of(complaint) == expected


def test_night_noise_in_social_housing_goes_to_gpis_but_dealing_stays_with_police(file_at):
    noise = file_at("bruit-rue", arrondissement=20, occurred_at=FRIDAY_NIGHT)
    deal = file_at("point-deal", arrondissement=20, occurred_at=FRIDAY_NIGHT)
    for complaint in (noise, deal):
        services.set_place_type(complaint, "logement-social")
    assert desk_of(noise) == "gpis-nuit"
    assert desk_of(deal) == "pp-cmt-20"
    case = Case.objects.get(pk=noise.pk)
    assert case.place_type.code == "logement-social"
    assert "Logement social" not in case.routing_reason  # the place type label is used
    assert "Résidence de logement social" in case.routing_reason
    # The first routing and the re-routing with the place type are both in the history.
    assert [e.to_desk.code for e in case.events.order_by("pk")] == ["pm-20", "gpis-nuit"]


def test_unknown_place_type_is_refused_in_french(file_at):
    from doleances.services import IntakeError

    complaint = file_at("bruit-rue")
    with pytest.raises(IntakeError) as error:
        services.set_place_type(complaint, "chateau")
    assert error.value.errors == {"place_type": ["Type de lieu inconnu : chateau."]}


def test_weekend_window_counts_a_night_in_the_day_it_starts(paris):
    window = TimeWindow.objects.get(code="nuits-week-end")  # Friday and Saturday nights
    assert window.contains(paris_time(2025, 3, 14, 23, 0))  # Friday 23:00
    assert window.contains(paris_time(2025, 3, 15, 2, 0))  # Friday night, Saturday 02:00
    assert window.contains(paris_time(2025, 3, 16, 2, 0))  # Saturday night, Sunday 02:00
    assert not window.contains(paris_time(2025, 3, 16, 23, 0))  # Sunday evening
    assert not window.contains(paris_time(2025, 3, 17, 2, 0))  # Sunday night
    assert not window.contains(paris_time(2025, 3, 15, 12, 0))  # Saturday noon
    weekend = TimeWindow.objects.get(code="week-end")
    assert weekend.contains(paris_time(2025, 3, 15, 12, 0))
    assert not weekend.contains(FRIDAY_NIGHT)


def test_a_weekend_rule_applies_on_weekends_only(file_at):
    """An administrator adds: weekend nightlife noise in the 11th → the commissariat."""
    rule = RoutingRule.objects.create(
        order=5,
        name="Bruit le week-end",
        category=Category.objects.get(code="bruit-etablissement"),
        time_window=TimeWindow.objects.get(code="week-end"),
        desk=Desk.objects.get(code="pp-cmt-11"),
    )
    rule.arrondissements.set(Arrondissement.objects.filter(number=11))
    saturday = file_at(
        "bruit-etablissement", arrondissement=11, occurred_at=paris_time(2025, 3, 15, 16)
    )
    friday = file_at("bruit-etablissement", arrondissement=11, occurred_at=FRIDAY_AFTERNOON)
    elsewhere = file_at(
        "bruit-etablissement", arrondissement=12, occurred_at=paris_time(2025, 3, 15, 16)
    )
    assert desk_of(saturday) == "pp-cmt-11"
    assert "week-end (samedi et dimanche)" in Case.objects.get(pk=saturday.pk).routing_reason
    assert desk_of(friday) == "pm-11"
    assert desk_of(elsewhere) == "pm-12"


def test_a_sector_rule_covers_its_arrondissements(file_at):
    rule = RoutingRule.objects.create(
        order=6,
        category=Category.objects.get(code="megots"),
        desk=Desk.objects.get(code="ville-proprete"),
    )
    rule.sectors.set(Sector.objects.filter(code="paris-centre"))
    assert desk_of(file_at("megots", arrondissement=3)) == "ville-proprete"
    assert desk_of(file_at("megots", arrondissement=5)) == "pm-05"


def test_rule_to_an_inactive_desk_is_skipped(file_at):
    voirie = Desk.objects.get(code="ville-voirie")
    voirie.is_active = False
    voirie.save()
    complaint = file_at("voirie", arrondissement=14)
    assert desk_of(complaint) == "ville-doleances"
    assert Case.objects.get(pk=complaint.pk).routing_rule.order == 89


def test_fallback_desk_when_no_rule_applies(file_at):
    RoutingRule.objects.update(is_active=False)
    complaint = file_at("point-deal", arrondissement=18)
    case = Case.objects.get(pk=complaint.pk)
    assert case.desk.code == "ville-doleances"
    assert case.routing_rule is None
    assert case.routing_reason.startswith("aucune règle ne s'applique →")


def test_the_table_is_pure_python_once_loaded(paris, django_assert_num_queries):
    table = RoutingTable.load()
    arrondissement = Arrondissement.objects.get(number=11)
    category = Category.objects.get(code="bruit-rue")
    with django_assert_num_queries(0):
        for hour in range(24):
            decision = table.route(
                category_id=category.pk,
                arrondissement_id=arrondissement.pk,
                moment=paris_time(2025, 3, 14, hour),
            )
            assert decision.desk.code == "pm-11"


def test_bulk_intake_routes_a_batch_in_a_few_queries(
    paris, point_in, django_assert_max_num_queries
):
    categories = {c.code: c for c in Category.objects.all()}
    items = []
    for i in range(60):
        code = ["bruit-rue", "point-deal", "depots-sauvages", "voirie"][i % 4]
        lat, lon = point_in(1 + i % 20)
        items.append(
            ComplaintInput(
                category=categories[code],
                channel=Channel.IMPORT,
                latitude=lat,
                longitude=lon,
                source="test",
                external_id=f"lot-{i}",
            )
        )
    with django_assert_max_num_queries(40):
        result = file_complaints(items)
    assert len(result.created) == 60
    cases = {
        c.pk: c
        for c in Case.objects.select_related("desk").filter(pk__in=[c.pk for c in result.created])
    }
    assert len(cases) == 60
    by_code = {}
    for complaint in result.created:
        by_code.setdefault(complaint.category.code, set()).add(
            cases[complaint.pk].desk.partner.code
        )
    assert by_code == {
        "bruit-rue": {"police-municipale"},
        "point-deal": {"prefecture-police"},
        "depots-sauvages": {"police-municipale"},
        "voirie": {"ville-paris"},
    }
    dumping = [c for c in result.created if c.category.code == "depots-sauvages"]
    assert all(
        [d.code for d in cases[c.pk].copy_desks.all()] == ["ville-proprete"] for c in dumping
    )


def test_time_window_validation_is_in_french(paris):
    from django.core.exceptions import ValidationError

    window = TimeWindow(code="x", label="x", starts_at=time(1), ends_at=time(2), days="")
    with pytest.raises(ValidationError) as error:
        window.full_clean()
    assert "Choisissez au moins un jour de la semaine." in str(error.value)
    rule = RoutingRule(order=999)
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "Indiquez soit un guichet destinataire, soit un partenaire" in str(error.value)

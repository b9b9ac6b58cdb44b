"""The register: entry by scoped partners (web, API, CSV import), retention."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.choices import Role
from prevention.models import Event, MonthlyCount
from prevention.register import reduce_old_events, retention_cutoff
from tests.prevention.conftest import make_event, q, quartier_code

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {
        "kind": "rixe",
        "day": (date.today() - timedelta(days=1)).isoformat(),
        "slot": "9",
        "quartier": quartier_code(18),
        "territories": [q(18), q(19)],
        "size_band": "6-15",
        "weapon": "couteau",
        "injured_band": "1",
        "minors_involved": "oui",
        "near_school": "non",
        "follow_up": "police",
    }
    data.update(extra)
    return data


def test_a_partner_records_an_event_in_its_territory(client, territories, mediator18):
    client.force_login(mediator18)
    response = client.post(reverse("prevention:events"), form_data())
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.reporting_partner.code == "ville-paris"
    assert {t.code for t in event.territories.all()} == {q(18), q(19)}


def test_a_partner_cannot_record_outside_its_territory(client, territories, mediator13):
    client.force_login(mediator13)
    response = client.post(reverse("prevention:events"), form_data())
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_bad_input_gets_french_errors_and_nothing_is_stored(client, territories, mediator18):
    client.force_login(mediator18)
    data = form_data(day="2999-01-01", weapon="bazooka", quartier="")
    response = client.post(reverse("prevention:events"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "futur" in body and "Sélectionnez un choix valide" in body
    assert not Event.objects.exists()


def test_an_h3_cell_places_the_event_in_its_quartier(client, territories, mediator18):
    import h3

    from territory.models import Quartier

    cell = h3.latlng_to_cell(48.8925, 2.3444, 9)
    client.force_login(mediator18)
    response = client.post(reverse("prevention:events"), form_data(quartier="", h3_r9=cell))
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.h3_r9 == cell
    assert event.quartier == Quartier.objects.get(insee_code=event.quartier.insee_code)
    assert event.quartier.arrondissement.number == 18


@pytest.mark.parametrize("role", [Role.ANALYST, Role.CONTRACT_PILOT, Role.CASE_AGENT])
def test_other_roles_cannot_see_or_enter_events(client, territories, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("prevention:events")).status_code == 403
    assert client.post(reverse("prevention:events"), form_data()).status_code == 403


def test_a_coordinator_reads_its_sector_but_cannot_enter(client, territories, make_user):
    make_event([q(18), q(19)], date.today())
    make_event([q(13), q(14)], date.today(), arrondissement=13)
    coordinator = make_user(Role.CSPA_COORDINATOR, sector="paris-18")
    client.force_login(coordinator)
    response = client.get(reverse("prevention:events"))
    assert response.status_code == 200
    assert response.context["events"].count() == 1
    assert client.post(reverse("prevention:events"), form_data()).status_code == 403


CSV_HEADER = (
    "identifiant;nature;jour;tranche;quartier;h3;territoires;effectif;armes;blesses;mineurs;"
    "abords_ecole;suite\n"
)


def csv_line(key, day="2026-01-10", weapon="aucune", quartier=None):
    quartier = quartier or quartier_code(18)
    return (
        f"{key};rixe;{day};10;{quartier};;{q(18)}|{q(19)};16-30;{weapon};0;inconnu;oui;mediation\n"
    )


def test_csv_import_is_idempotent_with_french_errors_per_line(client, territories, mediator18):
    content = CSV_HEADER + csv_line("A1") + csv_line("A2", weapon="lance") + csv_line("A3")
    client.force_login(mediator18)
    for _round in range(2):
        upload = _upload(content)
        response = client.post(reverse("prevention:events-import"), {"fichier": upload})
        assert response.status_code == 400
        errors = response.context["report"].errors
        assert errors == [
            "Ligne 3, colonne « armes » : Sélectionnez un choix valide. lance n’en fait pas partie."
        ]
    assert Event.objects.count() == 2
    assert response.context["report"].updated == 2


def test_csv_import_refuses_unknown_columns(client, territories, mediator18):
    content = CSV_HEADER.strip() + ";commentaire\n" + csv_line("A1").strip() + ";Karim 16 ans\n"
    client.force_login(mediator18)
    response = client.post(reverse("prevention:events-import"), {"fichier": _upload(content)})
    assert response.status_code == 400
    assert "Colonnes inconnues" in response.context["report"].errors[0]
    assert not Event.objects.exists()


def test_csv_import_refuses_lines_outside_the_territory(client, territories, mediator18):
    content = CSV_HEADER + csv_line("B1", quartier=quartier_code(13))
    client.force_login(mediator18)
    response = client.post(reverse("prevention:events-import"), {"fichier": _upload(content)})
    assert (
        "Ligne 2 : Ce quartier n'est pas dans votre territoire."
        in response.context["report"].errors
    )
    assert not Event.objects.exists()


def _upload(content: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("registre.csv", content.encode(), content_type="text/csv")


def test_api_refuses_unknown_fields(client, territories, mediator18):
    token = Token.objects.create(user=mediator18)
    url = reverse("prevention:api-events")
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    data = form_data()
    bad = {**data, "nom": "X", "age": 15}
    response = client.post(url, bad, content_type="application/json", **headers)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"nom", "age"}
    assert not Event.objects.exists()
    response = client.post(url, data, content_type="application/json", **headers)
    assert response.status_code == 201
    assert client.get(url, **headers).json()["results"][0]["weapon"] == "couteau"


def test_api_refuses_roles_without_the_register(client, territories, make_user):
    token = Token.objects.create(user=make_user(Role.ANALYST))
    response = client.get(reverse("prevention:api-events"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403


@override_settings(CPPS_PREVENTION_RETENTION_MOIS=24)
def test_retention_with_a_moving_clock(territories):
    """Events older than the retention period become monthly counts, then disappear."""
    make_event([q(18), q(19)], date(2024, 1, 10))
    make_event([q(18), q(19)], date(2024, 1, 20), kind="tension")
    make_event([q(18), q(20)], date(2024, 2, 5))
    make_event([q(18), q(19)], date(2025, 6, 1))
    assert retention_cutoff(date(2026, 1, 31)) == date(2024, 1, 31)
    # On 31 January 2026 the January 2024 events go, February's stay.
    assert reduce_old_events(today=date(2026, 1, 31)) == 2
    assert Event.objects.count() == 2
    counts = {(c.territory.code, c.kind): c.count for c in MonthlyCount.objects.all()}
    assert counts == {
        (q(18), "rixe"): 1,
        (q(19), "rixe"): 1,
        (q(18), "tension"): 1,
        (q(19), "tension"): 1,
    }
    # A month later February 2024 goes too; running twice changes nothing.
    assert reduce_old_events(today=date(2026, 3, 1)) == 1
    assert reduce_old_events(today=date(2026, 3, 1)) == 0
    assert MonthlyCount.objects.filter(month=date(2024, 2, 1)).count() == 2
    assert Event.objects.get().day == date(2025, 6, 1)


@override_settings(CPPS_PREVENTION_RETENTION_MOIS=6)
def test_retention_follows_the_setting(territories):
    make_event([q(18), q(19)], date(2025, 6, 1))
    assert reduce_old_events(today=date(2025, 12, 1)) == 0
    assert reduce_old_events(today=date(2025, 12, 2)) == 1


def test_retention_command(territories):
    from io import StringIO

    from django.core.management import call_command

    make_event([q(18), q(19)], date(2020, 5, 1))
    out = StringIO()
    call_command("prevention_retention", "--date", "2026-01-15", stdout=out)
    assert "1 événement(s) antérieur(s) au 15/01/2024" in out.getvalue()
    assert not Event.objects.exists()
    with pytest.raises(Exception, match="Date invalide"):
        call_command("prevention_retention", "--date", "hier")

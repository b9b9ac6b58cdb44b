"""The back office where administrators enter what the public synthesis does not give."""

import pytest

from accounts.choices import Role
from contrat.models import Action, Decision, Indicator, Priority

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "contract",
    "axis",
    "priority",
    "action",
    "decision",
    "indicator",
    "indicatorvalue",
    "computedrefresh",
]


def test_every_contract_table_has_its_admin_pages(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    for model in CHANGELISTS:
        assert client.get(f"/admin/contrat/{model}/").status_code == 200, model
    for model in CHANGELISTS[:-1]:
        assert client.get(f"/admin/contrat/{model}/add/").status_code == 200, model
    priority = Priority.objects.get(code="2.1")
    assert client.get(f"/admin/contrat/priority/{priority.pk}/change/").status_code == 200


def test_an_action_added_without_number_is_numbered(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    priority = Priority.objects.get(code="3.4")
    response = client.post(
        "/admin/contrat/action/add/",
        {"priority": priority.pk, "code": "", "title": "Opérations mégots", "status": "planned"},
    )
    assert response.status_code == 302
    assert Action.objects.get(title="Opérations mégots").code == "3.4.1"


def test_a_decision_is_recorded_under_the_administrators_name(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post(
        "/admin/contrat/decision/add/",
        {
            "priority": Priority.objects.get(code="1.2").pk,
            "date": "2026-03-02",
            "body": "Comité de pilotage",
            "text": "Étendre la cellule de veille.",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.get().recorded_by == admin


def test_a_computed_indicator_needs_a_known_measure(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    data = {
        "priority": Priority.objects.get(code="3.2").pk,
        "code": "nuit",
        "name": "Nuisances nocturnes",
        "unit": "doléances",
        "direction": "down",
        "frequency": "yearly",
        "source": "computed",
        "measure": "nombre_de_plaintes",
        "measure_params": "{}",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/contrat/indicator/add/", data)
    assert response.status_code == 200
    assert "Mesure inconnue. Mesures possibles : complaints_count" in response.content.decode()
    data["measure"] = "complaints_per_1000"
    assert client.post("/admin/contrat/indicator/add/", data).status_code == 302
    assert Indicator.objects.get(code="nuit").is_computed


def test_the_admin_is_for_administrators_only(client, pilot):
    client.force_login(pilot)
    assert client.get("/admin/contrat/indicator/").status_code == 302

"""Who may enter which indicator value, both ways; who may read the steering pages."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from accounts.choices import AuditAction, Role
from accounts.models import AuditEvent
from contrat.choices import IndicatorSource
from contrat.models import IndicatorValue
from contrat.services import record_value
from territory.models import Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(make_indicator):
    """Declined by sector, entered by the Ville de Paris."""
    return make_indicator("reunions-veille", priority="1.2", partner="ville-paris")


def form_url(indicator):
    return f"/contrat/indicateurs/{indicator.code}/saisir/"


def enter(client, indicator, sector="paris", period="2025-01-01", value="12"):
    return client.post(
        form_url(indicator),
        {"secteur": sector, "periode": period, "valeur": value, "source": "Compte rendu"},
    )


def stored(indicator, sector_code=None):
    values = IndicatorValue.objects.filter(indicator=indicator)
    if sector_code:
        return values.filter(sector__code=sector_code).first()
    return values.filter(sector__isnull=True).first()


def test_a_coordinator_enters_their_own_sector_only(client, make_user, meetings):
    coordinator = make_user(Role.CSPA_COORDINATOR, sector="paris-18")
    client.force_login(coordinator)
    form = client.get(form_url(meetings)).content.decode()
    assert '<option value="paris-18"' in form
    assert '<option value="paris-19"' not in form and '<option value="paris"' not in form

    response = enter(client, meetings, sector="paris-18")
    assert response.status_code == 302
    assert response["Location"] == "/contrat/priorites/1.2/?secteur=paris-18"
    value = stored(meetings, "paris-18")
    assert value.value == 12
    assert value.entered_by == coordinator and value.entered_at.date() == date.today()
    assert value.source_note == "Compte rendu" and not value.is_computed
    event = AuditEvent.objects.get(actor=coordinator, action=AuditAction.OTHER)
    assert event.details["indicator"] == "reunions-veille"
    assert event.details["sector"] == "paris-18"
    assert event.details["value"] == 12

    for other in ("paris-19", "paris"):
        response = enter(client, meetings, sector=other, value="99")
        assert response.status_code == 400
        assert "Sélectionnez un choix valide" in response.content.decode()
    assert not IndicatorValue.objects.filter(value=99).exists()
    with pytest.raises(PermissionDenied):
        record_value(
            coordinator,
            meetings,
            sector=Sector.objects.get(code="paris-19"),
            period_start=date(2025, 1, 1),
            value=99,
        )


def test_another_sectors_coordinator_cannot_touch_the_18th(client, make_user, meetings):
    client.force_login(make_user(Role.CSPA_COORDINATOR, sector="paris-19"))
    assert enter(client, meetings, sector="paris-18").status_code == 400
    assert stored(meetings, "paris-18") is None
    assert enter(client, meetings, sector="paris-19").status_code == 302
    assert stored(meetings, "paris-19").value == 12


def test_a_coordinator_cannot_enter_an_indicator_not_declined_by_sector(
    client, make_user, make_indicator
):
    paris_only = make_indicator("paris-seulement", by_sector=False)
    client.force_login(make_user(Role.CSPA_COORDINATOR, sector="paris-18"))
    assert client.get(form_url(paris_only)).status_code == 403
    assert enter(client, paris_only).status_code == 403


def test_a_partner_enters_the_indicators_it_is_responsible_for_only(
    client, make_user, make_indicator, meetings
):
    patrols = make_indicator("patrouilles-nuit", priority="3.2", partner="police-municipale")
    supervisor = make_user(Role.DESK_SUPERVISOR, desk="pm-18")  # Police municipale parisienne
    client.force_login(supervisor)
    assert enter(client, patrols, sector="paris").status_code == 302
    assert enter(client, patrols, sector="paris-12").status_code == 302  # any sector
    assert stored(patrols).entered_by == supervisor
    assert stored(patrols, "paris-12").value == 12

    assert client.get(form_url(meetings)).status_code == 403  # the Ville's indicator
    assert enter(client, meetings).status_code == 403
    assert not IndicatorValue.objects.filter(indicator=meetings).exists()


def test_victim_support_enters_its_associations_indicators(
    client, make_user, make_indicator, meetings
):
    orientations = make_indicator(
        "orientations-victimes", priority="2.2", partner="paris-aide-victimes", by_sector=False
    )
    client.force_login(make_user(Role.VICTIM_SUPPORT, partner="paris-aide-victimes"))
    assert enter(client, orientations).status_code == 302
    assert enter(client, meetings).status_code == 403


@pytest.mark.parametrize("role", [Role.CASE_AGENT, Role.ANALYST])
def test_read_only_roles_enter_nothing(client, make_user, meetings, role):
    client.force_login(make_user(role, desk="pm-18" if role == Role.CASE_AGENT else None))
    assert client.get("/contrat/priorites/1.2/").status_code == 200
    assert "Saisir une valeur" not in client.get("/contrat/priorites/1.2/").content.decode()
    assert client.get(form_url(meetings)).status_code == 403
    assert enter(client, meetings).status_code == 403


def test_pilots_enter_every_scope_and_see_the_link(client, pilot, meetings):
    client.force_login(pilot)
    page = client.get("/contrat/priorites/1.2/?secteur=paris-18").content.decode()
    assert 'href="/contrat/indicateurs/reunions-veille/saisir/?secteur=paris-18"' in page
    form = client.get(form_url(meetings) + "?secteur=paris-18").content.decode()
    assert '<option value="paris">Paris (tout le contrat)</option>' in form
    assert '<option value="paris-18" selected>' in form
    assert enter(client, meetings, sector="paris").status_code == 302
    assert enter(client, meetings, sector="paris-20", value="3").status_code == 302
    assert stored(meetings).value == 12 and stored(meetings, "paris-20").value == 3


def test_a_second_entry_for_the_same_period_replaces_the_first(client, pilot, meetings):
    client.force_login(pilot)
    enter(client, meetings, value="10")
    enter(client, meetings, value="11")
    assert [v.value for v in IndicatorValue.objects.filter(indicator=meetings)] == [11]
    previous = AuditEvent.objects.filter(actor=pilot, action=AuditAction.OTHER).first()
    assert previous.details["previous"] == 10


def test_bad_values_get_french_errors(client, pilot, meetings):
    client.force_login(pilot)
    response = enter(client, meetings, value="beaucoup")
    assert response.status_code == 400
    assert "Saisissez un nombre." in response.content.decode()
    response = enter(client, meetings, period="2031-01-01")
    assert response.status_code == 400
    assert not IndicatorValue.objects.filter(indicator=meetings).exists()


def test_computed_indicators_cannot_be_entered_by_hand(client, pilot, make_indicator):
    computed = make_indicator(
        "nuit-calcule",
        source=IndicatorSource.COMPUTED,
        measure="complaints_count",
        params={"family": "vie-nocturne"},
        partner=None,
    )
    client.force_login(pilot)
    response = client.get(form_url(computed))
    assert response.status_code == 403
    assert "est calculé automatiquement par l'observatoire" in response.content.decode()
    assert enter(client, computed).status_code == 403
    assert not IndicatorValue.objects.filter(indicator=computed, is_computed=False).exists()
    with pytest.raises(PermissionDenied):
        record_value(pilot, computed, sector=None, period_start=date(2025, 1, 1), value=1)


@pytest.mark.parametrize(
    "url",
    [
        "/contrat/",
        "/contrat/secteurs/paris-18/",
        "/contrat/priorites/2.1/",
        "/contrat/comparaison/",
        "/contrat/indicateurs/isc-effectif/saisir/",
        "/contrat/export.xlsx",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, paris, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/connexion/?next=")


def test_an_account_without_a_role_is_refused(client, paris):
    user = get_user_model().objects.create_user("sans-role", password="motdepasse-test")
    client.force_login(user)
    assert client.get("/contrat/").status_code == 403

"""The main navigation shows each staff role the sections it may open, and no others."""

import pytest
from django.contrib.auth import get_user_model

from accounts.choices import Role
from accounts.models import Desk, Profile
from territory.models import Sector

SECTIONS = {
    "Dossiers": "/traitement/",
    "Observatoire": "/observatoire/",
    "Pilotage du contrat": "/contrat/",
    "Journal d'audit": "/comptes/audit/",
    "Orientations": "/victimes/orientations/",
    "Où l'aide manque": "/victimes/manques/",
    "Signalements transmis": "/victimes/dossiers/",
}

EXPECTED = {
    Role.CASE_AGENT: {"Dossiers", "Pilotage du contrat"},
    Role.DESK_SUPERVISOR: {"Dossiers", "Pilotage du contrat"},
    Role.ANALYST: {"Observatoire", "Pilotage du contrat", "Où l'aide manque"},
    Role.CSPA_COORDINATOR: {"Observatoire", "Pilotage du contrat", "Où l'aide manque"},
    Role.CONTRACT_PILOT: {"Observatoire", "Pilotage du contrat", "Où l'aide manque"},
    Role.VICTIM_SUPPORT: {"Pilotage du contrat", "Orientations", "Signalements transmis"},
    Role.ADMINISTRATOR: {
        "Dossiers",
        "Observatoire",
        "Pilotage du contrat",
        "Journal d'audit",
        "Orientations",
    },
}


def make_user(role):
    user = get_user_model().objects.create_user(f"nav-{role}", password="x")
    desk = (
        Desk.objects.get(code="pm-centre")
        if role in {Role.CASE_AGENT, Role.DESK_SUPERVISOR}
        else None
    )
    Profile.objects.create(
        user=user,
        role=role,
        desk=desk,
        partner=desk.partner if desk else None,
        sector=Sector.objects.get(code="paris-18") if role == Role.CSPA_COORDINATOR else None,
    )
    if role == Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = True
        user.save()
    return user


@pytest.mark.parametrize("role", list(EXPECTED))
def test_navigation_links_follow_the_role(client, paris, role):
    client.force_login(make_user(role))
    page = client.get("/").content.decode()
    shown = {label for label, url in SECTIONS.items() if f'href="{url}' in page}
    assert shown == EXPECTED[role]


def test_coordinator_is_sent_to_their_sector_dashboard(client, paris):
    client.force_login(make_user(Role.CSPA_COORDINATOR))
    assert 'href="/observatoire/secteurs/paris-18/"' in client.get("/").content.decode()


def test_anonymous_visitor_sees_no_staff_section(client, paris):
    page = client.get("/").content.decode()
    assert not any(f'href="{url}"' in page for url in SECTIONS.values())
    assert "Espace partenaires" in page

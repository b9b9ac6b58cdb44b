"""Demo accounts, one per role, created by `cpps demo` so a newcomer can try every screen."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.choices import Role
from accounts.models import Desk, Partner, Profile
from territory.models import Arrondissement, Sector

DEMO_PASSWORD = "demo-cpps"  # noqa: S105 — shown on the home page of demo instances only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    desk_code: str = ""
    sector_code: str = ""
    partner_code: str = ""
    arrondissements: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return Role(self.role).label


DEMO_ACCOUNTS = [
    DemoAccount("agent.pm.centre", Role.CASE_AGENT, desk_code="pm-centre"),
    DemoAccount("agent.commissariat18", Role.CASE_AGENT, desk_code="pp-cmt-18"),
    DemoAccount("superviseur.pm.centre", Role.DESK_SUPERVISOR, desk_code="pm-centre"),
    DemoAccount("analyste", Role.ANALYST),
    DemoAccount("coordination.paris18", Role.CSPA_COORDINATOR, sector_code="paris-18"),
    DemoAccount("pilote", Role.CONTRACT_PILOT),
    DemoAccount("aide.victimes", Role.VICTIM_SUPPORT, desk_code="pav-accueil"),
    DemoAccount("admin", Role.ADMINISTRATOR),
    DemoAccount(
        "mediation.paris18",
        Role.PREVENTION_PARTNER,
        partner_code="ville-paris",
        arrondissements=(18, 19),
    ),
    DemoAccount(
        "police.paris18",
        Role.PREVENTION_PARTNER,
        partner_code="police-municipale",
        arrondissements=(18,),
    ),
]


@transaction.atomic
def create_demo_accounts() -> list[str]:
    """Create (or reset) the demo accounts; desks and sectors are attached when they exist."""
    user_model = get_user_model()
    created = []
    for account in DEMO_ACCOUNTS:
        user, _ = user_model.objects.get_or_create(username=account.username)
        user.set_password(DEMO_PASSWORD)
        user.is_staff = account.role == Role.ADMINISTRATOR
        user.is_superuser = account.role == Role.ADMINISTRATOR
        user.save()
        desk = Desk.objects.filter(code=account.desk_code).first() if account.desk_code else None
        partner = Partner.objects.filter(code=account.partner_code).first()
        profile, _created = Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": account.role,
                "desk": desk,
                "partner": desk.partner if desk else partner,
                "sector": Sector.objects.filter(code=account.sector_code).first()
                if account.sector_code
                else None,
            },
        )
        profile.arrondissements.set(
            Arrondissement.objects.filter(number__in=account.arrondissements)
        )
        created.append(account.username)
    return created

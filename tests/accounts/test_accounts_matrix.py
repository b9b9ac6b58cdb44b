"""Role × page matrix: what each role gets on every page (HTTP status), as a data table.

To add a page, append a `Page` to PAGES. `args`/`kwargs` (of `reverse`) and `data` (of a POST)
may be functions of the `world` (users per
role, a complaint in the 18th — the desk of the agents — and one in Paris Centre, reached by
guessing its URL). `expect` maps each role to a status; `everyone`/`only` build the usual
rows. Anonymous visitors of a protected page are sent to the login page (302).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Desk
from accounts.permissions import can_act_on, can_view_complaint

ROLES = (
    "anonymous",
    "case_agent",
    "desk_supervisor",
    "analyst",
    "cspa_coordinator",
    "contract_pilot",
    "victim_support",
    "administrator",
)
STAFF = ROLES[1:]


def everyone(status=200) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def only(*allowed, status=200, refused=403, anonymous=302) -> dict[str, int]:
    """`allowed` roles get `status`, other staff `refused`, anonymous visitors `anonymous`."""
    expect = {role: (status if role in allowed else refused) for role in STAFF}
    expect["anonymous"] = anonymous
    return expect


@dataclass(frozen=True)
class Page:
    url_name: str
    expect: dict[str, int]
    args: tuple | Callable[[dict], tuple] = ()
    kwargs: dict | Callable[[dict], dict] = field(default_factory=dict)
    method: str = "get"
    data: dict | Callable[[dict], dict] = field(default_factory=dict)
    query: dict = field(default_factory=dict)

    def id(self) -> str:
        return f"{self.method.upper()} {self.url_name}{'?' if self.query else ''}"

    def resolve(self, value, world):
        return value(world) if callable(value) else value


# The Django admin sends anyone who is not an administrator to its own login page (302).
ADMIN_ONLY = only("administrator", refused=302)
# The observatory: all of Paris, or one sector (the coordinator's is paris-18).
OBSERVATORY_ROLES = ("analyst", "contract_pilot", "administrator")
OWN_SECTOR_ROLES = (*OBSERVATORY_ROLES, "cspa_coordinator")
OBSERVATORY = only(*OBSERVATORY_ROLES)
OWN_SECTOR = only(*OWN_SECTOR_ROLES)

PAGES = [
    # Public pages.
    Page("home", everyone()),
    Page("login", everyone()),
    Page("guichet:report", everyone()),
    Page(
        "guichet:track",
        everyone(),
        args=lambda w: (w["case_18"].reference, w["case_18"].tracking_token),
    ),
    Page("guichet:track", everyone(404), args=lambda w: (w["case_18"].reference, "0" * 24)),
    Page("territory:geojson", everyone(), args=("quartiers",)),
    Page("api-schema", everyone()),
    Page("open311:discovery", everyone(), kwargs={"fmt": "json"}),
    Page("open311:services", everyone(), kwargs={"fmt": "json"}),
    # Administration.
    Page("admin:index", ADMIN_ONLY),
    Page("admin:auth_user_changelist", ADMIN_ONLY),
    Page("admin:accounts_desk_changelist", ADMIN_ONLY),
    Page("admin:accounts_auditevent_changelist", ADMIN_ONLY),
    Page("accounts:audit", only("administrator")),
    Page("accounts:audit", only("administrator"), query={"action": "login"}),
    Page("accounts:audit-export", only("administrator")),
    # Partners' REST API: lists are scoped, other desks' complaints do not exist (404).
    Page("guichet-api:categories", everyone()),
    Page("guichet-api:complaints", {**everyone(), "anonymous": 401}),
    Page(
        "guichet-api:complaint",
        {**only("case_agent", "desk_supervisor", "administrator", refused=404), "anonymous": 401},
        args=lambda w: (w["case_18"].reference,),
    ),
    Page(
        "guichet-api:complaint",
        {**only("administrator", refused=404), "anonymous": 401},
        args=lambda w: (w["case_centre"].reference,),
    ),
    # Observatory: Paris for analysts, pilots and administrators; a coordinator's own sector.
    *(
        Page(name, OBSERVATORY, kwargs=kwargs)
        for name, kwargs in (
            ("observatoire:dashboard", {}),
            ("observatoire:panels", {}),
            ("observatoire:map", {}),
            ("observatoire:section", {"name": "heures"}),
            ("observatoire:export", {"name": "categories", "fmt": "csv"}),
            ("observatoire:export", {"name": "evolution", "fmt": "svg"}),
        )
    ),
    Page("observatoire:barometer", OBSERVATORY, query={"mois": "2026-01"}),
    *(
        Page(name, expect, args=(code, *extra))
        for code, expect in (("paris-18", OWN_SECTOR), ("paris-5", OBSERVATORY))
        for name, extra in (
            ("observatoire:sector", ()),
            ("observatoire:sector-panels", ()),
            ("observatoire:sector-map", ()),
            ("observatoire:sector-section", ("familles",)),
            ("observatoire:sector-export", ("quartiers", "svg")),
        )
    ),
    Page(
        "observatoire:sector-subscription",
        only(*OWN_SECTOR_ROLES, status=302),
        args=("paris-18",),
        method="post",
        data={"actif": "1"},
    ),
    Page(
        "observatoire:sector-subscription",
        only(*OBSERVATORY_ROLES, status=302),
        args=("paris-5",),
        method="post",
        data={"actif": "1"},
    ),
    # Steering the contract: every staff role reads; values are entered within one's scope
    # (the social workers' indicator is the Ville's, for Paris only); pilots import/export.
    Page("contrat:overview", only(*STAFF)),
    Page("contrat:sector", only(*STAFF), args=("paris-18",)),
    Page("contrat:priority", only(*STAFF), args=("2.1",)),
    Page("contrat:priority", only(*STAFF), args=("2.1",), query={"secteur": "paris-18"}),
    Page("contrat:comparison", only(*STAFF)),
    Page("contrat:enter-value", only("contract_pilot", "administrator"), args=("isc-effectif",)),
    Page("contrat:export", only("contract_pilot", "administrator"), args=("xlsx",)),
    Page("contrat:export", only("contract_pilot", "administrator"), args=("zip",)),
    Page("contrat:import", only("contract_pilot", "administrator", status=400), method="post"),
]


def desk_in_charge(complaint, make_user):
    """The desk routing put in charge of `complaint`, found through the permission rules."""
    probe = make_user(Role.CASE_AGENT, desk="pm-18")
    for desk in Desk.objects.filter(is_active=True):
        probe.profile.desk = desk
        probe.profile.save()
        probe = get_user_model().objects.get(pk=probe.pk)
        if can_act_on(probe, complaint):
            return desk
    raise AssertionError(f"no desk in charge of {complaint}")


@pytest.fixture
def world(users, file_in, make_user):
    case_18, case_centre = file_in("75018"), file_in("75003")
    desk = desk_in_charge(case_18, make_user)
    staff = {
        **users,
        "case_agent": make_user(Role.CASE_AGENT, desk=desk.code),
        "desk_supervisor": make_user(Role.DESK_SUPERVISOR, desk=desk.code),
    }
    assert not can_view_complaint(staff["case_agent"], case_centre), "pick another complaint"
    return {**staff, "case_18": case_18, "case_centre": case_centre}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=[page.id() for page in PAGES])
def test_role_page_matrix(client, world, page):
    assert set(page.expect) == set(ROLES), f"{page.id()}: one expected status per role"
    url = reverse(
        page.url_name,
        args=page.resolve(page.args, world),
        kwargs=page.resolve(page.kwargs, world),
    )
    outcomes = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world[role])
        send = getattr(client, page.method)
        data = page.resolve(page.data, world) if page.method != "get" else page.query
        outcomes[role] = send(url, data).status_code
    assert outcomes == page.expect

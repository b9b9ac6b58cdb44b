"""Every permission rule, both ways, for every role — including guessed objects elsewhere."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from accounts.choices import Role
from accounts.models import Desk, Partner
from accounts.permissions import (
    RoleRequiredMixin,
    can_act_on,
    can_edit_contract_indicator,
    can_see_observatory,
    can_view_complaint,
    can_view_personal_data,
    register_complaint_scope,
    role_of,
    role_required,
    visible_complaints,
)
from doleances.models import Complaint
from territory.models import Sector

pytestmark = pytest.mark.usefixtures("default_scope")

NO_CASE_ROLES = ["analyst", "cspa_coordinator", "contract_pilot", "victim_support"]


@pytest.fixture
def cases(file_in):
    return {"18": file_in("75018"), "03": file_in("75003"), "01": file_in("75001")}


# --- role_of -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_role_of_each_role(users):
    for name, user in users.items():
        assert role_of(user) == Role(name)


@pytest.mark.django_db
def test_role_of_without_role(make_user):
    assert role_of(AnonymousUser()) is None
    assert role_of(None) is None
    assert role_of(make_user()) is None  # an account without profile
    assert role_of(make_user(superuser=True)) == Role.ADMINISTRATOR
    assert role_of(make_user(Role.ANALYST, active=False)) is None


# --- complaints --------------------------------------------------------------------------


@pytest.mark.django_db
def test_desk_agents_see_and_work_their_territory_only(users, cases):
    for name in ("case_agent", "desk_supervisor"):
        user = users[name]
        assert list(visible_complaints(user)) == [cases["18"]]
        assert can_view_complaint(user, cases["18"])
        assert can_act_on(user, cases["18"])
        assert can_view_personal_data(user, cases["18"])
        # A complaint of Paris Centre, reached by guessing its URL: refused.
        assert not can_view_complaint(user, cases["03"])
        assert not can_act_on(user, cases["03"])
        assert not can_view_personal_data(user, cases["03"])


@pytest.mark.django_db
def test_roles_without_cases_see_no_complaint_and_no_personal_data(users, cases):
    for name in NO_CASE_ROLES:
        user = users[name]
        assert not visible_complaints(user).exists(), name
        for complaint in cases.values():
            assert not can_view_complaint(user, complaint), name
            assert not can_act_on(user, complaint), name
            assert not can_view_personal_data(user, complaint), name


@pytest.mark.django_db
def test_coordinator_of_the_sector_still_sees_no_case_of_it(users, cases):
    coordinator = users["cspa_coordinator"]
    assert cases["18"].sector == coordinator.profile.sector
    assert not can_view_complaint(coordinator, cases["18"])


@pytest.mark.django_db
def test_administrator_reads_everything_but_does_no_case_work(users, make_user, cases):
    for admin in (users["administrator"], make_user(superuser=True)):
        assert visible_complaints(admin).count() == 3
        for complaint in cases.values():
            assert can_view_complaint(admin, complaint)
            assert can_view_personal_data(admin, complaint)
            assert not can_act_on(admin, complaint)


@pytest.mark.django_db
def test_anonymous_and_unscoped_accounts_see_nothing(make_user, cases):
    for user in (
        AnonymousUser(),
        make_user(),  # no profile
        make_user(Role.CASE_AGENT),  # no desk
        make_user(Role.CASE_AGENT, desk="pm-18", active=False),
    ):
        assert not visible_complaints(user).exists()
        assert not can_view_complaint(user, cases["18"])
        assert not can_act_on(user, cases["18"])
        assert not can_view_personal_data(user, cases["18"])


@pytest.mark.django_db
def test_agent_territory_narrows_the_desk(make_user, cases):
    agent = make_user(Role.CASE_AGENT, desk="pm-centre", arrondissements=[1])
    assert can_act_on(agent, cases["01"])
    assert not can_view_complaint(agent, cases["03"])  # the desk's, not the agent's
    assert not can_view_complaint(agent, cases["18"])
    whole_desk = make_user(Role.CASE_AGENT, desk="pm-centre")
    assert set(visible_complaints(whole_desk)) == {cases["01"], cases["03"]}


@pytest.mark.django_db
def test_desk_without_arrondissements_covers_paris(make_user, cases):
    agent = make_user(Role.CASE_AGENT, desk="ville-proprete")
    assert visible_complaints(agent).count() == 3


@pytest.mark.django_db
def test_inactive_desk_sees_nothing(make_user, cases):
    agent = make_user(Role.CASE_AGENT, desk="pm-18")
    Desk.objects.filter(code="pm-18").update(is_active=False)
    agent.profile.desk.refresh_from_db()
    assert not can_view_complaint(agent, cases["18"])


@pytest.mark.django_db
def test_visible_complaints_narrows_a_given_queryset(users, cases):
    agent = users["case_agent"]
    assert not visible_complaints(agent, Complaint.objects.exclude(pk=cases["18"].pk)).exists()


@pytest.mark.django_db
def test_registered_scope_decides_desk_in_charge_and_copies(users, make_user, cases):
    """Routing registers who is in charge (here: the 3rd's case to pm-18, the 18th's case
    copied to pm-18); accounts keeps the role rules and the agent's own territory."""

    def visible(user, queryset):
        return queryset.filter(pk__in=[cases["03"].pk, cases["18"].pk])

    def in_charge(user, queryset):
        return queryset.filter(pk=cases["03"].pk)

    register_complaint_scope(visible, in_charge)
    agent = users["case_agent"]
    assert set(visible_complaints(agent)) == {cases["03"], cases["18"]}
    assert can_act_on(agent, cases["03"])
    assert can_view_personal_data(agent, cases["03"])
    assert can_view_complaint(agent, cases["18"])  # copy desk: reads...
    assert not can_act_on(agent, cases["18"])  # ...but does not work the case
    assert not can_view_personal_data(agent, cases["18"])
    assert not can_view_complaint(agent, cases["01"])
    # The hook cannot open cases to roles without them, nor widen an agent's territory.
    assert not can_view_complaint(users["analyst"], cases["03"])
    narrowed = make_user(Role.CASE_AGENT, desk="pm-18", arrondissements=[18])
    assert list(visible_complaints(narrowed)) == [cases["18"]]
    assert visible_complaints(users["administrator"]).count() == 3


# --- observatory and contract ------------------------------------------------------------


@pytest.mark.django_db
def test_observatory_access(users):
    paris_18 = Sector.objects.get(code="paris-18")
    centre = Sector.objects.get(code="paris-centre")
    for name in ("analyst", "contract_pilot", "administrator"):
        assert can_see_observatory(users[name])
        assert can_see_observatory(users[name], centre)
    coordinator = users["cspa_coordinator"]
    assert can_see_observatory(coordinator, paris_18)
    assert can_see_observatory(coordinator, paris_18.pk)
    assert not can_see_observatory(coordinator, centre)
    assert not can_see_observatory(coordinator)  # the Paris overview
    for name in ("case_agent", "desk_supervisor", "victim_support"):
        assert not can_see_observatory(users[name])
        assert not can_see_observatory(users[name], paris_18)
    assert not can_see_observatory(AnonymousUser(), paris_18)


@pytest.mark.django_db
def test_contract_indicator_editing(users):
    paris_18 = Sector.objects.get(code="paris-18")
    centre = Sector.objects.get(code="paris-centre")
    pm = Partner.objects.get(code="police-municipale")
    pp = Partner.objects.get(code="prefecture-police")
    pav = Partner.objects.get(code="paris-aide-victimes")
    for name in ("contract_pilot", "administrator"):
        assert can_edit_contract_indicator(users[name])
        assert can_edit_contract_indicator(users[name], pp, centre)
    coordinator = users["cspa_coordinator"]
    assert can_edit_contract_indicator(coordinator, sector=paris_18)
    assert not can_edit_contract_indicator(coordinator, sector=centre)
    assert not can_edit_contract_indicator(coordinator)  # a Paris-wide indicator
    assert not can_edit_contract_indicator(coordinator, indicator_partner=pm)
    supervisor = users["desk_supervisor"]  # Police municipale
    assert can_edit_contract_indicator(supervisor, indicator_partner=pm)
    assert can_edit_contract_indicator(supervisor, indicator_partner=pm.pk)
    assert not can_edit_contract_indicator(supervisor, indicator_partner=pp)
    assert not can_edit_contract_indicator(supervisor, sector=paris_18)
    assert can_edit_contract_indicator(users["victim_support"], indicator_partner=pav)
    assert not can_edit_contract_indicator(users["victim_support"], indicator_partner=pm)
    for name in ("case_agent", "analyst"):
        assert not can_edit_contract_indicator(users[name], indicator_partner=pm, sector=paris_18)
    assert not can_edit_contract_indicator(AnonymousUser(), pm, paris_18)


# --- view guards -------------------------------------------------------------------------


@role_required(Role.ANALYST, Role.CONTRACT_PILOT)
def analysts_page(request):
    return HttpResponse("ok")


class PilotsPage(RoleRequiredMixin, View):
    allowed_roles = (Role.CONTRACT_PILOT,)

    def get(self, request):
        return HttpResponse("ok")


@pytest.mark.django_db
def test_role_required_and_mixin(users):
    factory = RequestFactory()
    for view, allowed in (
        (analysts_page, {"analyst", "contract_pilot"}),
        (PilotsPage.as_view(), {"contract_pilot"}),
    ):
        request = factory.get("/page/")
        request.user = AnonymousUser()
        response = view(request)
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/connexion/?next=/page/")
        for name, user in users.items():
            request = factory.get("/page/")
            request.user = user
            if name in allowed:
                assert view(request).status_code == 200
            else:
                with pytest.raises(PermissionDenied):
                    view(request)

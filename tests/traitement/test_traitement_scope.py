"""Which complaints a desk sees and works (traitement.scope), both ways, for every role —
including complaints reached by guessing their reference."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.choices import Role
from accounts.models import Desk
from doleances.models import Complaint
from tests.factories import ComplaintFactory, route_to
from traitement.scope import (
    can_act_on,
    can_view_complaint,
    can_view_personal_data,
    complaints_in_charge,
    visible_complaints,
)

NO_CASE_ROLES = ["analyst", "cspa_coordinator", "contract_pilot", "victim_support"]


@pytest.fixture
def cases(paris):
    """Three complaints, the 18th's in charge of pm-18, the 3rd's and 1st's of pm-centre."""
    made = {n: ComplaintFactory(postal_code=f"750{n}") for n in ("18", "03", "01")}
    route_to(made["18"], "pm-18")
    route_to(made["03"], "pm-centre")
    route_to(made["01"], "pm-centre")
    return made


@pytest.mark.django_db
def test_desk_agents_see_and_work_their_desks_cases_only(users, cases):
    for name in ("case_agent", "desk_supervisor"):
        user = users[name]
        assert list(visible_complaints(user)) == [cases["18"]]
        assert list(complaints_in_charge(user)) == [cases["18"]]
        assert can_view_complaint(user, cases["18"])
        assert can_act_on(user, cases["18"])
        assert can_view_personal_data(user, cases["18"])
        # A complaint of another desk, reached by guessing its URL: refused.
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
def test_copy_desks_read_but_do_not_work_the_case(users, make_user, cases):
    """The 3rd's case in charge of pm-18, the 18th's copied to pm-18: the copy desk reads,
    only the desk in charge works; the agent's own territory still narrows both."""
    route_to(cases["03"], "pm-18")
    route_to(cases["18"], "pm-centre", copies=["pm-18"])
    agent = users["case_agent"]
    assert set(visible_complaints(agent)) == {cases["03"], cases["18"]}
    assert can_act_on(agent, cases["03"])
    assert can_view_personal_data(agent, cases["03"])
    assert can_view_complaint(agent, cases["18"])  # copy desk: reads...
    assert not can_act_on(agent, cases["18"])  # ...but does not work the case
    assert not can_view_personal_data(agent, cases["18"])
    assert not can_view_complaint(agent, cases["01"])
    # Copies open no case to roles without cases, nor widen an agent's territory.
    assert not can_view_complaint(users["analyst"], cases["03"])
    narrowed = make_user(Role.CASE_AGENT, desk="pm-18", arrondissements=[18])
    assert list(visible_complaints(narrowed)) == [cases["18"]]
    assert visible_complaints(users["administrator"]).count() == 3

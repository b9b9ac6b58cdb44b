"""Every permission rule, both ways, for every role — including guessed objects elsewhere."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from accounts.choices import Role
from accounts.models import Partner
from accounts.permissions import (
    RoleRequiredMixin,
    can_edit_contract_indicator,
    can_see_observatory,
    role_of,
    role_required,
)
from territory.models import Sector

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

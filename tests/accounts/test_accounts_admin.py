"""The Django admin: for administrators only, who set each account's role and scope there."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.choices import Role
from accounts.demo import create_demo_accounts
from accounts.models import Desk, Partner

pytestmark = pytest.mark.django_db


def add_user_form(**profile):
    data = {
        "username": "nouvel.agent",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        "usable_password": "true",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
    }
    data.update({f"profile-0-{key}": value for key, value in profile.items()})
    return data


def test_only_administrators_are_staff(users, paris):
    assert [name for name, user in users.items() if user.is_staff] == ["administrator"]
    assert [name for name, user in users.items() if user.is_superuser] == ["administrator"]
    analyst = users["analyst"]
    analyst.is_staff = analyst.is_superuser = True
    analyst.save()
    analyst.profile.save()  # the role decides, whatever was ticked
    analyst.refresh_from_db()
    assert not analyst.is_staff
    assert not analyst.is_superuser


def test_non_administrators_cannot_enter_the_admin(client, users):
    for name, user in users.items():
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == (200 if name == "administrator" else 302), name


def test_demo_accounts_give_the_admin_to_the_administrator_only(paris):
    create_demo_accounts()
    staff = get_user_model().objects.filter(is_staff=True).values_list("username", flat=True)
    assert list(staff) == ["admin"]


def test_admin_user_form_sets_role_and_scope(client, users):
    client.force_login(users["administrator"])
    desk = Desk.objects.get(code="pm-18")
    response = client.post(
        reverse("admin:auth_user_add"),
        add_user_form(role=Role.CASE_AGENT, desk=desk.pk, arrondissements=[]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(username="nouvel.agent")
    assert user.profile.desk == desk
    assert user.profile.partner == desk.partner  # taken from the desk
    assert not user.is_staff


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"role": Role.CASE_AGENT}, "doit être rattaché·e à un guichet"),
        ({"role": Role.CSPA_COORDINATOR}, "doit avoir un secteur"),
        ({"role": Role.CASE_AGENT, "desk": "pm-18", "partner": "gpis"}, "un autre partenaire"),
    ],
)
def test_admin_refuses_an_incoherent_scope_in_french(client, users, profile, message):
    client.force_login(users["administrator"])
    if "desk" in profile:
        profile["desk"] = Desk.objects.get(code=profile["desk"]).pk
    if "partner" in profile:
        profile["partner"] = Partner.objects.get(code=profile["partner"]).pk
    response = client.post(reverse("admin:auth_user_add"), add_user_form(**profile))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="nouvel.agent").exists()

"""core.db.joined_instances: several models read joined in one statement of our own, as
select_related would give them."""

from django.contrib.auth import get_user_model
from django.db import connection

from accounts.choices import Role
from accounts.models import Profile
from core.db import joined_instances
from doleances.models import Category, Family

quote = connection.ops.quote_name


def _category_and_family(code):
    category, family = (quote(m._meta.db_table) for m in (Category, Family))
    return joined_instances(
        (Category, Family),
        f"JOIN {family} ON {family}.id = {category}.family_id WHERE {category}.code = %s",
        [code],
    )


def _user_and_profile(username):
    user, profile = (quote(m._meta.db_table) for m in (get_user_model(), Profile))
    return joined_instances(
        (get_user_model(), Profile),
        f"LEFT JOIN {profile} ON {profile}.user_id = {user}.id WHERE {user}.username = %s",
        [username],
    )


def test_the_instances_are_the_orms(paris):
    expected = Category.objects.select_related("family").get(code="bruit-etablissement")
    category, family = _category_and_family("bruit-etablissement")
    assert (category.pk, category.code, category.label) == (
        expected.pk,
        expected.code,
        expected.label,
    )
    assert (family.pk, family.code) == (expected.family.pk, expected.family.code)
    assert _category_and_family("pas-une-categorie") is None


def test_a_left_join_that_finds_nothing_gives_none(make_user):
    make_user(Role.ANALYST, username="avec.profil")
    get_user_model().objects.create_user("sans.profil")
    user, profile = _user_and_profile("avec.profil")
    assert profile is not None and profile.user_id == user.pk
    user, profile = _user_and_profile("sans.profil")
    assert user.username == "sans.profil" and profile is None

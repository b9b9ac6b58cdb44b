"""API token authentication that reads the account's profile along with its token.

Every API request then checks the profile (role, partner, desk: `accounts.permissions`):
one query instead of two. Same answers as DRF's TokenAuthentication, whose messages (and
their French translations) are reused.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.models import Profile
from core.db import joined_instances


class ProfileTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = _token_with_account(self.get_model(), key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (user, token)


def _token_with_account(token_model, key):
    """The token with its user and the user's profile (if any), or None: what
    `select_related("user__profile").get(key=key)` reads, in a statement of our own —
    it runs on every API request, and compiling the ORM's query cost ~0.3 ms of CPU, ten
    times running it."""
    token_table, user_table, profile_table = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (token_model, get_user_model(), Profile)
    )
    found = joined_instances(
        (token_model, get_user_model(), Profile),
        f"JOIN {user_table} ON {user_table}.id = {token_table}.user_id "
        f"LEFT JOIN {profile_table} ON {profile_table}.user_id = {user_table}.id "
        f"WHERE {token_table}.{connection.ops.quote_name('key')} = %s",
        [key],
    )
    if found is None:
        return None
    token, user, profile = found
    token.user = user
    if profile is not None:  # an account may have none
        user.profile = profile
    return token

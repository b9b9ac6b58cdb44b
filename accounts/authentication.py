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
from core.db import instances_from_rows


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
    models = (token_model, get_user_model(), Profile)
    fields = [list(model._meta.concrete_fields) for model in models]
    token_table, user_table, profile_table = (model._meta.db_table for model in models)
    quote = connection.ops.quote_name
    columns = ", ".join(
        f"{quote(model._meta.db_table)}.{quote(field.column)}"
        for model, model_fields in zip(models, fields, strict=True)
        for field in model_fields
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(token_table)} "  # noqa: S608 (the models' names)
            f"JOIN {quote(user_table)} ON {quote(user_table)}.id = {quote(token_table)}.user_id "
            f"LEFT JOIN {quote(profile_table)} "
            f"ON {quote(profile_table)}.user_id = {quote(user_table)}.id "
            f"WHERE {quote(token_table)}.{quote('key')} = %s",
            [key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    ends = [len(fields[0]), len(fields[0]) + len(fields[1])]
    [token] = instances_from_rows(models[0], fields[0], [row[: ends[0]]])
    [user] = instances_from_rows(models[1], fields[1], [row[ends[0] : ends[1]]])
    token.user = user
    if row[ends[1]] is not None:  # the profile's id: an account may have none
        [user.profile] = instances_from_rows(Profile, fields[2], [row[ends[1] :]])
    return token

"""Who may see and do what: the roles and the rules that need nothing but the account.

Roles come from `Profile.role`; a superuser counts as an administrator. Individual complaints
are only for case desks (and administrators): observatory, steering and victim-support roles
work on aggregates and never see a single case, let alone personal data.

Which complaints a desk sees and works depends on its cases, decided by routing: that half of
the rules lives with the cases, in `traitement.scope` (`visible_complaints`, `can_act_on`…).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

from accounts.choices import Role

CASE_ROLES = frozenset({Role.CASE_AGENT, Role.DESK_SUPERVISOR})
OBSERVATORY_ROLES = frozenset({Role.ANALYST, Role.CONTRACT_PILOT, Role.ADMINISTRATOR})
# Roles that speak for their partner on the indicators it is responsible for.
PARTNER_REPRESENTATIVE_ROLES = frozenset({Role.DESK_SUPERVISOR, Role.VICTIM_SUPPORT})


def profile_of(user):
    """The user's Profile, or None (anonymous, inactive or no profile)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.profile
    except ObjectDoesNotExist:
        return None


def role_of(user) -> str | None:
    """The user's Role, or None for anonymous users and accounts without a profile."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    profile = profile_of(user)
    if profile is None or not profile.role:
        return None
    return Role(profile.role)


# --- observatory and contract ------------------------------------------------------------


def _pk(value):
    return getattr(value, "pk", value)


def can_see_observatory(user, sector=None) -> bool:
    """Analysts, contract pilots and administrators see all of Paris; a CSPA coordinator only
    their own sector (`sector` is a Sector or its pk; None means the Paris overview)."""
    role = role_of(user)
    if role in OBSERVATORY_ROLES:
        return True
    if role == Role.CSPA_COORDINATOR and sector is not None:
        return profile_of(user).sector_id == _pk(sector)
    return False


def can_edit_contract_indicator(user, indicator_partner=None, sector=None) -> bool:
    """Contract pilots and administrators: every indicator; a CSPA coordinator: the indicators
    of their sector; a desk supervisor or victim-support worker: the indicators their partner
    is responsible for. `indicator_partner`/`sector` are instances or pks (None: none)."""
    role = role_of(user)
    if role in (Role.CONTRACT_PILOT, Role.ADMINISTRATOR):
        return True
    profile = profile_of(user)
    if role == Role.CSPA_COORDINATOR and sector is not None:
        return profile.sector_id == _pk(sector)
    if role in PARTNER_REPRESENTATIVE_ROLES and indicator_partner is not None:
        return profile.partner_id == _pk(indicator_partner)
    return False


def can_download_bilan(user, sector=None) -> bool:
    """The annual report: contract pilots and administrators for Paris and every sector; a
    CSPA coordinator for their own sector only (`sector` None means Paris)."""
    role = role_of(user)
    if role in (Role.CONTRACT_PILOT, Role.ADMINISTRATOR):
        return True
    if role == Role.CSPA_COORDINATOR and sector is not None:
        return profile_of(user).sector_id == _pk(sector)
    return False


# --- views -------------------------------------------------------------------------------


def _check_roles(request, roles):
    """None when allowed; otherwise the response (login redirect) or PermissionDenied."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if role_of(request.user) not in roles:
        raise PermissionDenied
    return None


def role_required(*roles):
    """View decorator: anonymous users go to the login page; a logged-in user without one of
    `roles` gets the French 403 page (and the refusal is audit-logged)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return _check_roles(request, roles) or view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin:
    """Class-based view counterpart of `role_required`: set `allowed_roles`."""

    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        return _check_roles(request, self.allowed_roles) or super().dispatch(
            request, *args, **kwargs
        )

"""Who may see and do what: every permission rule of cpps, in one place.

Roles come from `Profile.role`; a superuser counts as an administrator. Individual complaints
are only for case desks (and administrators): observatory, steering and victim-support roles
work on aggregates and never see a single case, let alone personal data.

Which desk is *in charge* of a complaint is decided by routing, which lives above this app
(`traitement`). It plugs its rule in with `register_complaint_scope` from its
`AppConfig.ready()`; until then the default scope is territorial (see `_territorial_scope`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet

from accounts.choices import Role

CASE_ROLES = frozenset({Role.CASE_AGENT, Role.DESK_SUPERVISOR})
OBSERVATORY_ROLES = frozenset({Role.ANALYST, Role.CONTRACT_PILOT, Role.ADMINISTRATOR})
# Roles that speak for their partner on the indicators it is responsible for.
PARTNER_REPRESENTATIVE_ROLES = frozenset({Role.DESK_SUPERVISOR, Role.VICTIM_SUPPORT})

ScopeFunction = Callable[[object, QuerySet], QuerySet]


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


# --- complaint scope ---------------------------------------------------------------------


def _territorial_scope(user, queryset: QuerySet) -> QuerySet:
    """Default scope: complaints located in the arrondissements of the user's desk (all of
    Paris when the desk lists none)."""
    desk_arrondissements = list(user.profile.desk.arrondissements.values_list("pk", flat=True))
    if desk_arrondissements:
        queryset = queryset.filter(arrondissement__in=desk_arrondissements)
    return queryset


_scope: dict[str, ScopeFunction] = {}


def register_complaint_scope(visible: ScopeFunction, in_charge: ScopeFunction | None = None):
    """Let routing decide which complaints a case agent or desk supervisor handles.

    `visible(user, queryset)` narrows `queryset` to the complaints the user's desk may read
    (desk in charge and copy desks); `in_charge(user, queryset)` to those it is in charge of
    (case work and personal data); it defaults to `visible`. Both are only ever called for
    active case agents and desk supervisors whose profile has an active desk
    (`user.profile.desk`): administrators always see everything and other roles never see
    an individual complaint, whatever is registered. The user's own arrondissements
    (`Profile.arrondissements`) still narrow the result.
    """
    _scope["visible"] = visible
    _scope["in_charge"] = in_charge or visible


def _complaint_queryset(queryset):
    if queryset is not None:
        return queryset
    from doleances.models import Complaint  # doleances sits above accounts

    return Complaint.objects.all()


def _case_scope(user, queryset, kind: str) -> QuerySet:
    queryset = _complaint_queryset(queryset)
    role = role_of(user)
    if role == Role.ADMINISTRATOR and kind == "visible":
        return queryset
    if role not in CASE_ROLES:
        return queryset.none()
    profile = profile_of(user)
    if profile.desk is None or not profile.desk.is_active:
        return queryset.none()
    queryset = _scope.get(kind, _territorial_scope)(user, queryset)
    own = list(profile.arrondissements.values_list("pk", flat=True))
    if own:
        queryset = queryset.filter(arrondissement__in=own)
    return queryset


def visible_complaints(user, queryset=None) -> QuerySet:
    """The complaints (of `queryset`, default all) this user may open."""
    return _case_scope(user, queryset, "visible")


def complaints_in_charge(user, queryset=None) -> QuerySet:
    """The complaints (of `queryset`, default all) this user's desk is in charge of."""
    return _case_scope(user, queryset, "in_charge")


def can_view_complaint(user, complaint) -> bool:
    return visible_complaints(user, type(complaint).objects.filter(pk=complaint.pk)).exists()


def can_act_on(user, complaint) -> bool:
    """Case work (qualify, route, answer, close): agents and supervisors of the desk in
    charge, within their territory. Copy desks and administrators read only."""
    return complaints_in_charge(user, type(complaint).objects.filter(pk=complaint.pk)).exists()


def can_view_personal_data(user, complaint) -> bool:
    """Complainant identity, free text and photos: the desk in charge and administrators;
    never analysts, coordinators, pilots or victim-support workers. Every read must be
    logged with `accounts.audit.log_personal_data_read`."""
    if role_of(user) == Role.ADMINISTRATOR:
        return True
    return can_act_on(user, complaint)


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

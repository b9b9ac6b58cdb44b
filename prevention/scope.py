"""Who sees and does what in the prevention register (tested both ways in
tests/prevention/test_prevention_permissions.py and the role × route matrix).

- prevention partners (mediators, educators, schools, police…) record events, raise and
  acknowledge alerts, report actions — within the arrondissements of their profile (all of
  Paris when none is set);
- a CSPA coordinator reads the register, graph and alerts of their sector;
- analysts and contract pilots see aggregates only, small counts suppressed;
- administrators see and do everything.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.choices import Role
from accounts.permissions import profile_of, role_of
from territory.models import Arrondissement

REGISTER_ROLES = (Role.PREVENTION_PARTNER, Role.CSPA_COORDINATOR, Role.ADMINISTRATOR)
ENTRY_ROLES = (Role.PREVENTION_PARTNER, Role.ADMINISTRATOR)
AGGREGATE_ROLES = (
    Role.ANALYST,
    Role.CONTRACT_PILOT,
    Role.CSPA_COORDINATOR,
    Role.PREVENTION_PARTNER,
    Role.ADMINISTRATOR,
)


def arrondissement_scope(user) -> set[int] | None:
    """Arrondissement pks the user works on; None means all of Paris; empty, nothing."""
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return None
    profile = profile_of(user)
    if role == Role.PREVENTION_PARTNER:
        own = set(profile.arrondissements.values_list("pk", flat=True))
        return own or None
    if role == Role.CSPA_COORDINATOR and profile.sector_id:
        return set(
            Arrondissement.objects.filter(sector_id=profile.sector_id).values_list("pk", flat=True)
        )
    return set()


def _territory_filter(scope: set[int], prefix: str = "") -> Q:
    return Q(**{f"{prefix}quartier__arrondissement__in": scope}) | Q(
        **{f"{prefix}arrondissements__in": scope}
    )


def visible_territories(user, queryset: QuerySet) -> QuerySet:
    scope = arrondissement_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(_territory_filter(scope)).distinct()


def visible_events(user, queryset: QuerySet) -> QuerySet:
    """Events placed in, or involving a territory of, the user's arrondissements."""
    scope = arrondissement_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(
        Q(quartier__arrondissement__in=scope) | _territory_filter(scope, "territories__")
    ).distinct()


def visible_alerts(user, queryset: QuerySet) -> QuerySet:
    """Alerts touching a territory of the user's arrondissements."""
    scope = arrondissement_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(_territory_filter(scope, "territories__")).distinct()


def partner_of(user):
    """The partner a prevention partner acts for (None for other roles)."""
    profile = profile_of(user)
    return profile.partner if profile is not None else None


def can_enter(user) -> bool:
    return role_of(user) in ENTRY_ROLES


def can_read_register(user) -> bool:
    return role_of(user) in REGISTER_ROLES


def can_see_aggregates(user) -> bool:
    return role_of(user) in AGGREGATE_ROLES

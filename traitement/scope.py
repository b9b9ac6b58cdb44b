"""Which complaints a desk sees and is in charge of, plugged into `accounts.permissions`.

The desk in charge is `Case.desk`; copy desks read the case too. `accounts` only calls these
for case roles with an active desk, then narrows to the agent's own arrondissements.
"""

from django.db.models import Exists, OuterRef, Q

from accounts.choices import Role
from accounts.permissions import CASE_ROLES, role_of
from traitement.models import Case


def visible(user, queryset):
    desk_id = user.profile.desk_id
    copied = Case.copy_desks.through.objects.filter(case_id=OuterRef("pk"), desk_id=desk_id)
    return queryset.filter(Q(case__desk_id=desk_id) | Exists(copied))


def in_charge(user, queryset):
    return queryset.filter(case__desk_id=user.profile.desk_id)


def desk_queue(user, desk=None, *, copies: bool = False):
    """The cases listed in a desk's queue, as one indexed Case query.

    For case agents and desk supervisors this is exactly `accounts.permissions`' in-charge
    scope (their desk, narrowed to their own arrondissements) — or, with `copies`, the cases
    their desk receives in copy — expressed on Case so that the queue index serves it.
    Administrators read the queue of any `desk` they choose. Other roles get nothing.
    """
    role = role_of(user)
    if role in CASE_ROLES:
        desk = user.profile.desk
        if desk is None or not desk.is_active:
            return Case.objects.none()
    elif role != Role.ADMINISTRATOR or desk is None:
        return Case.objects.none()
    queryset = Case.objects.filter(copy_desks=desk) if copies else Case.objects.filter(desk=desk)
    if role in CASE_ROLES:
        own = list(user.profile.arrondissements.values_list("pk", flat=True))
        if own:
            queryset = queryset.filter(complaint__arrondissement_id__in=own)
    return queryset

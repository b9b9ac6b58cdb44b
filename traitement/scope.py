"""Which complaints a case agent or desk supervisor sees and works: the cases' side of the
permission rules (the roles themselves are `accounts.permissions`).

The desk in charge of a complaint is `Case.desk`, decided by routing; copy desks
(`Case.copy_desks`) read the case too. Administrators see every complaint but work none;
observatory, steering and victim-support roles never see a single complaint, let alone personal
data. The user's own arrondissements (`Profile.arrondissements`) narrow what their desk has.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.choices import Role
from accounts.permissions import CASE_ROLES, profile_of, role_of
from doleances.models import Complaint
from traitement.models import Case


def _case_scope(user, queryset: QuerySet | None, *, copies: bool) -> QuerySet:
    queryset = Complaint.objects.all() if queryset is None else queryset
    role = role_of(user)
    if role == Role.ADMINISTRATOR and copies:
        return queryset
    if role not in CASE_ROLES:
        return queryset.none()
    profile = profile_of(user)
    if profile.desk is None or not profile.desk.is_active:
        return queryset.none()
    in_charge = Q(case__desk_id=profile.desk_id)
    if copies:
        copied = Case.copy_desks.through.objects.filter(
            case_id=OuterRef("pk"), desk_id=profile.desk_id
        )
        in_charge |= Exists(copied)
    queryset = queryset.filter(in_charge)
    own = list(profile.arrondissements.values_list("pk", flat=True))
    if own:
        queryset = queryset.filter(arrondissement__in=own)
    return queryset


def visible_complaints(user, queryset=None) -> QuerySet:
    """The complaints (of `queryset`, default all) this user may open: their desk's, in charge
    or in copy; every complaint for an administrator."""
    return _case_scope(user, queryset, copies=True)


def complaints_in_charge(user, queryset=None) -> QuerySet:
    """The complaints (of `queryset`, default all) this user's desk is in charge of."""
    return _case_scope(user, queryset, copies=False)


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


def desk_queue(user, desk=None, *, copies: bool = False):
    """The cases listed in a desk's queue, as one indexed Case query.

    For case agents and desk supervisors this is exactly `complaints_in_charge` (their desk,
    narrowed to their own arrondissements) — or, with `copies`, the cases their desk receives
    in copy — expressed on Case so that the queue index serves it. Administrators read the
    queue of any `desk` they choose. Other roles get nothing.
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

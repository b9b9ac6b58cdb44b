"""Which complaints a desk sees and is in charge of, plugged into `accounts.permissions`.

The desk in charge is `Case.desk`; copy desks read the case too. `accounts` then narrows to
the agent's own arrondissements and keeps administrators and other roles as it decides.
"""

from django.db.models import Exists, OuterRef, Q

from accounts.permissions import profile_of
from traitement.models import Case


def _desk_id(user):
    profile = profile_of(user)
    desk = profile.desk if profile else None
    return desk.pk if desk is not None and desk.is_active else None


def visible(user, queryset):
    desk_id = _desk_id(user)
    if desk_id is None:
        return queryset.none()
    copied = Case.copy_desks.through.objects.filter(case_id=OuterRef("pk"), desk_id=desk_id)
    return queryset.filter(Q(case__desk_id=desk_id) | Exists(copied))


def in_charge(user, queryset):
    desk_id = _desk_id(user)
    if desk_id is None:
        return queryset.none()
    return queryset.filter(case__desk_id=desk_id)

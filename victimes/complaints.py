"""The bridge from complaints to victim support.

- On the confirmation and tracking pages of a sensitive complaint, a panel shows what the
  finder proposes for the situations its category corresponds to (`CategoryBridge`).
- When the person ticked « J'accepte d'être contacté·e par une association d'aide aux
  victimes », the case is copied to the bridge's victim-support desk, which may then read it
  and its contact data (every read audited). Without that consent the desk gets a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string

from accounts.audit import log_personal_data_read
from doleances.models import Complaint
from traitement.models import Case
from victimes.finder import FinderQuery, find
from victimes.models import CategoryBridge
from victimes.orientations import own_desk


def _bridge(complaint) -> CategoryBridge | None:
    return (
        CategoryBridge.objects.filter(category_id=complaint.category_id, is_active=True)
        .select_related("copy_desk")
        .first()
    )


def copy_to_victim_support(sender, complaint, complainant=None, **kwargs):
    """Receiver of `complaint_filed` (after traitement opened the case)."""
    # Intake records the consent only for a sensitive category (doleances.services), and
    # sends the contact it stored: a complaint without that consent needs no query here.
    if complainant is None or not complainant.consent_victim_support:
        return
    bridge = _bridge(complaint)
    if bridge is None or bridge.copy_desk is None or not bridge.copy_desk.is_active:
        return
    case = Case.objects.filter(complaint=complaint).first()
    if case is not None:
        case.copy_desks.add(bridge.copy_desk)


def help_panel(request, complaint) -> str:
    """The finder's results for a sensitive complaint's situations and place."""
    if not complaint.category.is_sensitive:
        return ""
    bridge = _bridge(complaint)
    if bridge is None:
        return ""
    codes = tuple(bridge.situations.values_list("code", flat=True))
    number = complaint.arrondissement.number if complaint.arrondissement_id else None
    answer = find(FinderQuery(codes, "", number, danger=complaint.category.is_emergency))
    answer.local = answer.local[:5]
    return render_to_string(
        "victimes/_complaint_panel.html",
        {"answer": answer, "situations": codes, "arrondissement": number},
        request=request,
    )


def consented_cases(user) -> QuerySet:
    """Complaints copied to the user's victim-support desk with the person's consent."""
    desk = own_desk(user)
    if desk is None:
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(
            case__copy_desks=desk,
            category__victim_bridge__copy_desk=desk,
            complainants__consent_victim_support=True,
        )
        .distinct()
        .select_related("category", "arrondissement")
        .order_by("-received_at")
    )


def read_case(user, reference: str, request=None) -> Complaint:
    """A consented case with its contact data; the read is audited. 404 otherwise (no
    consent, another desk, unknown reference: the same answer)."""
    complaint = consented_cases(user).filter(reference=reference).first()
    if complaint is None:
        raise Http404
    log_personal_data_read(user, complaint, request, {"via": "aide aux victimes"})
    return complaint

"""Desk screens: the queue, the case page and its actions, bulk actions.

Scope comes from `accounts.permissions`: a case another desk handles answers 404 (its very
existence is not disclosed), a copy desk reads without acting, and every display of personal
data is audit-logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.audit import log_event, log_personal_data_read
from accounts.choices import AuditAction, Role
from accounts.models import Desk, ordered_desks
from accounts.permissions import profile_of, role_of, role_required
from doleances.models import Complaint, Photo
from doleances.photos import thumbnail as photo_thumbnail
from traitement import queue, services
from traitement.duplicates import find_duplicate_candidates
from traitement.forms import ACTION_FORMS, BulkForm, QueueFilterForm
from traitement.scope import (
    can_act_on,
    can_view_personal_data,
    complaints_in_charge,
    desk_queue,
    visible_complaints,
)

STAFF_ROLES = (Role.CASE_AGENT, Role.DESK_SUPERVISOR, Role.ADMINISTRATOR)

DONE = {
    "qualify": gettext_lazy("La doléance est qualifiée."),
    "assign": gettext_lazy("La doléance est attribuée."),
    "assign_me": gettext_lazy("La doléance vous est attribuée."),
    "start": gettext_lazy("Le traitement a commencé."),
    "answer": gettext_lazy("La réponse a été envoyée au déclarant."),
    "close": gettext_lazy("La doléance est clôturée."),
    "reopen": gettext_lazy("La doléance est rouverte."),
    "reroute": gettext_lazy("La doléance est réorientée."),
    "note": gettext_lazy("La note interne est ajoutée."),
    "merge": gettext_lazy("Les doublons sont fusionnés dans ce dossier."),
}


def _visible_complaint(user, reference: str) -> Complaint:
    queryset = Complaint.objects.select_related("category__family", "arrondissement", "quartier")
    return get_object_or_404(visible_complaints(user, queryset.filter(reference=reference)))


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@dataclass
class _QueueScope:
    desk: Desk | None
    desks: list[Desk] | None
    copies: bool
    base: QuerySet
    form: QueueFilterForm


def _queue_scope(request) -> _QueueScope:
    """The queue a request asks for (list and map share it, with the same filters)."""
    is_admin = role_of(request.user) == Role.ADMINISTRATOR
    profile = profile_of(request.user)
    desk = None
    if is_admin:
        code = request.GET.get("guichet")
        desk = Desk.objects.filter(code=code).first() if code else None
    elif profile is not None:
        desk = profile.desk
    copies = request.GET.get("vue") == "copie"
    return _QueueScope(
        desk=desk,
        desks=ordered_desks(Desk.objects.filter(is_active=True)) if is_admin else None,
        copies=copies,
        base=desk_queue(request.user, desk, copies=copies),
        form=QueueFilterForm(request.GET or None),
    )


def _query_without(request, *keys) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


@role_required(*STAFF_ROLES)
def queue_view(request):
    """The desk's queue (or, for an administrator, the queue of a chosen desk)."""
    scope = _queue_scope(request)
    result = queue.page(scope.base, scope.form.filters(), request.GET.get("apres"))
    next_query = None
    if result.next_cursor:
        params = request.GET.copy()
        params["apres"] = result.next_cursor
        params["page"] = str(_page_number(request) + 1)
        next_query = params.urlencode()
    can_bulk = role_of(request.user) != Role.ADMINISTRATOR and not scope.copies
    return render(
        request,
        "traitement/queue.html",
        {
            "desk": scope.desk,
            "desks": scope.desks,
            "copies": scope.copies,
            "form": scope.form,
            "cases": result.cases,
            "counts": queue.counts(scope.base),
            "page_number": _page_number(request),
            "next_query": next_query,
            "first_query": _query_without(request, "apres", "page"),
            "is_first_page": not request.GET.get("apres"),
            "can_bulk": can_bulk,
            "agents": services.desk_agents(scope.desk) if scope.desk else [],
            "bulk_actions": BulkForm.base_fields["action"].choices,
            "closing_reasons": BulkForm.base_fields["reason"].choices,
        },
    )


@role_required(*STAFF_ROLES)
def queue_map(request):
    """The same queue, with the same filters, as points on a map (first MAP_SIZE cases in
    queue order; the next ones a page further)."""
    scope = _queue_scope(request)
    result = queue.page(
        scope.base, scope.form.filters(), request.GET.get("apres"), size=queue.MAP_SIZE
    )
    points = [
        {
            "reference": case.complaint.reference,
            "lat": case.complaint.latitude,
            "lon": case.complaint.longitude,
            "label": f"{case.complaint.reference} — {case.complaint.category.label}",
            "url": reverse("traitement:case", args=[case.complaint.reference]),
            "overdue": case.is_overdue,
        }
        for case in result.cases
        if case.complaint.latitude is not None and case.complaint.longitude is not None
    ]
    next_query = None
    if result.next_cursor:
        params = request.GET.copy()
        params["apres"] = result.next_cursor
        next_query = params.urlencode()
    return render(
        request,
        "traitement/queue_map.html",
        {
            "desk": scope.desk,
            "desks": scope.desks,
            "copies": scope.copies,
            "form": scope.form,
            "points": points,
            "without_point": len(result.cases) - len(points),
            "shown": len(result.cases),
            "next_query": next_query,
            "list_query": _query_without(request, "apres", "page"),
        },
    )


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@role_required(*STAFF_ROLES)
def case_detail(request, reference):
    complaint = _visible_complaint(request.user, reference)
    case = services.case_for(complaint)
    can_act = can_act_on(request.user, complaint)
    personal = None
    if can_view_personal_data(request.user, complaint):
        personal = {
            "complainants": list(
                complaint.complainants.filter(erased_at__isnull=True).order_by(
                    "-is_original_reporter", "pk"
                )
            ),
            "photos": list(complaint.photos.all()),
        }
        log_personal_data_read(request.user, complaint, request, details={"vue": "dossier"})
    allowed = {a.code for a in services.allowed_actions(complaint.status)} if can_act else set()
    if can_act and complaint.status in services.REROUTABLE:
        allowed |= {"reroute"}
    if can_act:
        allowed |= {"note"}
    duplicates = []
    if can_act and complaint.status in services.REROUTABLE:
        candidates = find_duplicate_candidates(
            complaint.category, complaint.latitude, complaint.longitude, exclude_id=complaint.pk
        )
        actionable = set(
            complaints_in_charge(
                request.user, Complaint.objects.filter(pk__in=[c.pk for c in candidates])
            ).values_list("pk", flat=True)
        )
        duplicates = [c for c in candidates if c.pk in actionable]
    return render(
        request,
        "traitement/case_detail.html",
        {
            "case": case,
            "complaint": complaint,
            "can_act": can_act,
            "personal": personal,
            "allowed": allowed,
            "forms": {code: ACTION_FORMS[code](case=case) for code in allowed},
            "events": case.events.select_related("actor", "from_desk", "to_desk").order_by(
                "at", "pk"
            ),
            "copy_desks": list(case.copy_desks.all()),
            "duplicates": duplicates,
            "followers": complaint.complainants.filter(is_original_reporter=False).count(),
            "merged": Complaint.objects.filter(case__merged_into=complaint).order_by("pk"),
        },
    )


@role_required(*STAFF_ROLES)
def case_photo(request, reference, pk, thumbnail=False):
    """A photo of a case (or its thumbnail), only for those who may see the complaint's
    personal data; every read is audited. Photos have no public URL."""
    complaint = _visible_complaint(request.user, reference)
    if not can_view_personal_data(request.user, complaint):
        raise PermissionDenied
    photo = get_object_or_404(Photo, pk=pk, complaint=complaint)
    try:
        path = photo_thumbnail(photo) if thumbnail else None
        stream = path.open("rb") if path else photo.image.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    log_personal_data_read(
        request.user,
        complaint,
        request,
        details={"vue": "miniature" if thumbnail else "photo", "photo": photo.pk},
    )
    response = FileResponse(stream, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="{complaint.reference}-{photo.pk}.jpg"'
    return response


@role_required(*STAFF_ROLES)
@require_POST
def case_action(request, reference, action):
    if action not in ACTION_FORMS and action not in ("assign_me", "merge"):
        raise Http404
    complaint = _visible_complaint(request.user, reference)
    if not can_act_on(request.user, complaint):
        raise PermissionDenied
    case = services.case_for(complaint)
    url = reverse("traitement:case", args=[complaint.reference])
    try:
        if action == "assign_me":
            services.assign(case, request.user, request.user)
        elif action == "merge":
            references = request.POST.getlist("doublons")
            duplicates = complaints_in_charge(
                request.user, Complaint.objects.filter(reference__in=references)
            ).exclude(pk=complaint.pk)
            if not references or len(duplicates) != len(set(references)):
                messages.error(request, _("Sélectionnez les doublons à fusionner dans ce dossier."))
                return redirect(url)
            services.merge(case, [services.case_for(d) for d in duplicates], request.user)
        else:
            form = ACTION_FORMS[action](request.POST, case=case)
            if not form.is_valid():
                messages.error(request, _form_errors(form))
                return redirect(url)
            form.apply(request.user)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return redirect(url)
    log_event(request.user, AuditAction.CASE_CHANGE, complaint, request, {"action": action})
    messages.success(request, DONE[action])
    return redirect(url)


@role_required(*STAFF_ROLES)
@require_POST
def bulk(request):
    """Bulk assign, close or merge: a first POST asks for confirmation, the second applies."""
    posted = request.POST.getlist("dossiers")
    in_charge = list(
        complaints_in_charge(request.user, Complaint.objects.filter(reference__in=posted))
        .select_related("category")
        .order_by("received_at", "pk")
    )
    profile = profile_of(request.user)
    agents = services.desk_agents(profile.desk if profile else None)
    form = BulkForm(request.POST, references=[c.reference for c in in_charge], agents=agents)
    queue_url = reverse("traitement:queue")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(queue_url)
    data = form.cleaned_data
    chosen = [c for c in in_charge if c.reference in data["dossiers"]]
    if not data["confirm"]:
        return render(
            request,
            "traitement/bulk_confirm.html",
            {"form": form, "complaints": chosen, "data": data},
        )
    cases = [services.case_for(c) for c in chosen]
    action = data["action"]
    if action == "merge":
        main_reference = data["main"] or chosen[0].reference
        main = next(c for c in cases if c.complaint.reference == main_reference)
        others = [c for c in cases if c is not main]
        try:
            services.merge(main, others, request.user)
        except services.WorkflowError as error:
            messages.error(request, str(error))
            return redirect(queue_url)
        result = services.BulkResult(done=others, refused=[])
    elif action == "close":
        result = services.bulk_apply(cases, services.close, request.user, data["reason"])
    else:
        agent = request.user if action == "assign_me" else data["agent"]
        result = services.bulk_apply(cases, services.assign, request.user, agent)
    for case in result.done:
        log_event(
            request.user, AuditAction.CASE_CHANGE, case.complaint, request, {"action": action}
        )
    if result.done:
        messages.success(
            request,
            _("%(n)d dossier(s) traité(s) : %(refs)s.")
            % {
                "n": len(result.done),
                "refs": ", ".join(c.complaint.reference for c in result.done),
            },
        )
    for _case, reason in result.refused:
        messages.error(request, reason)
    return redirect(queue_url)

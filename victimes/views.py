"""Victims' pages: the public orientation finder; the desks' records (orientations)."""

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from accounts.audit import log_event
from accounts.choices import AuditAction, Role
from accounts.permissions import profile_of, role_required
from victimes.complaints import consented_cases, read_case
from victimes.finder import find
from victimes.forms import FINDER_PARAMETERS, FinderForm, RecordForm, TallyDayForm, TallyFormSet
from victimes.gaps import matrix as gap_matrix
from victimes.gaps import rows as gap_rows
from victimes.orientations import own_desk, record, visible_records


def _no_trace(response):
    """Neither the browser's cache nor the next site keep anything of the page."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def finder(request):
    """Public, read-only: a GET form (no CSRF cookie, no session, no database write)."""
    bound = any(name in request.GET for name in FINDER_PARAMETERS)
    form = FinderForm(request.GET if bound else None)
    answer = find(form.query()) if bound and form.is_valid() else None
    status = 400 if bound and not form.is_valid() else 200
    return _no_trace(
        render(
            request,
            "victimes/finder.html",
            {"form": form, "answer": answer, "quick_exit_url": settings.CPPS_VICTIMES_SORTIE_URL},
            status=status,
        )
    )


def _desk_or_403(request):
    desk = own_desk(request.user)
    if desk is None:  # the 403 handler logs the refusal
        raise PermissionDenied("victim-support desk required")
    return desk


@role_required(Role.VICTIM_SUPPORT, Role.ADMINISTRATOR)
def orientations(request):
    """One person received: the entry screen, and the desk's latest records."""
    desk = own_desk(request.user)
    data = request.POST if request.method == "POST" else None
    form = RecordForm(data, initial={"role": "victime", "referred_by": "police"})
    if request.method == "POST":
        desk = _desk_or_403(request)
        if form.is_valid():
            record(request.user, [form.record_input(form.cleaned_data["day"])])
            messages.success(request, _("Orientation enregistrée."))
            return redirect("victimes:orientations")
    records = (
        visible_records(request.user).select_related("desk").prefetch_related("situations")[:50]
    )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "victimes/orientations.html",
        {"form": form, "desk": desk, "records": records},
        status=status,
    )


@role_required(Role.VICTIM_SUPPORT)
def tally(request):
    """A day's tally in one form: one line per person received."""
    desk = _desk_or_403(request)
    data = request.POST if request.method == "POST" else None
    day_form = TallyDayForm(data, prefix="journee")
    rows = TallyFormSet(data, prefix="ligne")
    if request.method == "POST" and day_form.is_valid() and rows.is_valid():
        day = day_form.cleaned_data["day"]
        items = [row.record_input(day) for row in rows if row.has_changed()]
        if items:
            record(request.user, items)
            messages.success(
                request,
                ngettext(
                    "%(n)d orientation enregistrée.", "%(n)d orientations enregistrées.", len(items)
                )
                % {"n": len(items)},
            )
            return redirect("victimes:orientations")
        day_form.add_error(None, _("Aucune ligne remplie."))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "victimes/tally.html",
        {"day_form": day_form, "rows": rows, "desk": desk},
        status=status,
    )


GAP_ROLES = (
    Role.CSPA_COORDINATOR,
    Role.CONTRACT_PILOT,
    Role.ANALYST,
    Role.VICTIM_SUPPORT,
    Role.ADMINISTRATOR,
)


@role_required(*GAP_ROLES)
def gaps(request):
    """Sectors × situations: where a situation has no reachable help."""
    data = gap_matrix()
    own = getattr(profile_of(request.user), "sector", None)
    return render(
        request,
        "victimes/gaps.html",
        {
            "data": data,
            "rows": gap_rows(data),
            "national_row": [data["national"][pk] for pk, _name in data["situations"]],
            "own_sector": own,
        },
    )


@role_required(*GAP_ROLES)
def gaps_csv(request):
    data = gap_matrix()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="aide-aux-victimes-manques.csv"'
    response.write("\ufeff")  # spreadsheets read the accents
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("secteur"),
            _("situation"),
            _("services locaux accessibles"),
            _("joignable la nuit"),
            _("joignable le week-end"),
            _("lignes nationales"),
        ]
    )
    for sector in data["sectors"]:
        for pk, name in data["situations"]:
            cell = data["cells"][(sector.code, pk)]
            writer.writerow(
                [
                    sector.name,
                    name,
                    cell.services,
                    _("oui") if cell.night else _("non"),
                    _("oui") if cell.weekend else _("non"),
                    data["national"][pk],
                ]
            )
    log_event(request.user, AuditAction.EXPORT, request=request, details={"export": "manques"})
    return response


@role_required(Role.VICTIM_SUPPORT)
def cases(request):
    """Complaints copied to the desk with the person's consent."""
    _desk_or_403(request)
    return render(request, "victimes/cases.html", {"complaints": consented_cases(request.user)})


@role_required(Role.VICTIM_SUPPORT)
def case(request, reference):
    """One consented complaint with its contact data (the read is audited)."""
    _desk_or_403(request)
    complaint = read_case(request.user, reference, request)
    return render(
        request,
        "victimes/case.html",
        {
            "complaint": complaint,
            "contacts": complaint.complainants.filter(consent_victim_support=True),
        },
    )

"""Steering screens: the overview of Paris and of each sector, a priority, value entry, the
comparison of sectors on one indicator, and the import/export of the whole contract.

Every staff role reads (the contract holds no personal data); entering a value is scoped by
`accounts.permissions.can_edit_contract_indicator`; import and export are for the pilots and
administrators.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import log_event, log_permission_denied
from accounts.choices import AuditAction, Role
from accounts.permissions import can_download_bilan, profile_of, role_of, role_required
from contrat import bilan, charts, computed, exchange, importer, services
from contrat.forms import ImportForm, ValueForm
from contrat.models import Indicator, Priority
from territory.models import Sector

VIEW_ROLES = tuple(Role.values)
MANAGE_ROLES = (Role.CONTRACT_PILOT, Role.ADMINISTRATOR)
MAX_ERRORS_SHOWN = 50


def _year(request) -> int:
    years = services.contract_years()
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        return services.default_year()
    return year if years[0] - 10 <= year <= years[-1] + 1 else services.default_year()


def _common(request, year: int, sector=None) -> dict:
    computed.ensure_computed_values_fresh(year)
    return {
        "can_download_bilan": can_download_bilan(request.user, sector),
        "bilan_formats": bilan.FORMATS,
        "year": year,
        "years": services.contract_years(),
        "sectors": Sector.objects.all(),
        "can_manage": role_of(request.user) in MANAGE_ROLES,
        "statuses": services.S.choices,
    }


@role_required(*VIEW_ROLES)
def overview(request):
    year = _year(request)
    context = _common(request, year)
    profile = profile_of(request.user)
    context.update(
        data=services.overview(year),
        comparable=Indicator.objects.filter(by_sector=True),
        import_form=ImportForm(),
        own_sector=profile.sector if profile else None,
    )
    return render(request, "contrat/overview.html", context)


@role_required(*VIEW_ROLES)
def sector(request, code):
    sector = get_object_or_404(Sector, code=code)
    year = _year(request)
    context = _common(request, year, sector)
    context.update(data=services.overview(year, sector), sector=sector)
    return render(request, "contrat/sector.html", context)


def _chart(snapshot, evaluation) -> str:
    indicator, sector = evaluation.indicator, evaluation.sector
    data = services.series(snapshot, indicator, sector)
    where = sector.name if sector else _("Paris")
    return charts.indicator_chart(
        chart_id=f"graphique-{indicator.code}",
        title=f"{indicator.name} — {where}",
        unit=indicator.unit,
        values=data["values"],
        targets=data["targets"],
        baseline=data["baseline"],
        years=services.contract_years(),
        months=data["months"],
    )


@role_required(*VIEW_ROLES)
def priority(request, code):
    priority = get_object_or_404(Priority, code=code)
    year = _year(request)
    sector_code = request.GET.get("secteur", "")
    sector = get_object_or_404(Sector, code=sector_code) if sector_code else None
    context = _common(request, year)
    detail = services.priority_detail(priority, year, sector)
    snapshot = detail["snapshot"]
    context.update(
        detail,
        priority=snapshot.priorities[0],
        sector=sector,
        keep=[("secteur", sector.code)] if sector else [],
        indicators=[
            {
                "evaluation": evaluation,
                "chart": _chart(snapshot, evaluation),
                "series": services.series(snapshot, evaluation.indicator, sector),
                "can_enter": bool(services.editable_sectors(request.user, evaluation.indicator)),
            }
            for evaluation in detail["state"].evaluations
        ],
    )
    return render(request, "contrat/priority.html", context)


def _priority_url(indicator, sector) -> str:
    url = reverse("contrat:priority", args=[indicator.priority.code])
    return f"{url}?{urlencode({'secteur': sector.code})}" if sector else url


@role_required(*VIEW_ROLES)
def enter_value(request, code):
    indicator = get_object_or_404(Indicator.objects.select_related("priority"), code=code)
    if indicator.is_computed:
        log_permission_denied(request, reason="computed indicator")
        return render(request, "contrat/value_computed.html", {"indicator": indicator}, status=403)
    scopes = services.editable_sectors(request.user, indicator)
    if not scopes:
        raise PermissionDenied(_("Vous ne pouvez pas saisir les valeurs de cet indicateur."))
    periods = services.period_choices(indicator, services.contract_years())
    initial = {
        "secteur": request.GET.get("secteur", ""),
        "periode": next(
            (start.isoformat() for start, _l in reversed(periods) if start <= timezone.localdate()),
            "",
        ),
    }
    form = ValueForm(
        request.POST or None,
        scopes=scopes,
        periods=periods,
        indicator=indicator,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        sector = form.cleaned_scope()
        services.record_value(
            request.user,
            indicator,
            sector=sector,
            period_start=form.cleaned_period(),
            value=form.cleaned_data["valeur"],
            source_note=form.cleaned_data["source"],
            request=request,
        )
        messages.success(request, _("La valeur est enregistrée."))
        return redirect(_priority_url(indicator, sector))
    return render(
        request,
        "contrat/value_form.html",
        {"indicator": indicator, "form": form},
        status=400 if form.is_bound else 200,
    )


@role_required(*VIEW_ROLES)
def comparison(request):
    year = _year(request)
    context = _common(request, year)
    comparable = Indicator.objects.filter(by_sector=True).select_related("priority")
    code = request.GET.get("indicateur", "")
    indicator = get_object_or_404(comparable, code=code) if code else comparable.first()
    context.update(
        comparable=comparable,
        indicator=indicator,
        keep=[("indicateur", indicator.code)] if indicator else [],
    )
    if indicator is not None:
        data = services.sector_comparison(indicator, year)
        context["data"] = data
        context["chart"] = charts.comparison_chart(
            chart_id="graphique-comparaison",
            title=_("%(indicator)s par secteur en %(year)d")
            % {"indicator": indicator.name, "year": year},
            unit=indicator.unit,
            rows=[(e.sector.name, e.value, e.target, e.status) for e in data["rows"]],
        )
    return render(request, "contrat/comparison.html", context)


@role_required(*VIEW_ROLES)
def bilan_download(request, fmt, code=None):
    """The annual report of Paris or of one sector, in HTML, PDF or DOCX (`cpps bilan` on
    the command line): pilots and administrators for all, a coordinator for their sector."""
    if fmt not in bilan.FORMATS:
        raise Http404
    sector = get_object_or_404(Sector, code=code) if code else None
    if not can_download_bilan(request.user, sector):
        raise PermissionDenied(_("Vous ne pouvez pas télécharger ce bilan."))
    year = _year(request)
    content = bilan.render(year, sector, fmt)
    log_event(
        request.user,
        AuditAction.EXPORT,
        request=request,
        details={"what": "bilan", "year": year, "sector": code or "paris", "format": fmt},
    )
    response = HttpResponse(content, content_type=bilan.CONTENT_TYPES[fmt])
    # A download in every format: the HTML report is a standalone file with its own styles.
    response["Content-Disposition"] = f'attachment; filename="{bilan.file_name(year, sector, fmt)}"'

    return response


@role_required(*MANAGE_ROLES)
def export(request, fmt):
    if fmt not in ("xlsx", "zip"):
        raise Http404
    buffer = io.BytesIO()
    if fmt == "xlsx":
        exchange.write_xlsx(buffer)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        exchange.write_csv(buffer)
        content_type = "application/zip"
    log_event(
        request.user,
        AuditAction.EXPORT,
        request=request,
        details={"what": "contract", "format": fmt},
    )
    name = f"contrat-{timezone.localdate().isoformat()}.{fmt}"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@role_required(*MANAGE_ROLES)
def import_view(request):
    form = ImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        upload = form.cleaned_data["fichier"]
        try:
            report = importer.import_tables(exchange.read_tables(upload, upload.name))
        except exchange.ExchangeError as error:
            errors = error.errors
        else:
            log_event(
                request.user,
                AuditAction.OTHER,
                request=request,
                details={
                    "operation": "contract_import",
                    "file": upload.name[:200],
                    "created": report.created,
                    "updated": report.updated,
                },
            )
            messages.success(
                request, _("Import terminé : %(summary)s.") % {"summary": report.summary()}
            )
            return redirect("contrat:overview")
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    return render(
        request,
        "contrat/import_errors.html",
        {"errors": errors[:MAX_ERRORS_SHOWN], "more": max(0, len(errors) - MAX_ERRORS_SHOWN)},
        status=400,
    )

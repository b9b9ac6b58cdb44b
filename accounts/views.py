from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.audit import log_event, log_permission_denied
from accounts.audit_display import details_text, target_kind
from accounts.choices import AuditAction, Role
from accounts.forms import AuditFilterForm
from accounts.permissions import role_required
from accounts.services import export_lines, filter_events, iterate

AUDIT_PAGE_SIZE = 100


def permission_denied(request, exception=None):
    """The project's 403 handler (`handler403`): a French page, and the refusal is logged."""
    log_permission_denied(request, reason=str(exception or "")[:200])
    return render(request, "403.html", status=403)


def _render_invalid(request, form):
    return render(request, "accounts/audit_list.html", {"form": form, "page": None}, status=400)


@role_required(Role.ADMINISTRATOR)
def audit_log(request):
    """Administrators search the audit trail: who, what, when, on which complaint."""
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _render_invalid(request, form)
    events = filter_events(form.filters())
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.details_fr = details_text(event.details)
        event.target_kind = target_kind(event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@role_required(Role.ADMINISTRATOR)
def audit_export(request):
    """The filtered trail as CSV; the export is itself an audit event."""
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _render_invalid(request, form)
    filters = form.filters()
    events = filter_events(filters)
    log_event(
        request.user,
        AuditAction.EXPORT,
        request=request,
        details={
            "export": "audit",
            "format": "csv",
            "filters": filters.as_dict(),
            "count": events.count(),
        },
    )
    response = StreamingHttpResponse(
        export_lines(iterate(events), "csv"), content_type="text/csv; charset=utf-8"
    )
    filename = f"cpps-audit-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""The observatory's pages: the dashboard of Paris and of each sector, its data endpoints
(map JSON, panels fragment), downloads, barometers and the alert subscription toggle.

Who sees what is `accounts.permissions.can_see_observatory`: analysts, contract pilots and
administrators see Paris and every sector, a CSPA coordinator their own sector only.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date, datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import log_event
from accounts.choices import AuditAction
from accounts.permissions import can_see_observatory
from observatoire import barometre, dashboard, maps, services, subscriptions
from observatoire.dashboard import GRAIN_PARAMETER
from observatoire.filter_notes import filter_notes
from observatoire.filters import Filters
from observatoire.forms import FilterForm
from prevention.digest import complaints_near_active_pairs
from territory.models import Sector

MAP_MODE_PARAMETER = "carte"
MAP_MODES = ("nombre", "densite")


def observatory_view(view):
    """Anonymous visitors go to the login page; an unknown sector is a 404; a user who may
    not see Paris (no sector in the URL) or this sector gets the French 403 page."""

    @wraps(view)
    def wrapped(request, *args, sector=None, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        sector_obj = get_object_or_404(Sector, code=sector) if sector else None
        if not can_see_observatory(request.user, sector_obj):
            raise PermissionDenied
        return view(request, sector_obj, *args, **kwargs)

    return wrapped


def _name(base: str, sector: Sector | None) -> str:
    """URL names: "dashboard", "map"… for Paris; "sector", "sector-map"… for a sector."""
    if not sector:
        return f"observatoire:{base}"
    return "observatoire:sector" if base == "dashboard" else f"observatoire:sector-{base}"


def _url(base: str, sector: Sector | None, **kwargs) -> str:
    if sector:
        kwargs["sector"] = sector.code
    return reverse(_name(base, sector), kwargs=kwargs)


def _view_state(request, sector: Sector | None):
    """(scoped filters, options, query string of the view) from the request."""
    f = dashboard.scoped_filters(Filters.from_querydict(request.GET), sector and sector.code)
    options = {"grain": dashboard.grain_of(request.GET, f)}
    query = f.to_querystring()
    grain = request.GET.get(GRAIN_PARAMETER, "")
    if grain in dashboard.GRAIN_CHOICES and grain != "auto":
        query += f"&{GRAIN_PARAMETER}={grain}"
    return f, options, query


def _panel(sector, slug: str, section, query: str) -> dict:
    """What a section's template needs: the section (None while a slow one is computed
    later), its download links and the URL of its fragment."""
    export = _url("export", sector, name=slug, fmt="csv")
    return {
        "slug": slug,
        "title": section.title if section else dashboard.SLOW_SECTIONS[slug],
        "section": section,
        "csv": f"{export}?{query}",
        "svg": f"{export[:-3]}svg?{query}" if section and section.has_svg else None,
        "lazy_url": f"{_url('section', sector, name=slug)}?{query}",
    }


def _panels_context(request, sector, f, options, query) -> dict:
    board = dashboard.dashboard(f, options, sector and sector.code)
    panels = {
        slug.replace("-", "_"): _panel(sector, slug, section, query)
        for slug, section in board.sections.items()
    }
    return {
        "filters": f,
        "filter_notes": filter_notes(request.GET),
        "figures": board.sections["chiffres-cles"].rows,
        "panels": panels,
        "query": query,
    }


def _parse_instant(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
@observatory_view
def dashboard_page(request, sector):
    f, options, query = _view_state(request, sector)
    context = _panels_context(request, sector, f, options, query)
    status = services.store_status()
    map_mode = request.GET.get(MAP_MODE_PARAMETER)
    grain = request.GET.get(GRAIN_PARAMETER)
    context.update(
        sector=sector,
        place=sector.name if sector else "Paris",
        form=FilterForm(
            f,
            services.filter_options(),
            grain if grain in dashboard.GRAIN_CHOICES else "auto",
            sector,
        ),
        map_mode=map_mode if map_mode in MAP_MODES else MAP_MODES[0],
        map_url=_url("map", sector),
        panels_url=_url("panels", sector),
        page_url=_url("dashboard", sector),
        barometer_url=_url("barometer", sector),
        barometer_month=barometre.previous_month(date.today()),
        refreshed_at=_parse_instant(status.get("refreshed_at")),
        store_rows=status.get("rows"),
        subscribed=subscriptions.is_subscribed(request.user, sector) if sector else None,
        sectors=[s for s in Sector.objects.all() if can_see_observatory(request.user, s)],
        early_warnings=complaints_near_active_pairs(date.today(), sector),
    )
    return render(request, "observatoire/dashboard.html", context)


@require_GET
@observatory_view
def panels(request, sector):
    """The key figures, charts and tables of the view, as an HTML fragment: the page's
    script swaps it in when a filter changes."""
    f, options, query = _view_state(request, sector)
    return render(
        request,
        "observatoire/_panels.html",
        _panels_context(request, sector, f, options, query),
    )


@require_GET
@observatory_view
def section_fragment(request, sector, name):
    """One section as an HTML fragment (slow sections are fetched this way after the page)."""
    if name not in dashboard.section_slugs(sector and sector.code):
        raise Http404
    f, options, query = _view_state(request, sector)
    section = dashboard.section(name, f, options, dashboard.store_version())
    return render(
        request, "observatoire/_section.html", {"p": _panel(sector, name, section, query)}
    )


@require_GET
@observatory_view
def map_data(request, sector):
    f, _options, _query = _view_state(request, sector)
    return JsonResponse(maps.map_data(f, sector and sector.code))


@require_GET
@observatory_view
def export(request, sector, name, fmt):
    """One section as CSV (its table) or SVG (its chart), for the view's filters."""
    if fmt not in ("csv", "svg") or name not in dashboard.section_slugs(sector and sector.code):
        raise Http404
    f, options, _query = _view_state(request, sector)
    section = dashboard.section(name, f, options, dashboard.store_version())
    if fmt == "svg" and not section.has_svg:
        raise Http404
    log_event(
        request.user,
        AuditAction.EXPORT,
        request=request,
        details={
            "export": f"observatoire-{name}",
            "format": fmt,
            "sector": sector.code if sector else None,
            "filters": f.to_querystring(),
        },
    )
    place = sector.code if sector else "paris"
    filename = f"observatoire-{place}-{name}-{f.start:%Y%m%d}-{f.end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(section.csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?>\n' + section.chart(),
            content_type="image/svg+xml; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _style_hashes(html: str) -> list[str]:
    blocks = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks
    ]


@require_GET
@observatory_view
def barometer(request, sector):
    """The monthly barometer (`mois=AAAA-MM`, `format=html|pdf`), written under the reports
    directory and served from there."""
    try:
        month = barometre.parse_month(request.GET.get("mois", ""))
    except ValueError as error:
        messages.error(request, str(error))
        return redirect(_url("dashboard", sector))
    if month > date.today():
        messages.error(
            request,
            _("Le baromètre de %(month)s n'existe pas encore.")
            % {"month": date_format(month, "F Y")},
        )
        return redirect(_url("dashboard", sector))
    fmt = "pdf" if request.GET.get("format") == "pdf" else "html"
    path = barometre.write(month, sector, formats=(fmt,))[fmt]
    log_event(
        request.user,
        AuditAction.EXPORT,
        request=request,
        details={"export": "barometre", "format": fmt, "month": f"{month:%Y-%m}"},
    )
    if fmt == "html":
        html = path.read_text(encoding="utf-8")
        response = HttpResponse(html)
        # A self-contained document (the same HTML makes the PDF): its own <style> block is
        # allowed by its hash, nothing else inline.
        response._csp_update = {"style-src": _style_hashes(html)}
        return response
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@require_POST
@observatory_view
def subscription(request, sector):
    """Switch the weekly alert digest of the sector on or off for the current user."""
    if sector is None:
        raise Http404
    active = request.POST.get("actif") == "1"
    subscriptions.set_subscription(request.user, sector, active)
    if active:
        messages.success(
            request,
            _("Vous recevrez chaque semaine par courriel les alertes du secteur %(sector)s.")
            % {"sector": sector.name},
        )
    else:
        messages.success(
            request,
            _("Vous ne recevrez plus les alertes du secteur %(sector)s.") % {"sector": sector.name},
        )
    return redirect(_url("dashboard", sector))

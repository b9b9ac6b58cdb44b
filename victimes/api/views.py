"""The HSDS 3.0 API (`/api/hsds/`): public read of the directory, paginated as the standard.

Plain Django views answering JSON: no authentication, no session, so that reading the
directory sets no cookie. Only public services (active, checked within the validity
period) and what hangs from them are listed.
"""

from __future__ import annotations

import math
import uuid

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from victimes import hsds
from victimes.models import ServiceAtLocation, Taxonomy, TaxonomyTerm

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class BadRequest(Exception):
    pass


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _positive(request, name, default):
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BadRequest(
            _("Le paramètre « %(name)s » doit être un entier positif.") % {"name": name}
        )
    return value


def _uuid(value, name):
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise BadRequest(
            _("Le paramètre « %(name)s » doit être un identifiant UUID.") % {"name": name}
        ) from exc


def page(request, queryset, render) -> dict:
    """The HSDS `Page` object of `queryset` (ordered), items rendered by `render`."""
    number = _positive(request, "page", 1)
    size = min(_positive(request, "per_page", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    total = queryset.count()
    pages = max(1, math.ceil(total / size))
    items = list(queryset[(number - 1) * size : number * size])
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": total == 0,
        "contents": [render(item) for item in items],
    }


def api_view(view):
    """GET only; bad parameters answer 400 with a French message, unknown ids 404."""

    @require_GET
    def wrapped(request, *args, **kwargs):
        try:
            return _json(view(request, *args, **kwargs))
        except BadRequest as exc:
            return _json({"error": str(exc)}, status=400)
        except Http404:
            return _json({"error": _("Objet introuvable.")}, status=404)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _object_or_404(queryset, pk):
    try:
        key = uuid.UUID(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    return get_object_or_404(queryset, pk=key)


@api_view
def index(request):
    return {"version": hsds.HSDS_VERSION, "openapi_url": hsds.OPENAPI_URL}


def _services(request):
    queryset = hsds.services_queryset()
    if text := request.GET.get("search"):
        queryset = queryset.filter(hsds.search_filter(text, "name", "description"))
    if term := request.GET.get("taxonomy_term_id"):
        queryset = queryset.filter(attributes__taxonomy_term=_uuid(term, "taxonomy_term_id"))
    if taxonomy_id := request.GET.get("taxonomy_id"):
        queryset = queryset.filter(
            attributes__taxonomy_term__taxonomy=_uuid(taxonomy_id, "taxonomy_id")
        )
    if organization_id := request.GET.get("organization_id"):
        queryset = queryset.filter(organization=_uuid(organization_id, "organization_id"))
    if after := request.GET.get("modified_after"):
        moment = parse_datetime(after)
        if moment is None:
            raise BadRequest(_("« modified_after » doit être une date et heure ISO 8601."))
        queryset = queryset.filter(last_modified__gte=moment)
    return queryset.distinct().order_by("name", "id")


@api_view
def services(request):
    full = request.GET.get("full") == "true"
    return page(request, _services(request), hsds.service if full else hsds.service_fields)


@api_view
def service(request, pk):
    return hsds.service(_object_or_404(hsds.services_queryset(), pk))


def _organizations():
    return hsds.public_organizations().prefetch_related(
        "phones", *(f"locations__{name}" for name in hsds.LOCATION_PREFETCH)
    )


@api_view
def organizations(request):
    queryset = _organizations()
    if text := request.GET.get("search"):
        queryset = queryset.filter(hsds.search_filter(text, "name", "description"))
    return page(request, queryset.order_by("name", "id"), hsds.organization_fields)


@api_view
def organization(request, pk):
    obj = _object_or_404(_organizations(), pk)
    return hsds.organization(obj, hsds.services_queryset().filter(organization=obj))


def _service_at_locations():
    public = hsds.services_queryset().values("pk")
    return ServiceAtLocation.objects.filter(service__in=public).select_related(
        "service__organization", "location"
    )


@api_view
def service_at_locations(request):
    queryset = _service_at_locations()
    if organization_id := request.GET.get("organization_id"):
        queryset = queryset.filter(service__organization=_uuid(organization_id, "organization_id"))
    if term := request.GET.get("taxonomy_term_id"):
        queryset = queryset.filter(
            service__attributes__taxonomy_term=_uuid(term, "taxonomy_term_id")
        )
    if postcode := request.GET.get("postcode"):
        queryset = queryset.filter(location__addresses__postal_code=postcode)
    return page(
        request,
        queryset.distinct().order_by("service__name", "id"),
        lambda sal: {
            **hsds.service_at_location_fields(sal),
            "service": hsds.service_fields(sal.service),
            "location": {
                k: v for k, v in hsds.location(sal.location).items() if not isinstance(v, list)
            },
        },
    )


@api_view
def service_at_location(request, pk):
    sal = _object_or_404(
        _service_at_locations().prefetch_related(
            *(f"location__{name}" for name in hsds.LOCATION_PREFETCH)
        ),
        pk,
    )
    return {
        **hsds.service_at_location_fields(sal),
        "location": hsds.location(sal.location),
        "service": hsds.service_fields(sal.service),
    }


@api_view
def taxonomies(request):
    return page(request, Taxonomy.objects.order_by("name", "id"), hsds.taxonomy)


@api_view
def taxonomy(request, pk):
    return hsds.taxonomy(_object_or_404(Taxonomy.objects.all(), pk))


@api_view
def taxonomy_terms(request):
    queryset = TaxonomyTerm.objects.select_related("taxonomy")
    if taxonomy_id := request.GET.get("taxonomy_id"):
        queryset = queryset.filter(taxonomy=_uuid(taxonomy_id, "taxonomy_id"))
    if parent_id := request.GET.get("parent_id"):
        queryset = queryset.filter(parent=_uuid(parent_id, "parent_id"))
    if request.GET.get("top_only") == "true":
        queryset = queryset.filter(parent__isnull=True)
    if text := request.GET.get("search"):
        queryset = queryset.filter(hsds.search_filter(text, "name", "description"))
    return page(request, queryset.order_by("order", "code"), hsds.taxonomy_term)


@api_view
def taxonomy_term(request, pk):
    return hsds.taxonomy_term(_object_or_404(TaxonomyTerm.objects.select_related("taxonomy"), pk))

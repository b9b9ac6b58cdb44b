"""Public open-data downloads (no login): the aggregates with small counts suppressed."""

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from observatoire import opendata
from observatoire.store import StoreBusy

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
}


@require_GET
@cache_control(public=True, max_age=3600)
def aggregates(request, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404(_("Format inconnu."))
    try:
        path = opendata.published_file(fmt)
    except StoreBusy as exc:
        response = HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "30"
        return response
    response = FileResponse(
        path.open("rb"), content_type=CONTENT_TYPES[fmt], filename=path.name, as_attachment=False
    )
    response["Content-Type"] = CONTENT_TYPES[fmt]
    return response

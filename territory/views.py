from django.http import Http404, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from territory.services import (
    GEOJSON_LEVELS,
    InvalidInput,
    locate,
    parse_simplify,
    territory_geojson,
)


class LocateView(APIView):
    """Where is a point: quartier, arrondissement, CSPA sector and H3 cells (public)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "lat", OpenApiTypes.DOUBLE, required=True, description="Latitude WGS84"
            ),
            OpenApiParameter(
                "lon", OpenApiTypes.DOUBLE, required=True, description="Longitude WGS84"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        try:
            answer = locate(request.query_params.get("lat"), request.query_params.get("lon"))
        except InvalidInput as exc:
            return Response({"detail": str(exc), "errors": exc.errors}, status=400)
        return Response(answer)


@require_GET
@cache_control(public=True, max_age=3600)
def territory_geojson_view(request, level):
    """The territory's outlines for maps; public data (Paris Open Data, ODbL).

    `?simplify=<metres>` lightens the outlines (exact by default).
    """
    if level not in GEOJSON_LEVELS:
        raise Http404
    try:
        simplify_m = parse_simplify(request.GET.get("simplify"))
    except InvalidInput as exc:
        return JsonResponse({"detail": str(exc), "errors": exc.errors}, status=400)
    return JsonResponse(territory_geojson(level, simplify_m), content_type="application/geo+json")

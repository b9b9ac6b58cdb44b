from django.http import Http404, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from territory.services import locate, territory_geojson


class LocateQuery(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class LocateView(APIView):
    """Where is a point: quartier, arrondissement, CSPA sector and H3 cells (public)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("lat", float, required=True),
            OpenApiParameter("lon", float, required=True),
        ],
        responses={200: dict},
    )
    def get(self, request):
        query = LocateQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(locate(query.validated_data["lat"], query.validated_data["lon"]))


@require_GET
@cache_control(public=True, max_age=3600)
def territory_geojson_view(request, level):
    """The territory's outlines for maps; public data (Paris Open Data, ODbL)."""
    if level not in ("quartiers", "arrondissements"):
        raise Http404
    return JsonResponse(territory_geojson(level), content_type="application/geo+json")

from django.conf import settings


def site(request):
    return {
        "map_tile_url": settings.CPPS_MAP_TILE_URL,
        "map_tile_attribution": settings.CPPS_MAP_TILE_ATTRIBUTION,
        "user_role": getattr(getattr(request.user, "profile", None), "role", None)
        if getattr(request, "user", None) and request.user.is_authenticated
        else None,
    }

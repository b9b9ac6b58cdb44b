"""Requests carrying a NUL character in a header or a cookie are refused before any view.

No identifier of ours holds one, and PostgreSQL refuses it in any query: a session cookie or
an API token with a NUL would otherwise reach the database and fail there (a 5xx). HTTP
servers usually drop such requests themselves; this makes it true whatever serves the app.
"""

from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _carries_nul(request) -> bool:
    headers = [value for key, value in request.META.items() if key.startswith("HTTP_")]
    # Cookies are also read decoded: a quoted value may carry an escaped NUL.
    return any("\x00" in str(value) for value in (*headers, *request.COOKIES.values()))


class RejectNulCharacters:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            if "/api/" in request.path:  # every API answers JSON, in its field-errors shape
                message = _("Requête invalide : caractère nul dans un en-tête ou un cookie.")
                return JsonResponse({"errors": {"requete": [message]}}, status=400)
            # Rendered without the request: its session is the very thing not to read.
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)

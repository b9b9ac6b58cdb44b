"""Request hygiene before any view: the client's address behind our reverse proxy, and
requests carrying a NUL character refused."""

import ipaddress

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _carries_nul(request) -> bool:
    headers = [value for key, value in request.META.items() if key.startswith("HTTP_")]
    # Cookies are also read decoded: a quoted value may carry an escaped NUL.
    return any("\x00" in str(value) for value in (*headers, *request.COOKIES.values()))


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class ClientAddressFromProxy:
    """Behind the reverse proxy every request comes from the proxy's address: the per-client
    rate limits, the login lock-outs (django-axes) and the audit log would take all residents
    for one client. From a proxy listed in CPPS_FORWARDED_ALLOW_IPS, REMOTE_ADDR becomes the
    address that proxy saw: X-Forwarded-For read from the right, past our own proxies (what a
    client writes in the header is on the left, and is never believed)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.anyone = "*" in settings.CPPS_FORWARDED_ALLOW_IPS
        self.proxies = [
            ipaddress.ip_network(net, strict=False)
            for net in settings.CPPS_FORWARDED_ALLOW_IPS
            if net != "*"
        ]

    def _listed(self, address) -> bool:
        return address is not None and any(address in network for network in self.proxies)

    def __call__(self, request):
        client = _address(request.META.get("REMOTE_ADDR", ""))
        if client is not None and (self.anyone or self._listed(client)):
            # "*" trusts the peer only: the hops it forwards are believed when listed.
            for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
                seen = _address(hop)
                if seen is None:
                    break
                client = seen
                if not self._listed(seen):
                    break
            request.META["REMOTE_ADDR"] = str(client)
        return self.get_response(request)


class RejectNulCharacters:
    """Requests carrying a NUL character in a header or a cookie are refused before any view.

    No identifier of ours holds one, and PostgreSQL refuses it in any query: a session cookie
    or an API token with a NUL would otherwise reach the database and fail there (a 5xx). HTTP
    servers usually drop such requests themselves; this makes it true whatever serves the app.
    """

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

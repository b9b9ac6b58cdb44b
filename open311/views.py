"""GeoReport v2 endpoints: parse the request, call one service function, render XML or JSON.

Plain Django views rather than DRF: the spec fixes the URLs (format as a suffix), the
content types, the XML shape and the error bodies, none of which DRF's conventions give.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from doleances.idempotency import RetryConflict, RetryKey, fingerprint, header_retry_key
from open311 import keys, services
from open311.attributes import attribute_params
from open311.errors import Open311Error
from open311.forms import ServiceRequestForm
from open311.render import FORMATS, respond, respond_error

logger = logging.getLogger(__name__)


def open311_view(methods=("GET",)):
    """Check the format and the method, and turn errors into the spec's error bodies."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            if fmt not in FORMATS:
                return respond_error(
                    fmt, 404, [_("Format inconnu : %(fmt)s (xml ou json).") % {"fmt": fmt}]
                )
            allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())
            if request.method not in allowed:
                return respond_error(
                    fmt,
                    405,
                    [_("Méthode %(method)s non prise en charge.") % {"method": request.method}],
                    headers={"Allow": ", ".join(sorted(allowed))},
                )
            # No identifier or parameter holds a NUL (PostgreSQL refuses it in any query).
            if any("\x00" in str(value) for value in kwargs.values()):
                return respond_error(fmt, 404, [_("Identifiant inconnu.")])
            try:
                if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
                    raise Open311Error(400, _("Caractère nul interdit dans les paramètres."))
                return view(request, *args, fmt=fmt, **kwargs)
            except RequestDataTooBig:
                return respond_error(fmt, 413, [_("Requête trop volumineuse.")])
            except SuspiciousOperation:
                # Too many fields, malformed multipart...: the spec's error body, not an HTML page.
                return respond_error(fmt, 400, [_("Requête invalide.")])
            except Open311Error as exc:
                headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
                return respond_error(fmt, exc.status, exc.descriptions, headers=headers)
            except DatabaseError:
                logger.exception("database error in Open311")
                return respond_error(
                    fmt,
                    503,
                    [_("Service momentanément indisponible, réessayez.")],
                    headers={"Retry-After": "2"},
                )

        return wrapper

    return decorate


def _has_nul(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


def _params(request) -> QueryDict:
    """Query string and form body together (some clients put POST arguments in the URL)."""
    params = request.GET.copy()
    if request.method == "POST":
        for name in request.POST:
            params.setlist(name, request.POST.getlist(name))
    return params


def _optional_key(request, params):
    """GETs need no key; one given is checked (and counted) so that its client also sees
    the requests it filed in unpublished services."""
    return keys.authenticate(params["api_key"], request) if params.get("api_key") else None


def _retry_key(request, key, params) -> RetryKey:
    """The client's Idempotency-Key header (24 hours), else the request itself: the same
    parameters from the same API key within CPPS_OPEN311_RETRY_WINDOW_SECONDS are a retry
    (a client that timed out and sends again), answered with the first complaint."""
    fields = {name: params.getlist(name) for name in params if name != "api_key"}
    digest = fingerprint(fields)
    try:
        header = header_retry_key(request, f"open311:{key.pk}", digest, timedelta(hours=24))
    except RetryConflict as exc:
        raise Open311Error(400, str(exc)) from exc
    if header is not None:
        return header
    window = timedelta(seconds=settings.CPPS_OPEN311_RETRY_WINDOW_SECONDS)
    return RetryKey(f"open311-auto:{key.pk}", digest, digest, window)


@open311_view()
def discovery(request, fmt):
    endpoint = request.build_absolute_uri("/open311/v2")
    return respond(fmt, "discovery", services.discovery(endpoint))


@open311_view()
def service_list(request, fmt):
    return respond(fmt, "services", services.service_list())


@open311_view()
def service_definition(request, service_code, fmt):
    return respond(fmt, "service_definition", services.service_definition(service_code))


@open311_view(methods=("GET", "POST"))
def requests(request, fmt):
    params = _params(request)
    if request.method != "POST":
        key = _optional_key(request, params)
        return respond(fmt, "service_requests", services.find_requests(params, key))
    started = time.monotonic()
    key = keys.authenticate(params.get("api_key", ""), request)
    form = ServiceRequestForm(params)
    if not form.is_valid():
        raise Open311Error(400, *form.error_descriptions())
    complaint = services.submit_request(
        key,
        form.cleaned_data,
        attribute_params(params),
        retry=_retry_key(request, key, params),
        deadline=started + settings.CPPS_INTAKE_DEADLINE_SECONDS,
    )
    return respond(fmt, "service_requests", services.post_response(complaint))


@open311_view()
def request_detail(request, service_request_id, fmt):
    key = _optional_key(request, request.GET)
    return respond(fmt, "service_requests", services.get_request(service_request_id, key))


@open311_view()
def token(request, token_id, fmt):
    raise Open311Error(
        404,
        _(
            "Jeton inconnu : ce serveur crée les signalements immédiatement et renvoie "
            "directement leur service_request_id."
        ),
    )


@csrf_exempt
def not_found(request, path=""):
    fmt = "json" if path.endswith(".json") else "xml"
    return respond_error(fmt, 404, [_("Ressource Open311 inconnue : %(path)s.") % {"path": path}])


@open311_view()
def request_updates(request, fmt):
    key = _optional_key(request, request.GET)
    return respond(fmt, "service_requests_updates", services.request_updates(request.GET, key))

"""API-wide behaviour: every error is a structured JSON body, never an HTML 500 page.

Bad input is answered where it is parsed (serializers, `IntakeError`, the Open311 errors):
this handler turns what DRF and Django already know into 400s, a database outage into a 503,
and anything else into a logged 500 — an unexpected exception is a defect to fix, not a
« requête invalide » to hide.
"""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

# The bodies of our API errors, as the OpenAPI schema documents them (every API shares them).
ERRORS = OpenApiResponse(
    inline_serializer(
        "ErreursDeSaisie",
        {
            "errors": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField())
            )
        },
    ),
    description=_('Erreurs par champ, en français : {"errors": {champ: [messages]}}.'),
)
DETAIL = inline_serializer("Detail", {"detail": serializers.CharField()})
# A refusal: not authenticated (401) or not allowed (403), with a French reason.
REFUSALS = {
    401: OpenApiResponse(DETAIL, description=_("Authentification requise (jeton ou session).")),
    403: OpenApiResponse(DETAIL, description=_("Rôle, partenaire ou guichet non autorisé.")),
}


def document_bad_requests(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation may answer 400, since a request
    whose headers or cookies hold a NUL character is refused before any view
    (`cpps.middleware`), with the field-errors body; the schema says so."""
    body = {
        "type": "object",
        "properties": {
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }
        },
        "required": ["errors"],
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("responses", {}).setdefault(
                "400",
                {
                    "description": str(_("Requête invalide.")),
                    "content": {"application/json": {"schema": body}},
                },
            )
    return result


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DatabaseError):
        logger.error("database error in API", exc_info=exc)
        return Response(
            {"detail": "Service momentanément indisponible, réessayez."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "2"},
        )
    logger.error(
        "unexpected error in API view %s", type(context.get("view")).__name__, exc_info=exc
    )
    return Response(
        {"detail": "Erreur interne du serveur ; elle a été enregistrée."},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )

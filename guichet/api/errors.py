"""Error bodies of the complaints API: `{"errors": {field: [French messages]}}`, never a 500.

Partners' systems send anything (truncated JSON, wrong encodings, absurd numbers); each case
ends in a structured 4xx answer their developers can act on.
"""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.api import exception_handler as project_exception_handler

NON_FIELD = "non_field_errors"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Requête trop volumineuse."
    default_code = "too_large"


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as one level: {"contact.email": ["..."]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = NON_FIELD if key in ("non_field_errors", None) and not prefix else str(key)
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD: [str(message) for message in messages]}


def errors_response(errors: dict[str, list[str]], code=status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"errors": errors}, status=code)


def api_exception_handler(exc, context):
    if isinstance(exc, exceptions.ValidationError):
        return errors_response(flatten_errors(exc.detail))
    if isinstance(exc, exceptions.ParseError):
        return errors_response(
            {
                NON_FIELD: [
                    _(
                        "Corps de requête illisible : envoyez un objet JSON valide encodé en "
                        "UTF-8, ou un formulaire multipart/form-data."
                    )
                ]
            }
        )
    if isinstance(exc, RecursionError):
        return errors_response({NON_FIELD: [_("Corps de requête trop imbriqué.")]})
    if isinstance(exc, RequestDataTooBig | PayloadTooLarge):
        return errors_response(
            {NON_FIELD: [_("Requête trop volumineuse.")]},
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):
        return errors_response({NON_FIELD: [_("Requête invalide.")]})
    return project_exception_handler(exc, context)

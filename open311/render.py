"""GeoReport v2 responses in XML and JSON from one Python structure.

The JSON follows the Spark convention the spec uses: a list element of the XML becomes a
JSON array of its children. The XML child of each list element is named here.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# XML is the format the spec requires; it answers when the asked format is unknown.
DEFAULT_FORMAT = "xml"

LIST_ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_requests_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


# Characters XML 1.0 cannot carry, even escaped (controls but tab and newlines, surrogates,
# U+FFFE/U+FFFF): a client's input echoed in an error must not make the document unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _element(tag: str, value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        for child in value:
            element.append(_element(LIST_ITEMS[tag], child))
    else:
        element.text = _text(value)
    return element


def to_xml(root: str, payload) -> bytes:
    body = ET.tostring(_element(root, payload), encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()


def respond(fmt: str, root: str, payload, status: int = 200, headers=None) -> HttpResponse:
    if fmt not in FORMATS:
        fmt = DEFAULT_FORMAT
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False).encode()
    else:
        body = to_xml(root, payload)
    response = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def respond_error(fmt: str, status: int, descriptions: list[str], headers=None) -> HttpResponse:
    errors = [{"code": status, "description": d} for d in descriptions]
    return respond(fmt, "errors", errors, status=status, headers=headers)

"""Fixtures of the Open311 tests: a client key, the official schemas, small HTTP helpers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlencode, urlsplit

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import DATA_DIR

SCHEMA_DIR = DATA_DIR / "open311"
SCHEMA_FILES = (
    "service.json",
    "services.json",
    "service-definition.json",
    "request.json",
    "requests.json",
)
# A point in the 11th arrondissement (place de la République side), and one in Montreuil.
REPUBLIQUE = {"lat": "48.8675", "long": "2.3650"}
MONTREUIL = {"lat": "48.8610", "long": "2.4430"}


def _checker() -> jsonschema.FormatChecker:
    """The formats the schemas use, checked without optional jsonschema dependencies."""
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(value):
        return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None

    @checker.checks("uri")
    def is_uri(value):
        return not isinstance(value, str) or bool(urlsplit(value).scheme)

    return checker


@pytest.fixture(scope="session")
def open311_schema():
    """validate(name, instance): the official GeoReport v2 JSON schema `name` (e.g.
    "requests.json"), resolved with its sibling files."""
    contents = {name: json.loads((SCHEMA_DIR / name).read_text()) for name in SCHEMA_FILES}
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in contents.items()
    )
    checker = _checker()

    def validate(name: str, instance) -> None:
        jsonschema.Draft202012Validator(
            contents[name], registry=registry, format_checker=checker
        ).validate(instance)

    return validate


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def json_of(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def error_descriptions(response, fmt: str) -> list[str]:
    """The spec's error body, checked in either format; returns the descriptions."""
    if fmt == "json":
        body = json_of(response)
        assert all(e["code"] == response.status_code for e in body)
        return [e["description"] for e in body]
    root = xml_of(response)
    assert root.tag == "errors"
    assert [child.tag for child in root] == ["error"] * len(root)
    assert all(int(e.findtext("code")) == response.status_code for e in root)
    return [e.findtext("description") for e in root]


def xml_records(root: ET.Element, item: str) -> list[dict]:
    """Flat children of each `item` element as {tag: text}."""
    return [{child.tag: child.text for child in element} for element in root.findall(item)]


def post_request(client, fmt="json", **params):
    """POST form-encoded, as the spec says; a list value repeats the parameter."""
    return client.post(
        f"/open311/v2/requests.{fmt}",
        urlencode(params, doseq=True),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )

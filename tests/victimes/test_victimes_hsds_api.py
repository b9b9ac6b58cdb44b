"""The HSDS 3.0 API: standard paths, Page objects, and every response validated against
the shared schemas (compiled schemas and the OpenAPI response schemas of the standard),
read from CPPS_DATA_DIR."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from victimes.choices import AreaType
from victimes.models import Address, Location, Organization, ServiceAtLocation, TaxonomyTerm

pytestmark = pytest.mark.django_db
SPEC = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def schema_dir() -> Path:
    return Path(settings.CPPS_DATA_DIR) / "hsds" / "schema"


@cache
def registry() -> Registry:
    """The spec's schemas under their published URLs, read from the shared directory."""

    def retrieve(uri: str):
        name = uri.removeprefix(SPEC)
        path = schema_dir() / name
        if not path.exists():  # a schema's relative $ref to a sibling file
            path = schema_dir() / Path(name).name
        return Resource.from_contents(json.loads(path.read_text()), DRAFT202012)

    return Registry(retrieve=retrieve)


@cache
def openapi() -> dict:
    return json.loads((schema_dir() / "openapi.json").read_text())


def response_schema(path: str) -> dict:
    schema = openapi()["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = json.loads(
        json.dumps(schema["schema"]).replace(
            '{"$ref": "#/components/schemas/Page"}',
            json.dumps(openapi()["components"]["schemas"]["Page"]),
        )
    )
    return schema


def validate(schema: dict, data) -> None:
    validator = Draft202012Validator(schema, registry=registry(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def compiled(name: str) -> dict:
    return {"$ref": f"{SPEC}compiled/{name}.json"}


@pytest.fixture
def directory(make_service):
    """A local service at a place with an address, on top of the fixture's lines."""
    service = make_service(
        "Permanence d'accueil des victimes",
        situations=("violences-conjugales", "famille-rue-abri"),
        area=(AreaType.ARRONDISSEMENT, "18"),
        hours=("MO,TU,WE,TH,FR", 9, 17),
        minimum_age=18,
    )
    place = Location.objects.create(
        organization=service.organization, name="Mairie du 18e", latitude=48.89, longitude=2.34
    )
    Address.objects.create(location=place, address_1="1 place Jules-Joffrin", postal_code="75018")
    sal = ServiceAtLocation.objects.create(service=service, location=place)
    return {"service": service, "sal": sal}


def get(client, name, *args, **query):
    response = client.get(reverse(f"hsds:{name}", args=args), query)
    assert response.status_code == 200, response.content
    assert "Set-Cookie" not in response.headers and not response.cookies
    return response.json()


def test_the_paths_are_the_standard_ones():
    assert reverse("hsds:index") == "/api/hsds/"
    assert reverse("hsds:services") == "/api/hsds/services"
    assert reverse("hsds:service-at-locations") == "/api/hsds/service_at_locations"
    assert reverse("hsds:taxonomy-terms") == "/api/hsds/taxonomy_terms"
    for path in openapi()["paths"]:
        assert path in {
            "/",
            "/services",
            "/services/{id}",
            "/organizations",
            "/organizations/{id}",
            "/service_at_locations",
            "/service_at_locations/{id}",
            "/taxonomies",
            "/taxonomies/{id}",
            "/taxonomy_terms",
            "/taxonomy_terms/{id}",
        }


def test_every_response_validates_against_the_shared_schemas(client, directory):
    service, sal = directory["service"], directory["sal"]
    validate(response_schema("/"), get(client, "index"))
    lists = {
        "services": "/services",
        "organizations": "/organizations",
        "service-at-locations": "/service_at_locations",
        "taxonomies": "/taxonomies",
        "taxonomy-terms": "/taxonomy_terms",
    }
    for name, path in lists.items():
        body = get(client, name, per_page=5)
        assert set(body) == PAGE_KEYS and body["total_items"] > 0
        validate(response_schema(path), body)
    full = get(client, "services", full="true", per_page=100)
    for item in full["contents"]:
        validate(compiled("service"), item)
    detail = get(client, "service", service.pk)
    validate(compiled("service"), detail)
    assert detail["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "75018"
    assert {a["taxonomy_term"]["code"] for a in detail["attributes"]} == {
        "violences-conjugales",
        "famille-rue-abri",
    }
    validate(compiled("organization"), get(client, "organization", service.organization_id))
    # The standard's OpenAPI names the service schema here; a service_at_location is
    # validated against its own compiled schema.
    validate(compiled("service_at_location"), get(client, "service-at-location", sal.pk))
    term = TaxonomyTerm.objects.get(code="famille-rue-abri")
    validate(response_schema("/taxonomy_terms/{id}"), get(client, "taxonomy-term", term.pk))
    validate(response_schema("/taxonomies/{id}"), get(client, "taxonomy", term.taxonomy_id))


def test_the_validation_catches_a_broken_answer(client, directory):
    detail = get(client, "service", directory["service"].pk)
    del detail["name"]
    with pytest.raises(AssertionError):
        validate(compiled("service"), detail)
    with pytest.raises(AssertionError):
        validate(response_schema("/services"), {"total_items": "beaucoup", "contents": []})


def test_pages_follow_the_standard(client, make_service):
    for _ in range(3):
        make_service()
    total = get(client, "services")["total_items"]
    first = get(client, "services", per_page=2)
    assert (first["page_number"], first["size"], first["first_page"]) == (1, 2, True)
    assert first["total_pages"] == -(-total // 2) and not first["last_page"]
    last = get(client, "services", per_page=2, page=first["total_pages"])
    assert last["last_page"] and not last["first_page"]
    beyond = get(client, "services", per_page=2, page=first["total_pages"] + 1)
    assert beyond["contents"] == [] and not beyond["empty"]
    assert get(client, "services", search="aucun service ne porte ce nom")["empty"]


@pytest.mark.parametrize(
    "query",
    [{"page": "0"}, {"per_page": "abc"}, {"taxonomy_term_id": "x"}, {"modified_after": "hier"}],
)
def test_bad_parameters_get_a_french_400(client, query):
    response = client.get(reverse("hsds:services"), query)
    assert response.status_code == 400 and response.json()["error"]


def test_unknown_or_malformed_ids_are_404(client):
    for name in ("service", "organization", "service-at-location", "taxonomy-term"):
        for pk in ("pas-un-uuid", "00000000-0000-0000-0000-000000000000"):
            assert client.get(reverse(f"hsds:{name}", args=[pk])).status_code == 404


def test_filters(client, directory):
    term = TaxonomyTerm.objects.get(code="famille-rue-abri")
    names = {s["name"] for s in get(client, "services", taxonomy_term_id=term.pk)["contents"]}
    assert "Permanence d'accueil des victimes" in names and "Police secours — 17" not in names
    by_org = get(client, "services", organization_id=directory["service"].organization_id)
    assert [s["name"] for s in by_org["contents"]] == ["Permanence d'accueil des victimes"]
    assert get(client, "service-at-locations", postcode="75018")["total_items"]
    assert (
        get(client, "taxonomy-terms", top_only="true")["total_items"] < TaxonomyTerm.objects.count()
    )


def test_no_personal_data_and_no_stale_service(client, make_service):
    from datetime import date

    stale = make_service("Service jamais revu", checked=date(2000, 1, 1))
    body = json.dumps(get(client, "services", full="true", per_page=200))
    assert "Service jamais revu" not in body and '"contacts"' not in body
    assert client.get(reverse("hsds:service", args=[stale.pk])).status_code == 404


def test_write_methods_are_refused(client):
    assert client.post(reverse("hsds:services"), {}).status_code == 405
    assert Organization.objects.count()  # nothing was created

"""GET services, GET a service definition, discovery: both formats, schemas, errors."""

import pytest

from doleances.models import Category
from open311.models import ServiceAttribute
from tests.open311.conftest import error_descriptions, json_of, xml_of, xml_records

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_list_active_categories_with_groups(client, paris, open311_schema, fmt):
    response = client.get(f"/open311/v2/services.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        services = json_of(response)
        open311_schema("services.json", services)
    else:
        root = xml_of(response)
        assert root.tag == "services"
        services = xml_records(root, "service")
        assert len(services) == len(root)
    active = Category.objects.filter(is_active=True).count()
    assert len(services) == active
    by_code = {s["service_code"]: s for s in services}
    noise = by_code["bruit-etablissement"]
    assert noise["service_name"] == "Bruit d'un établissement (bar, restaurant, club)"
    assert noise["group"] == "Nuisances de la vie nocturne"
    assert noise["type"] == "realtime"
    assert "terrasse" in noise["keywords"]
    assert noise["description"].startswith("Musique, clients en terrasse")
    # metadata: true only where the service definition has attributes.
    assert noise["metadata"] in (True, "true")
    assert by_code["megots"]["metadata"] in (False, "false")


def test_services_json_and_xml_say_the_same(client, paris):
    as_json = json_of(client.get("/open311/v2/services.json"))
    as_xml = xml_records(xml_of(client.get("/open311/v2/services.xml")), "service")

    def text(value):
        return {True: "true", False: "false"}.get(value, value)

    assert [{k: text(v) for k, v in s.items()} for s in as_json] == as_xml


def test_inactive_category_is_not_offered(client, paris):
    Category.objects.filter(service_code="megots").update(is_active=False)
    codes = [s["service_code"] for s in json_of(client.get("/open311/v2/services.json"))]
    assert "megots" not in codes
    response = client.get("/open311/v2/services/megots.json")
    assert response.status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_lists_attributes_in_order(client, paris, open311_schema, fmt):
    response = client.get(f"/open311/v2/services/rodeos.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        definition = json_of(response)
        open311_schema("service-definition.json", definition)
        attributes = definition["attributes"]
        assert definition["service_code"] == "rodeos"
    else:
        root = xml_of(response)
        assert root.tag == "service_definition"
        assert root.findtext("service_code") == "rodeos"
        attributes = [
            {
                **{c.tag: c.text for c in a if c.tag != "values"},
                "values": [
                    {"key": v.findtext("key"), "name": v.findtext("name")}
                    for v in a.findall("values/value")
                ],
            }
            for a in root.findall("attributes/attribute")
        ]
    assert [a["code"] for a in attributes] == ["frequence", "type_vehicule", "heure_debut"]
    frequency = attributes[0]
    assert frequency["datatype"] == "singlevaluelist"
    assert frequency["required"] in (True, "true")
    assert {"key": "hebdomadaire", "name": "Chaque semaine"} in frequency["values"]
    assert attributes[2]["datatype"] == "datetime"


def test_service_definition_of_a_service_without_attributes_is_empty(client, paris):
    definition = json_of(client.get("/open311/v2/services/megots.json"))
    assert definition == {"service_code": "megots", "attributes": []}


def test_informational_attribute_is_not_variable(client, paris, open311_schema):
    definition = json_of(client.get("/open311/v2/services/point-deal.json"))
    open311_schema("service-definition.json", definition)
    (notice,) = definition["attributes"]
    assert notice["variable"] is False
    assert "jamais les personnes" in notice["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_404_with_the_spec_error_body(client, paris, fmt):
    response = client.get(f"/open311/v2/services/nids-de-poule.{fmt}")
    assert response.status_code == 404
    assert error_descriptions(response, fmt) == ["service_code inconnu : nids-de-poule."]


@pytest.mark.parametrize(
    "url", ["/open311/v2/services.html", "/open311/v2/services/rodeos.csv", "/open311/v2/nope"]
)
def test_unknown_format_or_resource_is_404(client, paris, url):
    response = client.get(url)
    assert response.status_code == 404
    assert error_descriptions(response, "xml")


def test_wrong_method_is_refused_with_an_error_body(client, paris):
    response = client.post("/open311/v2/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert error_descriptions(response, "json") == ["Méthode POST non prise en charge."]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_document(client, paris, fmt):
    response = client.get(f"/open311/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        document = json_of(response)
        (endpoint,) = document["endpoints"]
        formats = endpoint["formats"]
    else:
        root = xml_of(response)
        assert root.tag == "discovery"
        document = {child.tag: child.text for child in root if child.tag != "endpoints"}
        (element,) = root.findall("endpoints/endpoint")
        endpoint = {child.tag: child.text for child in element if child.tag != "formats"}
        formats = [f.text for f in element.findall("formats/format")]
    assert set(document) >= {"changeset", "contact", "key_service"}
    assert "clé d'API" in document["key_service"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] in ("production", "test")
    assert formats == ["text/xml", "application/json"]
    # The endpoint URL really serves GeoReport v2.
    services = client.get(endpoint["url"].removeprefix("http://testserver") + "/services.xml")
    assert services.status_code == 200


def test_discovery_changeset_moves_when_a_definition_changes(client, paris):
    before = json_of(client.get("/open311/discovery.json"))["changeset"]
    attribute = ServiceAttribute.objects.get(category__service_code="rodeos", code="frequence")
    attribute.description = "Les rodéos ont-ils lieu souvent ?"
    attribute.save()
    after = json_of(client.get("/open311/discovery.json"))["changeset"]
    assert after >= before
    assert (
        json_of(client.get("/open311/v2/services/rodeos.json"))["attributes"][0]["description"]
        == "Les rodéos ont-ils lieu souvent ?"
    )

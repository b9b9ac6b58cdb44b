"""Directory objects as HSDS 3.0 JSON (the shapes of the standard API's responses).

Empty values are left out rather than sent as null: HSDS types its fields as strings or
numbers. Contacts (named people) are never published, whatever is stored. cpps's own
fields (`reach`, `available_24_7`, `anonymous`, `confidential`, `provenance`,
`provenance_url`, `is_example`) are extension properties, which HSDS allows.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q

from victimes.models import (
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

HSDS_VERSION = "3.0"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "alert",
)
SERVICE_EXTENSIONS = (
    "reach",
    "available_24_7",
    "anonymous",
    "confidential",
    "provenance",
    "provenance_url",
    "is_example",
)


def clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def _id(value) -> str | None:
    return str(value) if value else None


def taxonomy(obj: Taxonomy) -> dict:
    return clean(
        {
            "id": str(obj.id),
            "name": obj.name,
            "description": obj.description,
            "uri": obj.uri,
            "version": obj.version,
        }
    )


def taxonomy_term(obj: TaxonomyTerm) -> dict:
    return clean(
        {
            "id": str(obj.id),
            "code": obj.code,
            "name": obj.name,
            "description": obj.description,
            "parent_id": _id(obj.parent_id),
            "taxonomy": obj.taxonomy.name,
            "taxonomy_id": str(obj.taxonomy_id),
            "language": obj.language,
            "term_uri": obj.term_uri,
        }
    )


def organization_fields(obj: Organization) -> dict:
    return clean(
        {
            "id": str(obj.id),
            "name": obj.name,
            "alternate_name": obj.alternate_name,
            "description": obj.description,
            "email": obj.email,
            "website": obj.website,
            "legal_status": obj.legal_status,
            "provenance": obj.provenance,
            "provenance_url": obj.provenance_url,
            "is_example": obj.is_example,
        }
    )


def service_fields(obj: Service) -> dict:
    data = {"id": str(obj.id), "organization_id": str(obj.organization_id)}
    data.update({name: getattr(obj, name) for name in (*SERVICE_FIELDS, *SERVICE_EXTENSIONS)})
    data["assured_date"] = obj.assured_date.isoformat()
    data["last_modified"] = obj.last_modified.isoformat()
    return clean(data)


def phone(obj) -> dict:
    return clean(
        {
            "id": str(obj.id),
            "service_id": _id(obj.service_id),
            "organization_id": _id(obj.organization_id),
            "location_id": _id(obj.location_id),
            "number": obj.number,
            "type": obj.type,
            "description": obj.description,
        }
    )


def schedule(obj) -> dict:
    return clean(
        {
            "id": str(obj.id),
            "service_id": _id(obj.service_id),
            "service_at_location_id": _id(obj.service_at_location_id),
            "freq": obj.freq,
            "byday": obj.byday,
            "opens_at": obj.opens_at.strftime("%H:%M"),
            "closes_at": obj.closes_at.strftime("%H:%M"),
            "description": obj.description,
        }
    )


def location(obj: Location) -> dict:
    data = clean(
        {
            "id": str(obj.id),
            "location_type": obj.location_type,
            "organization_id": _id(obj.organization_id),
            "name": obj.name,
            "description": obj.description,
            "transportation": obj.transportation,
            "latitude": obj.latitude,
            "longitude": obj.longitude,
        }
    )
    data["addresses"] = [
        clean(
            {
                "id": str(a.id),
                "location_id": str(a.location_id),
                "address_1": a.address_1,
                "address_2": a.address_2,
                "city": a.city,
                "state_province": a.state_province,
                "postal_code": a.postal_code,
                "country": a.country,
                "address_type": a.address_type,
            }
        )
        for a in obj.addresses.all()
    ]
    data["accessibility"] = [
        clean(
            {
                "id": str(a.id),
                "location_id": str(a.location_id),
                "description": a.description,
                "details": a.details,
                "url": a.url,
            }
        )
        for a in obj.accessibility.all()
    ]
    data["phones"] = [phone(p) for p in obj.phones.all()]
    data["languages"] = [language(lang) for lang in obj.languages.all()]
    return data


def language(obj) -> dict:
    return clean(
        {
            "id": str(obj.id),
            "service_id": _id(obj.service_id),
            "location_id": _id(obj.location_id),
            "name": obj.name,
            "code": obj.code,
            "note": obj.note,
        }
    )


def service_at_location_fields(obj: ServiceAtLocation) -> dict:
    return clean(
        {
            "id": str(obj.id),
            "service_id": str(obj.service_id),
            "location_id": str(obj.location_id),
            "description": obj.description,
        }
    )


def attribute(obj) -> dict:
    return {
        "id": str(obj.id),
        "link_id": str(obj.service_id),
        "link_type": "situation",
        "link_entity": "service",
        "taxonomy_term_id": str(obj.taxonomy_term_id),
        "taxonomy_term": taxonomy_term(obj.taxonomy_term),
    }


def service(obj: Service) -> dict:
    """The fully nested service (`/services/{id}`)."""
    data = service_fields(obj)
    data["organization"] = organization_fields(obj.organization)
    data["phones"] = [phone(p) for p in obj.phones.all()]
    data["schedules"] = [schedule(s) for s in obj.schedules.all()]
    data["service_areas"] = [
        clean(
            {
                "id": str(a.id),
                "service_id": str(a.service_id),
                "name": a.name,
                "description": a.description,
                "extent": a.extent,
                "extent_type": a.extent_type,
            }
        )
        for a in obj.service_areas.all()
    ]
    data["service_at_locations"] = [
        {**service_at_location_fields(sal), "location": location(sal.location)}
        for sal in obj.service_at_locations.all()
    ]
    data["languages"] = [language(lang) for lang in obj.languages.all()]
    data["cost_options"] = [
        clean(
            {
                "id": str(c.id),
                "service_id": str(c.service_id),
                "option": c.option,
                "currency": c.currency,
                "amount": float(c.amount),
                "amount_description": c.amount_description,
            }
        )
        for c in obj.cost_options.all()
    ]
    data["attributes"] = [attribute(a) for a in obj.attributes.all()]
    return data


LOCATION_PREFETCH = ("addresses", "accessibility", "phones", "languages")


def services_queryset():
    """Public services with everything `service()` reads."""
    return (
        Service.objects.public()
        .select_related("organization")
        .prefetch_related(
            "phones",
            "schedules",
            "service_areas",
            "languages",
            "cost_options",
            Prefetch(
                "attributes",
                queryset=Attribute.objects.select_related("taxonomy_term__taxonomy"),
            ),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                    *(f"location__{name}" for name in LOCATION_PREFETCH)
                ),
            ),
        )
    )


def organization(obj: Organization, public_services) -> dict:
    """The nested organization (`/organizations/{id}`): services as their one-to-one fields."""
    data = organization_fields(obj)
    data["phones"] = [phone(p) for p in obj.phones.all()]
    data["locations"] = [location(loc) for loc in obj.locations.all()]
    data["services"] = [service_fields(s) for s in public_services]
    return data


def public_organizations():
    """Organizations that have a public service or no service at all yet."""
    public = Service.objects.public().values("organization_id")
    return Organization.objects.filter(Q(pk__in=public) | Q(services__isnull=True)).distinct()


def search_filter(text: str, *fields: str) -> Q:
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": text})
    return query

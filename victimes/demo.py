"""Demo data (never in the fixtures): example local services, all marked « Exemple », and
a year of anonymous orientation records for the victim-support desk and three example ISC
desks. Deterministic for a seed; running it again adds nothing."""

from __future__ import annotations

import random
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Desk, Partner
from territory.models import Arrondissement
from victimes.choices import AgeBand, AreaType, PersonRole, RecordSource, Referrer
from victimes.models import (
    Address,
    Attribute,
    CostOption,
    DirectoryVersion,
    Location,
    Organization,
    OrientationRecord,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from victimes.tig import host_term

EXAMPLE = "Exemple — "
PROVENANCE = "Donnée d'exemple (instance de démonstration)"
# name, situations, area (type, extent), hours (days, opens, closes) or None for 24/7, min, max
SERVICES = [
    (
        "permanence d'aide aux victimes en mairie",
        ["violences-conjugales", "autre-infraction", "escroqueries-seniors"],
        (AreaType.ARRONDISSEMENT, "18"),
        ("MO,WE,FR", 9, 17),
        None,
        None,
    ),
    (
        "accueil de jour femmes victimes de violences",
        ["violences-conjugales", "violences-sexuelles", "exploitation-sexuelle"],
        (AreaType.PARIS, ""),
        ("MO,TU,WE,TH,FR", 9, 18),
        18,
        None,
    ),
    (
        "maraude familles à la rue",
        ["famille-a-la-rue", "famille-rue-abri", "famille-rue-mineurs"],
        (AreaType.SECTOR, "paris-19"),
        ("MO,TU,WE,TH,FR,SA,SU", 19, 1),
        None,
        None,
    ),
    (
        "permanence d'accès aux droits des familles",
        ["famille-rue-droits", "famille-rue-sante"],
        (AreaType.SECTOR, "paris-20"),
        ("TU,TH", 14, 18),
        None,
        None,
    ),
    (
        "prévention des arnaques pour les seniors",
        ["seniors-prevention", "escroqueries-seniors"],
        (AreaType.PARIS, ""),
        ("TU", 10, 12),
        60,
        None,
    ),
    (
        "écoute des seniors victimes",
        ["seniors-accompagnement", "maltraitance-personne-agee"],
        (AreaType.SECTOR, "paris-15"),
        ("MO,TH", 9, 17),
        60,
        None,
    ),
    (
        "soutien aux victimes d'actes LGBTQIA+phobes",
        ["actes-lgbtqiaphobes", "discriminations"],
        (AreaType.PARIS, ""),
        ("SA", 14, 19),
        None,
        None,
    ),
    (
        "accompagnement des victimes de racisme et d'antisémitisme",
        ["actes-racistes", "actes-antisemites", "discriminations"],
        (AreaType.PARIS, ""),
        ("WE", 10, 18),
        None,
        None,
    ),
    (
        "point écoute jeunes après une rixe",
        ["victime-rixe", "mineur-en-danger"],
        (AreaType.ARRONDISSEMENT, "19"),
        ("WE,SA", 14, 20),
        11,
        25,
    ),
    (
        "accueil des victimes de harcèlement de rue",
        ["harcelement-rue", "violences-sexuelles"],
        (AreaType.SECTOR, "paris-centre"),
        ("FR,SA", 18, 23),
        None,
        None,
    ),
]
ISC_DESKS = [("isc-exemple-18", 18), ("isc-exemple-19", 19), ("isc-exemple-20", 20)]
RECORDS_PER_DESK = 400


def _example_organization(name: str) -> Organization:
    return Organization.objects.create(
        name=name,
        description=EXAMPLE + "association de démonstration.",
        provenance=PROVENANCE,
        is_example=True,
    )


def example_tig_host() -> Service:
    """The example structure hosting TIG (« accueil de TIG » term), created once: a local
    service with no victims' situation, so the finder never proposes it."""
    name = EXAMPLE + "structure d'accueil de TIG (18e)"
    if service := Service.objects.filter(name=name).first():
        return service
    organization = _example_organization(EXAMPLE + "association d'insertion")
    service = Service.objects.create(
        organization=organization,
        name=name,
        description=EXAMPLE + "accueille des personnes condamnées à un travail d'intérêt général.",
        assured_date=timezone.localdate(),
        provenance=PROVENANCE,
        is_example=True,
    )
    Attribute.objects.create(service=service, taxonomy_term=host_term())
    return service


@transaction.atomic
def create_demo_directory() -> int:
    """The example local services; returns how many were created."""
    created = 0
    terms = {t.code: t for t in TaxonomyTerm.objects.all()}
    today = timezone.localdate()
    for index, (name, codes, area, hours, minimum, maximum) in enumerate(SERVICES):
        full_name = EXAMPLE + name
        if Service.objects.filter(name=full_name).exists():
            continue
        organization = _example_organization(f"{EXAMPLE}association n° {index + 1}")
        service = Service.objects.create(
            organization=organization,
            name=full_name,
            description=EXAMPLE + "accueil, écoute, accompagnement dans les démarches.",
            assured_date=today - timedelta(days=30 * (index % 6)),
            provenance=PROVENANCE,
            is_example=True,
            anonymous=index % 2 == 0,
            confidential=True,
            minimum_age=minimum,
            maximum_age=maximum,
        )
        Attribute.objects.bulk_create(
            Attribute(service=service, taxonomy_term=terms[code]) for code in codes
        )
        ServiceArea.objects.create(
            service=service,
            name={AreaType.PARIS: "Paris"}.get(area[0], f"{area[0]} {area[1]}"),
            extent_type=area[0],
            extent=area[1],
        )
        days, opens, closes = hours
        Schedule.objects.create(
            service=service, byday=days, opens_at=time(opens), closes_at=time(closes % 24)
        )
        Phone.objects.create(service=service, number=f"01 00 00 00 {index:02d}")
        CostOption.objects.create(service=service, option="Gratuit", amount=0)
        if area[0] == AreaType.ARRONDISSEMENT:
            place = Location.objects.create(
                organization=organization, name=EXAMPLE + "local d'accueil"
            )
            Address.objects.create(
                location=place,
                address_1=EXAMPLE + "adresse fictive",
                postal_code=f"750{int(area[1]):02d}",
            )
            ServiceAtLocation.objects.create(service=service, location=place)
        created += 1
    DirectoryVersion.bump()
    return created


def _demo_desks() -> list[Desk]:
    desks = (
        [Desk.objects.get(code="pav-accueil")]
        if Desk.objects.filter(code="pav-accueil").exists()
        else []
    )
    police = Partner.objects.filter(code="prefecture-police").first()
    for code, number in ISC_DESKS:
        if police is None:
            break
        desk, created = Desk.objects.get_or_create(
            code=code,
            defaults={
                "partner": police,
                "name": f"{EXAMPLE}intervenant·e social·e du commissariat du {number}e",
            },
        )
        if created:
            desk.arrondissements.set(Arrondissement.objects.filter(number=number))
        desks.append(desk)
    return desks


@transaction.atomic
def create_demo_records(seed: int = 2026) -> int:
    """A year of orientation records up to yesterday; nothing when they already exist."""
    desks = _demo_desks()
    if OrientationRecord.objects.filter(desk__in=desks).exists():
        return 0
    rng = random.Random(seed)
    terms = list(TaxonomyTerm.objects.filter(parent__isnull=True))
    weights = [8 if t.code.startswith("violences") else 2 for t in terms]
    services = list(Service.objects.public().values_list("pk", flat=True))
    today = timezone.localdate()
    records, links, oriented = [], [], []
    for desk in desks:
        for _ in range(RECORDS_PER_DESK):
            records.append(
                OrientationRecord(
                    day=today - timedelta(days=rng.randint(1, 365)),
                    desk=desk,
                    role=rng.choices(PersonRole.values, weights=[8, 1, 2, 1])[0],
                    age_band=rng.choices(AgeBand.values, weights=[2, 3, 8, 2, 1])[0],
                    referred_by=rng.choices(Referrer.values, weights=[8, 3, 2, 2, 1, 1, 1])[0],
                    follow_up=rng.random() < 0.4,
                    source=RecordSource.SCREEN,
                )
            )
    OrientationRecord.objects.bulk_create(records)
    saved = OrientationRecord.objects.filter(desk__in=desks).order_by("pk")
    through = OrientationRecord.situations.through
    services_through = OrientationRecord.services.through
    for record in saved:
        for term in {rng.choices(terms, weights=weights)[0] for _ in range(rng.randint(1, 2))}:
            links.append(through(orientationrecord_id=record.pk, taxonomyterm_id=term.pk))
        if services and rng.random() < 0.7:
            oriented.append(
                services_through(orientationrecord_id=record.pk, service_id=rng.choice(services))
            )
    through.objects.bulk_create(links)
    services_through.objects.bulk_create(oriented)
    return len(records)

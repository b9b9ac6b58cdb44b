"""Directory services and a victim support worker for the victims' tests."""

from __future__ import annotations

import itertools
from datetime import time

import pytest
from django.utils import timezone

from accounts.choices import Role
from victimes.choices import AreaType, Reach
from victimes.models import (
    Attribute,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    TaxonomyTerm,
)

_counter = itertools.count(1)


@pytest.fixture
def make_service(paris):
    """make_service(situations=[...], area=("arrondissement", "18"), hours=("MO,TU", 9, 17),
    min_age=None, max_age=None, checked=date, **fields) -> Service."""

    def make(
        name=None,
        *,
        situations=("violences-conjugales",),
        area=(AreaType.PARIS, ""),
        hours=None,
        reach=Reach.LOCAL,
        checked=None,
        **fields,
    ):
        organization = Organization.objects.create(
            name=f"Association test {next(_counter)}", description="Association de test."
        )
        service = Service.objects.create(
            organization=organization,
            name=name or f"Service test {next(_counter)}",
            description="Accueil et accompagnement.",
            reach=reach,
            assured_date=checked or timezone.localdate(),
            provenance="Saisi pour les tests",
            **fields,
        )
        for code in situations:
            Attribute.objects.create(
                service=service, taxonomy_term=TaxonomyTerm.objects.get(code=code)
            )
        ServiceArea.objects.create(
            service=service, name=str(area[1] or area[0]), extent_type=area[0], extent=area[1]
        )
        if hours:
            days, opens, closes = hours
            Schedule.objects.create(
                service=service, byday=days, opens_at=time(opens), closes_at=time(closes % 24)
            )
        return service

    return make


@pytest.fixture
def worker(make_user):
    """A victim support worker of the victims' reception desk ("pav-accueil")."""
    return make_user(Role.VICTIM_SUPPORT, desk="pav-accueil")

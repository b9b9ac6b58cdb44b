"""Complaints filed through the real intake service at chosen places and times, and staff
accounts per desk, for the traitement tests."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import shapely

from accounts.choices import Role
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput, ContactInput, file_complaint
from territory.models import Arrondissement

PARIS = ZoneInfo("Europe/Paris")


def paris_time(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def offset(lat: float, lon: float, metres: float, bearing_deg: float = 90.0):
    """The point `metres` away from (lat, lon) towards `bearing_deg` (great circle)."""
    radius = 6_371_008.8
    d, b = metres / radius, math.radians(bearing_deg)
    la, lo = math.radians(lat), math.radians(lon)
    la2 = math.asin(math.sin(la) * math.cos(d) + math.cos(la) * math.sin(d) * math.cos(b))
    lo2 = lo + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(la), math.cos(d) - math.sin(la) * math.sin(la2)
    )
    return math.degrees(la2), math.degrees(lo2)


@pytest.fixture
def point_in(paris):
    """point_in(11) -> (lat, lon) well inside the 11th arrondissement."""

    def make(number: int):
        geometry = Arrondissement.objects.get(number=number).geometry
        point = shapely.from_geojson(geometry).representative_point()
        return point.y, point.x

    return make


@pytest.fixture
def file_at(paris, point_in):
    """file_at("bruit-rue", arrondissement=11 | at=(lat, lon), occurred_at=..., email=...)."""
    counter = iter(range(1, 100_000))

    def make(
        category_code: str,
        *,
        arrondissement: int | None = None,
        at: tuple[float, float] | None = None,
        occurred_at: datetime | None = None,
        received_at: datetime | None = None,
        email: str | None = "",
        description: str = "Signalement de test.",
    ):
        lat, lon = at if at else point_in(arrondissement or 11)
        n = next(counter)
        contact = None
        if email is not None:
            contact = ContactInput(
                name=f"Habitant {n}",
                email=email or f"habitant{n}@example.org",
                phone="06 00 00 00 00",
                consent_contact=True,
            )
        return file_complaint(
            ComplaintInput(
                category=Category.objects.get(code=category_code),
                channel=Channel.WEB,
                description=description,
                latitude=lat,
                longitude=lon,
                occurred_at=occurred_at,
                received_at=received_at,
                contact=contact,
            )
        )

    return make


@pytest.fixture
def make_agent(make_user):
    """make_agent("pm-11", role=Role.CASE_AGENT, arrondissements=[...]) -> User."""

    def make(desk_code: str, role: str = Role.CASE_AGENT, **kwargs):
        return make_user(role, desk=desk_code, first_name="Agent", last_name=desk_code, **kwargs)

    return make


@pytest.fixture
def agent(make_agent):
    """A case agent of the 11th district municipal police's desk ("pm-11")."""
    return make_agent("pm-11")

"""Duplicate candidates: same family, nearby, open, recent — exactly, and nothing else."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from doleances.models import Category, Complaint
from tests.traitement.conftest import offset
from traitement import services
from traitement.choices import ClosingReason
from traitement.duplicates import PUBLIC_FIELDS, find_duplicate_candidates, haversine_m


@pytest.fixture
def republique(point_in):
    return point_in(11)


def test_nearby_open_complaint_of_same_family_is_found_with_its_distance(file_at, republique):
    lat, lon = republique
    near = file_at("bruit-rue", at=offset(lat, lon, 120))
    found = find_duplicate_candidates(Category.objects.get(code="bruit-rue"), lat, lon)
    assert [c.pk for c in found] == [near.pk]
    assert 115 <= found[0].distance_m <= 125


def test_candidates_come_with_their_public_fields_and_category(file_at, republique):
    lat, lon = republique
    near = file_at("bruit-etablissement", at=offset(lat, lon, 60))
    [found] = find_duplicate_candidates(Category.objects.get(code="bruit-rue"), lat, lon)
    stored = Complaint.objects.select_related("category").get(pk=near.pk)
    for name in PUBLIC_FIELDS:
        field = Complaint._meta.get_field(name)
        assert getattr(found, field.attname) == getattr(stored, field.attname), name
    assert found.received_at.tzinfo is not None
    assert found.get_status_display() == "Nouvelle"
    assert found.category == stored.category
    assert found.category.label == stored.category.label
    assert found.category.is_sensitive is False  # a boolean, not SQLite's 0
    assert "description" in found.get_deferred_fields()


def test_same_family_other_category_counts_other_family_does_not(file_at, republique):
    lat, lon = republique
    same_family = file_at("bruit-etablissement", at=offset(lat, lon, 50, 0))
    file_at("depots-sauvages", at=offset(lat, lon, 40, 180))  # incivilités
    found = find_duplicate_candidates(Category.objects.get(code="bruit-rue"), lat, lon)
    assert [c.pk for c in found] == [same_family.pk]


def test_outside_the_radius_is_not_a_candidate(file_at, republique):
    lat, lon = republique
    inside = file_at("bruit-rue", at=offset(lat, lon, 240, 45))
    file_at("bruit-rue", at=offset(lat, lon, 265, 45))
    category = Category.objects.get(code="bruit-rue")
    assert [c.pk for c in find_duplicate_candidates(category, lat, lon)] == [inside.pk]
    wider = find_duplicate_candidates(category, lat, lon, radius_m=400)
    assert len(wider) == 2 and wider[0].pk == inside.pk


def test_closed_and_answered_complaints_are_excluded(file_at, make_agent, republique):
    lat, lon = republique
    closed = file_at("bruit-rue", at=offset(lat, lon, 30))
    answered = file_at("bruit-rue", at=offset(lat, lon, 60))
    agent = make_agent("pm-11")
    services.close(services.case_for(closed), agent, ClosingReason.NOT_OBSERVED)
    case = services.case_for(answered)
    services.qualify(case, agent)
    services.answer(case, agent, "Une patrouille est passée.")
    assert find_duplicate_candidates(Category.objects.get(code="bruit-rue"), lat, lon) == []


def test_complaints_older_than_the_period_are_excluded(file_at, republique):
    lat, lon = republique
    file_at("bruit-rue", at=offset(lat, lon, 20), received_at=timezone.now() - timedelta(days=15))
    recent = file_at(
        "bruit-rue", at=offset(lat, lon, 20), received_at=timezone.now() - timedelta(days=13)
    )
    category = Category.objects.get(code="bruit-rue")
    assert [c.pk for c in find_duplicate_candidates(category, lat, lon)] == [recent.pk]
    assert len(find_duplicate_candidates(category, lat, lon, days=30)) == 2


def test_nearest_first_limit_and_excluded_self(file_at, republique):
    lat, lon = republique
    far = file_at("bruit-rue", at=offset(lat, lon, 200, 10))
    mid = file_at("bruit-rue", at=offset(lat, lon, 100, 200))
    itself = file_at("bruit-rue", at=(lat, lon))
    category = Category.objects.get(code="bruit-rue")
    found = find_duplicate_candidates(category, lat, lon, exclude_id=itself.pk)
    assert [c.pk for c in found] == [mid.pk, far.pk]
    assert [c.pk for c in find_duplicate_candidates(category, lat, lon, limit=1)] == [itself.pk]
    # The category may also be given by its primary key (e.g. straight from a form value).
    assert len(find_duplicate_candidates(category.pk, lat, lon)) == 3


def test_no_position_no_candidates(file_at):
    assert find_duplicate_candidates(Category.objects.get(code="bruit-rue"), None, None) == []


def test_agrees_with_brute_force_on_random_points(file_at, republique):
    """The H3 ring never misses a complaint within the radius, whatever the bearing."""
    rng = random.Random(7)
    lat, lon = republique
    filed = []
    for _ in range(40):
        point = offset(lat, lon, rng.uniform(0, 600), rng.uniform(0, 360))
        filed.append((file_at("conduites-risque", at=point, email=None), point))
    category = Category.objects.get(code="bruit-rue")
    for radius in (100, 250, 500):
        expected = {c.pk for c, (la, lo) in filed if haversine_m(lat, lon, la, lo) <= radius}
        found = find_duplicate_candidates(category, lat, lon, radius_m=radius, limit=100)
        assert {c.pk for c in found} == expected

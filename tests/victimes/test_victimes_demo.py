"""The demo: example services marked « Exemple », a year of records, indicators from them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from victimes.demo import RECORDS_PER_DESK, create_demo_directory, create_demo_records
from victimes.indicators import compute
from victimes.models import OrientationRecord, Service

pytestmark = pytest.mark.django_db


def test_demo_adds_examples_and_a_year_of_records_once(paris, client):
    assert create_demo_directory() == 10
    assert create_demo_directory() == 0
    examples = Service.objects.filter(is_example=True)
    assert examples.count() == 10 and all(s.name.startswith("Exemple — ") for s in examples)
    created = create_demo_records(seed=7)
    assert created == 4 * RECORDS_PER_DESK and create_demo_records(seed=7) == 0
    days = OrientationRecord.objects.values_list("day", flat=True)
    assert (timezone.localdate() - min(days)).days <= 365
    assert all(r.situations.exists() for r in OrientationRecord.objects.all()[:50])
    year = timezone.localdate().year
    assert compute("orientations_count", year=year, sector="paris-18") > 0
    page = client.get(
        reverse("victimes:finder"),
        {"situation": "famille-a-la-rue", "arrondissement": "19", "danger": "non"},
    )
    assert "Exemple — maraude familles à la rue" in page.text
    assert '<span class="badge">Exemple</span>' in page.text

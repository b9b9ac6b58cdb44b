"""The intake service: what a resident gets when filing, and what is refused (and not kept)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from doleances.choices import Channel, Precision, Priority, Status
from doleances.models import Category, Complainant, Complaint, Photo
from doleances.services import ComplaintInput, ContactInput, IntakeError, file_complaint
from tests.doleances.conftest import DEVICE

HOTEL_DE_VILLE = (48.8566, 2.3522)
BOULOGNE_BILLANCOURT = (48.8397, 2.2399)
REFERENCE = re.compile(r"^DOL-(\d{4})-(\d{6})$")


def complaint_input(**overrides) -> ComplaintInput:
    values = {
        "category": Category.objects.get(code="bruit-etablissement"),
        "channel": Channel.WEB,
        "description": "Musique forte jusqu'à 3 h du matin depuis le bar au coin de la rue.",
        "latitude": HOTEL_DE_VILLE[0],
        "longitude": HOTEL_DE_VILLE[1],
    }
    values.update(overrides)
    return ComplaintInput(**values)


def stored_counts() -> tuple[int, int, int]:
    return Complaint.objects.count(), Complainant.objects.count(), Photo.objects.count()


def photo_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "photos"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_complaint_with_contact_and_photo_is_stored_and_located(paris, gps_jpeg):
    complaint = file_complaint(
        complaint_input(
            contact=ContactInput(
                name="Camille Exemple",
                email="camille.exemple@example.org",
                phone="01 99 00 12 34",
                consent_contact=True,
            ),
            photos=[gps_jpeg()],
        )
    )

    complaint.refresh_from_db()
    assert REFERENCE.match(complaint.reference)
    assert complaint.status == Status.NEW
    assert complaint.priority == Priority.NORMAL
    assert complaint.precision == Precision.POINT
    assert complaint.arrondissement.number == 4
    assert complaint.sector.name == "Paris Centre"
    assert complaint.quartier.arrondissement == complaint.arrondissement
    assert all(getattr(complaint, f"h3_r{res}") for res in settings.CPPS_H3_RESOLUTIONS)
    # Personal data live apart from the case.
    contact = complaint.complainants.get()
    assert (contact.name, contact.email, contact.consent_contact) == (
        "Camille Exemple",
        "camille.exemple@example.org",
        True,
    )
    photo = complaint.photos.get()
    assert (photo.width, photo.height) == (64, 48)
    assert len(complaint.tracking_token) == 24


def test_stored_photo_has_no_exif(paris, gps_jpeg):
    complaint = file_complaint(complaint_input(photos=[gps_jpeg()]))

    photo = complaint.photos.get()
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "exif" not in stored.info
    raw = Path(photo.image.path).read_bytes()
    assert b"Exif" not in raw
    assert DEVICE.encode() not in raw


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_kept(paris):
    before = stored_counts()
    files_before = photo_files()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")

    with pytest.raises(IntakeError) as refused:
        file_complaint(
            complaint_input(contact=ContactInput(email="alix.exemple@example.org"), photos=[fake])
        )

    assert "n'est pas une image lisible" in refused.value.errors["photo"][0]
    assert stored_counts() == before
    assert photo_files() == files_before


def test_outside_paris_is_refused_in_french(paris):
    before = stored_counts()

    with pytest.raises(IntakeError) as refused:
        file_complaint(
            complaint_input(
                latitude=BOULOGNE_BILLANCOURT[0],
                longitude=BOULOGNE_BILLANCOURT[1],
                contact=ContactInput(email="sacha.exemple@example.org"),
            )
        )

    (message,) = refused.value.errors["location"]
    assert message.startswith("Ce lieu est en dehors de Paris")
    assert "mairie de la commune" in message
    assert stored_counts() == before


def test_missing_category_is_refused(paris):
    with pytest.raises(IntakeError) as refused:
        file_complaint(complaint_input(category=None))

    assert refused.value.errors["category"] == ["Choisissez une catégorie."]
    assert not Complaint.objects.exists()


def test_inactive_category_is_refused(paris):
    category = Category.objects.get(code="megots")
    category.is_active = False
    category.save()

    with pytest.raises(IntakeError) as refused:
        file_complaint(complaint_input(category=category))

    assert refused.value.errors["category"] == ["Cette catégorie n'est plus proposée."]


def test_description_over_4000_characters_is_refused(paris):
    with pytest.raises(IntakeError) as refused:
        file_complaint(complaint_input(description="a" * 4001))

    (message,) = refused.value.errors["description"]
    assert "4000" in message and "4001" in message
    assert not Complaint.objects.exists()

    accepted = file_complaint(complaint_input(description="a" * 4000))
    assert len(accepted.description) == 4000


def test_postal_code_only_address_places_the_complaint_in_its_arrondissement(paris):
    complaint = file_complaint(
        complaint_input(latitude=None, longitude=None, address="12 rue Ordener, 75018 Paris")
    )

    complaint.refresh_from_db()
    assert complaint.arrondissement.number == 18
    assert complaint.sector.arrondissements.filter(number=18).exists()
    assert complaint.precision == Precision.POSTAL_CODE
    assert complaint.postal_code == "75018"
    assert complaint.quartier is None
    assert complaint.latitude is None and complaint.h3_r9 is None


def test_unknown_place_is_refused(paris):
    with pytest.raises(IntakeError) as refused:
        file_complaint(complaint_input(latitude=None, longitude=None, address="près de chez moi"))

    assert refused.value.errors["location"][0].startswith("Indiquez le lieu")


def test_same_external_id_files_once(paris):
    first = file_complaint(complaint_input(source="partenaire-x", external_id="A-17"))
    again = file_complaint(
        complaint_input(
            source="partenaire-x",
            external_id="A-17",
            contact=ContactInput(email="lou.exemple@example.org"),
        )
    )

    assert again.pk == first.pk
    assert Complaint.objects.filter(source="partenaire-x", external_id="A-17").count() == 1
    assert not Complainant.objects.exists()
    # The same identifier from another source is another complaint.
    other = file_complaint(complaint_input(source="partenaire-y", external_id="A-17"))
    assert other.pk != first.pk


def test_references_follow_each_other_within_the_paris_year(paris):
    first = file_complaint(complaint_input(received_at=datetime(2025, 3, 1, 10, tzinfo=UTC)))
    second = file_complaint(complaint_input(received_at=datetime(2025, 3, 1, 11, tzinfo=UTC)))
    # 23:30 UTC on 31 December is already New Year's Day in Paris.
    new_year = file_complaint(
        complaint_input(received_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    )

    year, number = REFERENCE.match(first.reference).groups()
    assert year == "2025"
    assert second.reference == f"DOL-2025-{int(number) + 1:06d}"
    assert REFERENCE.match(new_year.reference).group(1) == "2026"


def test_refused_batch_of_errors_lists_every_field(paris):
    with pytest.raises(IntakeError) as refused:
        file_complaint(
            complaint_input(
                category=None,
                description="x" * 5000,
                photos=[SimpleUploadedFile("a.gif", b"GIF89a-nope", content_type="image/gif")],
            )
        )

    assert set(refused.value.errors) == {"category", "description", "photo"}
    assert stored_counts() == (0, 0, 0)

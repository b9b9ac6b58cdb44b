"""The back office of the taxonomy and complaints, and who sees personal data there."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from doleances.models import Category, Complaint, Photo
from doleances.services import ComplaintInput, ContactInput, file_complaint

SECRET_TEXT = "Le voisin du deuxième étage joue du tambour toute la nuit."


@pytest.fixture
def complaint(paris, gps_jpeg):
    return file_complaint(
        ComplaintInput(
            category=Category.objects.get(code="bruit-rue"),
            channel="web",
            description=SECRET_TEXT,
            latitude=48.8566,
            longitude=2.3522,
            contact=ContactInput(name="Camille Exemple", email="camille.exemple@example.org"),
            photos=[gps_jpeg()],
        )
    )


@pytest.fixture
def administrator(paris):
    return get_user_model().objects.create_superuser("admin-test", password="motdepasse-test")


@pytest.fixture
def staff_reader(paris):
    """A staff account given Django's view permission but no administrator role."""
    user = get_user_model().objects.create_user(
        "lecteur", password="motdepasse-test", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_complaint", "view_category", "view_family", "view_photo"]
        )
    )
    return user


def personal_reads(complaint) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.PERSONAL_DATA_READ, target_reference=complaint.reference
    ).count()


def test_every_admin_list_opens(client, administrator, complaint):
    client.force_login(administrator)
    for model in ("family", "category", "dansmaruetype", "complaint", "photo"):
        response = client.get(reverse(f"admin:doleances_{model}_changelist"))
        assert response.status_code == 200, model


def test_category_list_edits_priority_deadline_and_activity(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:doleances_category_changelist")).content.decode()

    for field in ("default_priority", "answer_deadline_days", "is_active"):
        assert f'name="form-0-{field}"' in page
    filtered = client.get(
        reverse("admin:doleances_category_changelist"),
        {"family__id__exact": Category.objects.get(code="rodeos").family_id, "q": "rodéo"},
    ).content.decode()
    assert "Rodéos urbains" in filtered and "Dépôts sauvages" not in filtered


def test_complaints_are_found_by_reference(client, administrator, complaint, paris):
    other = file_complaint(
        ComplaintInput(
            category=Category.objects.get(code="graffitis"),
            channel="web",
            latitude=48.8848,
            longitude=2.3470,
        )
    )
    client.force_login(administrator)

    page = client.get(
        reverse("admin:doleances_complaint_changelist"), {"q": complaint.reference}
    ).content.decode()

    assert complaint.reference in page and other.reference not in page
    # The list itself shows no personal data.
    assert SECRET_TEXT not in page and "camille.exemple" not in page


def test_administrator_sees_personal_data_and_each_view_is_logged(client, administrator, complaint):
    client.force_login(administrator)
    url = reverse("admin:doleances_complaint_change", args=[complaint.pk])

    page = client.get(url).content.decode()
    client.get(url)

    assert "camille.exemple@example.org" in page
    assert SECRET_TEXT in page
    assert personal_reads(complaint) == 2
    event = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).first()
    assert event.actor_username == "admin-test"
    assert event.details == {"via": "admin"}


def test_location_is_read_only_and_complaints_are_neither_added_nor_deleted(
    client, administrator, complaint
):
    client.force_login(administrator)
    page = client.get(reverse("admin:doleances_complaint_change", args=[complaint.pk]))
    html = page.content.decode()

    for field in ("latitude", "longitude", "quartier", "arrondissement", "h3_r9", "reference"):
        assert f'name="{field}"' not in html
    assert 'name="status"' in html
    assert client.get(reverse("admin:doleances_complaint_add")).status_code == 403
    delete = reverse("admin:doleances_complaint_delete", args=[complaint.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Complaint.objects.filter(pk=complaint.pk).exists()


def test_staff_without_administrator_role_never_sees_personal_data(client, staff_reader, complaint):
    client.force_login(staff_reader)

    response = client.get(reverse("admin:doleances_complaint_change", args=[complaint.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert complaint.reference in html
    assert "camille.exemple" not in html and "Camille Exemple" not in html
    assert SECRET_TEXT not in html
    assert personal_reads(complaint) == 0


def test_photos_are_read_only_metadata(client, administrator, complaint):
    photo = Photo.objects.get(complaint=complaint)
    client.force_login(administrator)

    response = client.get(reverse("admin:doleances_photo_change", args=[photo.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert photo.sha256 in html
    assert 'name="image"' not in html and 'name="_save"' not in html
    assert client.get(reverse("admin:doleances_photo_add")).status_code == 403

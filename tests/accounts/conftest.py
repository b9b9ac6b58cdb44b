"""Accounts per role with their scope, and complaints filed through the intake service."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from doleances import retention
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput, ContactInput, file_complaint


def jpeg_upload(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def file_in(paris):
    """file_in("75018", description=..., contact=True, photo=True) -> Complaint."""

    def make(
        postal_code,
        description="Rodéo de motos tous les soirs.",
        contact=True,
        photo=False,
        media_url="",
    ):
        return file_complaint(
            ComplaintInput(
                category=Category.objects.filter(is_active=True, is_emergency=False).first(),
                channel=Channel.WEB,
                description=description,
                postal_code=postal_code,
                contact=ContactInput(
                    name="Camille Martin",
                    email="camille.martin@example.org",
                    phone="06 12 34 56 78",
                    consent_contact=True,
                )
                if contact
                else None,
                photos=[jpeg_upload()] if photo else [],
                media_url=media_url,
            )
        )

    return make


@pytest.fixture
def default_closing_time():
    """Pin the built-in closing time (last update of a closed complaint) for retention."""
    saved = list(retention._closed_before)
    retention._closed_before.clear()
    yield
    retention._closed_before[:] = saved

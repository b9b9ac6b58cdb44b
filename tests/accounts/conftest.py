"""Accounts per role with their scope, and complaints filed through the intake service."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts import permissions
from accounts.choices import Role
from accounts.models import Desk, Partner, Profile
from doleances import retention
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput, ContactInput, file_complaint
from territory.models import Arrondissement, Sector


@pytest.fixture
def make_user(paris):
    """make_user(role, desk="pm-18", sector="paris-18", partner=..., arrondissements=[1])."""
    counter = iter(range(1, 10_000))

    def make(
        role=None,
        *,
        desk=None,
        sector=None,
        partner=None,
        arrondissements=(),
        username=None,
        superuser=False,
        active=True,
    ):
        user = get_user_model().objects.create_user(
            username=username or f"{role or 'user'}-{next(counter)}",
            password="motdepasse-test",
            is_superuser=superuser,
            is_active=active,
        )
        if role:
            desk_obj = Desk.objects.get(code=desk) if desk else None
            profile = Profile.objects.create(
                user=user,
                role=role,
                desk=desk_obj,
                partner=Partner.objects.get(code=partner)
                if partner
                else (desk_obj.partner if desk_obj else None),
                sector=Sector.objects.get(code=sector) if sector else None,
            )
            profile.arrondissements.set(Arrondissement.objects.filter(number__in=arrondissements))
        user.refresh_from_db()
        return user

    return make


@pytest.fixture
def users(make_user):
    """One account per role; agents and supervisors at the Police municipale desk of the 18th."""
    return {
        "case_agent": make_user(Role.CASE_AGENT, desk="pm-18"),
        "desk_supervisor": make_user(Role.DESK_SUPERVISOR, desk="pm-18"),
        "analyst": make_user(Role.ANALYST),
        "cspa_coordinator": make_user(Role.CSPA_COORDINATOR, sector="paris-18"),
        "contract_pilot": make_user(Role.CONTRACT_PILOT),
        "victim_support": make_user(Role.VICTIM_SUPPORT, partner="paris-aide-victimes"),
        "administrator": make_user(Role.ADMINISTRATOR),
    }


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
def default_scope():
    """Pin the built-in territorial complaint scope, whatever routing registered.

    Routing (`traitement`) decides the desk in charge once it registers its scope; these
    tests are about the rule accounts applies on its own.
    """
    saved = dict(permissions._scope)
    permissions._scope.clear()
    yield
    permissions._scope.update(saved)


@pytest.fixture
def default_closing_time():
    """Pin the built-in closing time (last update of a closed complaint) for retention."""
    saved = list(retention._closed_before)
    retention._closed_before.clear()
    yield
    retention._closed_before[:] = saved

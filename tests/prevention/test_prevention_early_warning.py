"""Early warning in the observatory: complaints about gatherings and fights near a pair in
active tension are flagged on the dashboard; other complaints and calm pairs are not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from doleances.choices import Channel
from doleances.models import Category
from doleances.services import ComplaintInput, file_complaint
from prevention.digest import complaints_near_active_pairs
from prevention.graph import recompute_graph
from territory.models import Quartier, Sector
from tests.prevention.conftest import make_event, q

pytestmark = pytest.mark.django_db


def _file(category: str, quartier_code: str):
    quartier = Quartier.objects.get(number=int(quartier_code.removeprefix("q-")))
    postal = f"750{quartier.arrondissement.number:02d}"
    complaint = file_complaint(
        ComplaintInput(
            category=Category.objects.get(code=category), channel=Channel.WEB, postal_code=postal
        )
    )
    complaint.quartier = quartier
    complaint.save(update_fields=["quartier"])
    return complaint


def test_complaints_near_an_active_pair_are_flagged(territories, client, make_user):
    today = timezone.localdate()
    make_event([q(18), q(19)], today - timedelta(days=3))
    make_event([q(18), q(19)], today - timedelta(days=1))
    make_event([q(13), q(14)], today - timedelta(days=40), arrondissement=13)
    recompute_graph(today)
    _file("rassemblements-rixes", q(18))
    _file("rassemblements-rixes", q(18))
    _file("bruit-rue", q(18))  # not about gatherings or fights
    _file("rassemblements-rixes", q(13))  # its pair is not active
    rows = complaints_near_active_pairs(today)
    assert [r["complaints"] for r in rows] == [2]
    assert complaints_near_active_pairs(today, Sector.objects.get(code="paris-13")) == []
    assert complaints_near_active_pairs(today + timedelta(days=10)) == []
    client.force_login(make_user(Role.CSPA_COORDINATOR, sector="paris-18"))
    page = client.get(reverse("observatoire:sector", args=("paris-18",))).content.decode()
    assert "Signal précoce : rixes" in page and "2 doléances « rassemblements, rixes »" in page


def test_no_flag_without_active_pair(territories):
    _file("rassemblements-rixes", q(18))
    assert complaints_near_active_pairs(date.today()) == []

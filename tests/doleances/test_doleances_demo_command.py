"""`cpps demo`: a newcomer's instance filled with realistic complaints, safely re-runnable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_ACCOUNTS
from doleances.choices import Status
from doleances.models import Category, Complainant, Complaint
from doleances.services import ComplaintInput, file_complaint
from territory.models import Quartier


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_running_twice_gives_the_same_500_complaints(paris):
    first = run_demo("--complaints", "500", "--batch-size", "128")
    references = set(Complaint.objects.values_list("reference", flat=True))
    second = run_demo("--complaints", "500")

    assert "500 créées, 0 déjà présentes, 0 refusées" in first
    assert "0 créées, 500 déjà présentes, 0 refusées" in second
    assert Complaint.objects.count() == 500
    assert set(Complaint.objects.values_list("reference", flat=True)) == references
    assert Complaint.objects.filter(source="demo", external_id="demo-2026-499").exists()


def test_demo_complaints_look_like_real_ones(paris):
    run_demo("--complaints", "500", "--seed", "11")

    complaints = Complaint.objects.all()
    assert complaints.filter(quartier__isnull=True).count() == 0
    assert complaints.values("arrondissement").distinct().count() >= 15
    assert complaints.values("category").distinct().count() >= 15
    assert complaints.exclude(description="").count() == 500
    assert Status.CLOSED in set(complaints.values_list("status", flat=True))
    contacts = Complainant.objects.filter(complaint__source="demo")
    assert contacts.exists()
    assert all(email.endswith("@example.org") for email in contacts.values_list("email", flat=True))


def test_demo_accounts_are_created_when_missing(paris):
    run_demo("--complaints", "10")

    usernames = {account.username for account in DEMO_ACCOUNTS}
    assert get_user_model().objects.filter(username__in=usernames).count() == len(usernames)


def test_if_empty_does_nothing_when_complaints_exist(paris):
    file_complaint(
        ComplaintInput(
            category=Category.objects.get(code="graffitis"),
            channel="web",
            latitude=48.8566,
            longitude=2.3522,
        )
    )

    output = run_demo("--complaints", "200", "--if-empty")

    assert "existent déjà" in output
    assert Complaint.objects.count() == 1
    assert not get_user_model().objects.filter(username="analyste").exists()


def test_if_empty_fills_an_empty_instance(paris):
    run_demo("--complaints", "50", "--if-empty")

    assert Complaint.objects.filter(source="demo").count() == 50


def test_without_referentials_the_command_says_what_to_do(paris):
    Quartier.objects.all().delete()

    with pytest.raises(CommandError, match="cpps setup"):
        run_demo("--complaints", "10")


def test_missing_public_data_is_reported_in_french(paris, settings, tmp_path):
    settings.CPPS_DATA_DIR = str(tmp_path)

    with pytest.raises(CommandError, match="Fichier de données introuvable"):
        run_demo("--complaints", "10")
    assert not Complaint.objects.exists()
    assert not get_user_model().objects.filter(username="analyste").exists()

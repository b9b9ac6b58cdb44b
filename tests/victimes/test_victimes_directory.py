"""The Paris directory fixture and the « à vérifier » rule."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from victimes.choices import Reach
from victimes.models import Service, TaxonomyTerm, validity_cutoff

pytestmark = pytest.mark.django_db


def test_fixture_holds_the_emergency_numbers_and_national_lines(paris):
    numbers = {
        phone.number: service.reach
        for service in Service.objects.prefetch_related("phones")
        for phone in service.phones.all()
    }
    for number in ("17", "112", "114"):
        assert numbers[number] == Reach.EMERGENCY
    for number in ("3919", "116 006", "119", "3977", "115", "3018"):
        assert numbers[number] == Reach.NATIONAL
    assert Service.objects.get(name__startswith="Urgence par SMS").phones.get().type == "sms"
    assert Service.objects.filter(url__contains="masecurite.interieur.gouv.fr").exists()


def test_every_fixture_fact_has_a_source(paris):
    for service in Service.objects.filter(is_example=False):
        assert service.provenance and service.provenance_url.startswith("https://"), service


def test_situations_break_into_needs_for_families_and_seniors(paris):
    families = TaxonomyTerm.objects.get(code="famille-a-la-rue")
    assert {t.name for t in families.children.all()} == {
        "Mise à l'abri",
        "Protection des mineurs",
        "Accès aux droits",
        "Santé",
    }
    seniors = TaxonomyTerm.objects.get(code="seniors")
    assert {t.name for t in seniors.children.all()} == {"Prévention", "Accompagnement"}
    for code in (
        "violences-conjugales",
        "harcelement-rue",
        "actes-antisemites",
        "actes-lgbtqiaphobes",
        "exploitation-sexuelle",
        "escroqueries-seniors",
        "maltraitance-personne-agee",
        "mineur-en-danger",
        "victime-rixe",
    ):
        assert TaxonomyTerm.objects.filter(code=code).exists(), code


def test_validity_cutoff_counts_months():
    with override_settings(CPPS_RESSOURCES_VALIDITE_MOIS=12):
        assert validity_cutoff(date(2026, 3, 31)) == date(2025, 3, 31)
    with override_settings(CPPS_RESSOURCES_VALIDITE_MOIS=1):
        assert validity_cutoff(date(2026, 3, 31)) == date(2026, 2, 28)
        assert validity_cutoff(date(2026, 1, 15)) == date(2025, 12, 15)


def test_a_stale_service_is_hidden_from_the_public_and_flagged_for_admins(
    make_service, make_user, client
):
    old = timezone.localdate() - timedelta(days=400)
    stale = make_service("Permanence pas revue", checked=old)
    fresh = make_service("Permanence revue")
    assert stale in Service.objects.to_check() and fresh not in Service.objects.to_check()
    assert stale not in Service.objects.public() and fresh in Service.objects.public()
    with override_settings(CPPS_RESSOURCES_VALIDITE_MOIS=24):
        assert stale in Service.objects.public()
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = client.get(reverse("admin:victimes_service_changelist"), {"verification": "a-verifier"})
    assert page.status_code == 200
    assert "Permanence pas revue" in page.text and "Permanence revue<" not in page.text
    assert "à vérifier" in page.text


def test_the_directory_admin_is_for_administrators_only(make_user, client):
    client.force_login(make_user(Role.VICTIM_SUPPORT, desk="pav-accueil"))
    page = client.get(reverse("admin:victimes_service_changelist"))
    assert page.status_code == 302 and reverse("admin:login") in page["Location"]

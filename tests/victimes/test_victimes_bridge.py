"""The bridge from complaints: help shown on the pages of sensitive complaints, the consent
box, the copy to the victim-support desk (routing rule as data), its audited reads, and the
404 without consent."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import AuditAction, Role
from accounts.models import AuditEvent
from doleances.models import Category, Complaint
from traitement.models import Case

pytestmark = pytest.mark.django_db
IN_18E = {"latitude": "48.8925", "longitude": "2.3444"}
EMAIL = "victime@example.org"


def report(client, category, consent):
    fields = {
        "category": Category.objects.get(code=category).pk,
        "description": "Insultes racistes devant la boulangerie.",
        "contact_name": "Camille Martin",
        "contact_email": EMAIL,
        **IN_18E,
    }
    if consent:
        fields["consent_victim_support"] = "on"
    response = client.post("/signaler/", fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Complaint.objects.order_by("-pk").first()


def test_new_categories_are_sensitive_and_routed_to_the_commissariat(paris):
    for code in (
        "discrimination",
        "acte-raciste",
        "acte-antisemite",
        "acte-lgbtqiaphobe",
        "harcelement-rue-jour",
    ):
        category = Category.objects.get(code=code)
        assert category.is_sensitive and category.victim_bridge.copy_desk.code == "pav-accueil"


def test_with_consent_the_victim_support_desk_sees_the_case_and_contact_audited(client, worker):
    complaint = report(client, "acte-raciste", consent=True)
    case = Case.objects.get(complaint=complaint)
    assert case.desk.code == "pp-cmt-18"
    assert [d.code for d in case.copy_desks.all()] == ["pav-accueil"]
    staff = Client()
    staff.force_login(worker)
    listing = staff.get(reverse("victimes:cases"))
    assert complaint.reference in listing.text
    before = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).count()
    page = staff.get(reverse("victimes:case", args=[complaint.reference]))
    assert page.status_code == 200 and EMAIL in page.text and "Camille Martin" in page.text
    reads = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ)
    assert reads.count() == before + 1
    assert reads.first().target_reference == complaint.reference


def test_without_consent_no_copy_and_a_404(client, worker):
    complaint = report(client, "acte-raciste", consent=False)
    assert not Case.objects.get(complaint=complaint).copy_desks.exists()
    staff = Client()
    staff.force_login(worker)
    assert complaint.reference not in staff.get(reverse("victimes:cases")).text
    assert staff.get(reverse("victimes:case", args=[complaint.reference])).status_code == 404


def test_consent_is_ignored_for_a_category_that_is_not_sensitive(client, worker):
    complaint = report(client, "bruit-rue", consent=True)
    assert not complaint.complainants.get().consent_victim_support
    assert not Case.objects.get(complaint=complaint).copy_desks.exists()


def test_other_roles_and_other_desks_never_read_the_copy(client, make_user):
    complaint = report(client, "harcelement-rue-jour", consent=True)
    url = reverse("victimes:case", args=[complaint.reference])
    other_desk = make_user(Role.VICTIM_SUPPORT, desk="ville-solidarites")
    staff = Client()
    staff.force_login(other_desk)
    assert staff.get(url).status_code == 404
    for role in (Role.ANALYST, Role.CONTRACT_PILOT, Role.ADMINISTRATOR):
        staff.force_login(make_user(role))
        assert staff.get(url).status_code == 403


def test_confirmation_and_tracking_pages_show_the_help(client, paris):
    complaint = report(client, "acte-antisemite", consent=False)
    confirmation = client.get(reverse("guichet:confirmation"))
    assert "Être aidé·e" in confirmation.text and "116 006" in confirmation.text
    assert "situation=actes-antisemites" in confirmation.text
    track = client.get(
        reverse("guichet:track", args=[complaint.reference, complaint.tracking_token])
    )
    assert "Être aidé·e" in track.text
    noise = report(client, "bruit-rue", consent=False)
    page = client.get(reverse("guichet:track", args=[noise.reference, noise.tracking_token]))
    assert "Être aidé·e" not in page.text


def test_report_form_offers_the_consent_box(client, paris):
    page = client.get("/signaler/")
    assert (
        "J&#x27;accepte d&#x27;être contacté·e par une association d&#x27;aide aux victimes"
        in (page.text)
        or "J'accepte d'être contacté·e par une association d'aide aux victimes" in page.text
    )


def test_open311_never_publishes_a_sensitive_complaint(client, paris):
    complaint = report(client, "acte-lgbtqiaphobe", consent=False)
    listing = client.get("/open311/v2/requests.json")
    assert listing.status_code == 200 and complaint.reference not in listing.text


def test_the_migration_adds_the_categories_to_an_existing_database(paris):
    import importlib

    from django.apps import apps

    from doleances.models import Family
    from traitement.models import RoutingRule

    migration = importlib.import_module(
        "victimes.migrations.0003_victims_categories_in_existing_databases"
    )
    family = Family.objects.get(code="discriminations-harcelement")
    RoutingRule.objects.filter(family=family).delete()
    Category.objects.filter(family=family).delete()
    family.delete()
    migration.add_categories(apps, None)
    family = Family.objects.get(code="discriminations-harcelement")
    assert set(Category.objects.filter(family=family).values_list("code", flat=True)) == {
        "discrimination",
        "acte-raciste",
        "acte-antisemite",
        "acte-lgbtqiaphobe",
        "harcelement-rue-jour",
    }
    rule = RoutingRule.objects.get(family=family)
    assert rule.partner.code == "prefecture-police"
    migration.add_categories(apps, None)  # a second run changes nothing
    assert RoutingRule.objects.filter(family=family).count() == 1

"""Alert subscriptions: the toggle on the sector page and the weekly e-mail digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from doleances.bulk import file_complaints
from doleances.models import Category
from doleances.services import ComplaintInput
from observatoire import services
from observatoire.models import AlertSubscription
from observatoire.subscriptions import send_digests
from territory.models import Sector
from territory.services import locate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_store")]

# Rue de la Goutte-d'Or, 18e arrondissement.
GOUTTE_DOR = (48.8858, 2.3538)


@pytest.fixture
def outbreak():
    """Sixty night-life complaints in the 18th during the last complete week: an alert."""
    assert locate(*GOUTTE_DOR)["sector"]["code"] == "paris-18"
    category = Category.objects.filter(family__code="vie-nocturne", is_active=True).first()
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    start = datetime(monday.year, monday.month, monday.day, 20, tzinfo=UTC)
    items = [
        ComplaintInput(
            category=category,
            channel="web",
            description="Tapage nocturne",
            latitude=GOUTTE_DOR[0],
            longitude=GOUTTE_DOR[1],
            received_at=start + timedelta(hours=2 * i),
            occurred_at=start + timedelta(hours=2 * i),
            source="test-outbreak",
            external_id=str(i),
        )
        for i in range(60)
    ]
    assert len(file_complaints(items).created) == 60
    services.refresh(full=True)
    alerts = [a for a in services.alerts(sectors=("paris-18",)) if a["sector"] == "paris-18"]
    assert alerts and alerts[0]["family"] == "vie-nocturne"
    yield category.family
    # The database rolls back after the test; the store follows.
    services.refresh(full=True)


def test_coordinator_toggles_the_subscription_from_the_sector_page(client, make_user):
    coordinator = make_user(Role.CSPA_COORDINATOR, sector="paris-18")
    client.force_login(coordinator)
    page = reverse("observatoire:sector", args=("paris-18",))
    toggle = reverse("observatoire:sector-subscription", args=("paris-18",))
    assert "Recevoir les alertes du secteur chaque semaine" in client.get(page).content.decode()

    response = client.post(toggle, {"actif": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == page
    html = response.content.decode()
    assert "Vous recevrez chaque semaine par courriel les alertes du secteur Paris 18e" in html
    assert "Ne plus recevoir les alertes" in html
    assert AlertSubscription.objects.get(user=coordinator).active

    html = client.post(toggle, {"actif": "0"}, follow=True).content.decode()
    assert "Vous ne recevrez plus les alertes du secteur Paris 18e" in html
    assert not AlertSubscription.objects.get(user=coordinator).active
    assert AlertSubscription.objects.count() == 1


def test_no_subscription_to_another_sector_nor_by_get(client, make_user):
    coordinator = make_user(Role.CSPA_COORDINATOR, sector="paris-18")
    client.force_login(coordinator)
    other = reverse("observatoire:sector-subscription", args=("paris-5",))
    assert client.post(other, {"actif": "1"}).status_code == 403
    own = reverse("observatoire:sector-subscription", args=("paris-18",))
    assert client.get(own).status_code == 405
    assert not AlertSubscription.objects.exists()


def subscribe(user, code, active=True):
    return AlertSubscription.objects.create(
        user=user, sector=Sector.objects.get(code=code), active=active
    )


def test_weekly_digest_mails_the_sector_alerts_in_french(outbreak, make_user):
    coordinator = make_user(
        Role.CSPA_COORDINATOR, sector="paris-18", email="coordination18@example.org"
    )
    subscribe(coordinator, "paris-18")
    quiet = make_user(Role.CSPA_COORDINATOR, sector="paris-5", email="coordination5@example.org")
    subscribe(quiet, "paris-5")
    stopped = make_user(Role.CSPA_COORDINATOR, sector="paris-18", email="ancien@example.org")
    subscribe(stopped, "paris-18", active=False)
    no_address = make_user(Role.CSPA_COORDINATOR, sector="paris-18")
    subscribe(no_address, "paris-18")

    report = send_digests()

    assert [m.to for m in mail.outbox] == [["coordination18@example.org"]]
    message = mail.outbox[0]
    assert message.subject.startswith("[cpps] Paris 18e : ")
    assert "alerte" in message.subject
    assert "pour le secteur Paris 18e" in message.body
    assert f"{outbreak.label} : " in message.body
    assert "doléances pour" in message.body and "attendues" in message.body
    assert "/observatoire/secteurs/paris-18/" in message.body
    assert "Ne plus recevoir les alertes" in message.body
    assert report.sent[0][:2] == ("coordination18@example.org", "paris-18")
    assert report.without_address == 1
    # Paris 5e may have no alert this week: then nothing is sent there.
    assert report.without_alert + len(report.sent) == 2


def test_digest_follows_access_and_dry_run_sends_nothing(outbreak, make_user):
    coordinator = make_user(
        Role.CSPA_COORDINATOR, sector="paris-18", email="coordination18@example.org"
    )
    subscribe(coordinator, "paris-18")

    report = send_digests(dry_run=True)
    assert mail.outbox == [] and len(report.sent) == 1

    # Moved to another sector: the old subscription no longer sends anything.
    coordinator.profile.sector = Sector.objects.get(code="paris-5")
    coordinator.profile.save()
    report = send_digests()
    assert mail.outbox == [] and report.without_access == 1 and report.sent == []


def test_alert_digest_command(outbreak, make_user, capsys):
    coordinator = make_user(
        Role.CSPA_COORDINATOR, sector="paris-18", email="coordination18@example.org"
    )
    subscribe(coordinator, "paris-18")
    call_command("alert_digest", "--dry-run")
    out = capsys.readouterr().out
    assert "coordination18@example.org — paris-18" in out and "serait envoyé" in out
    assert mail.outbox == []
    call_command("alert_digest")
    assert len(mail.outbox) == 1
    assert "1 courriel(s) envoyé(s)" in capsys.readouterr().out


def test_alert_digest_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Date invalide"):
        call_command("alert_digest", "--date", "2026-02-30")


def test_the_outbreak_shows_on_the_sector_dashboard(outbreak, client, make_user):
    client.force_login(make_user(Role.CSPA_COORDINATOR, sector="paris-18"))
    html = client.get(reverse("observatoire:sector", args=("paris-18",))).content.decode()
    alerts = html[html.index('id="alertes-carte"') :]
    assert outbreak.label in alerts[: alerts.index("</ul>")]
    data = client.get(reverse("observatoire:sector-map", args=("paris-18",))).json()
    assert data["alerts"][0]["what"] == outbreak.label
    assert data["quartiers"]["7511803"]["count"] >= 60

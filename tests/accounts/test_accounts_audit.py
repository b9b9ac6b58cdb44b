"""The audit trail: append-only, fed by logins, refusals, personal-data reads, admin changes
and exports; searchable and exportable by administrators only."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import log_event, log_personal_data_read
from accounts.choices import AuditAction, Role
from accounts.models import AuditEvent, AuditTrailIsAppendOnly, Desk

pytestmark = pytest.mark.django_db


def events(action):
    return AuditEvent.objects.filter(action=action)


# --- append-only -------------------------------------------------------------------------


def test_events_cannot_be_changed_or_removed_through_the_orm(users):
    event = log_event(users["analyst"], AuditAction.EXPORT, details={"export": "x"})
    event.action = AuditAction.OTHER
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.OTHER)
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.EXPORT


def test_the_database_refuses_updates_even_in_raw_sql(users):
    event = log_event(users["analyst"], AuditAction.EXPORT)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditevent SET actor_username = %s WHERE id = %s",
            ["quelqu-un-d-autre", event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).actor_username == users["analyst"].username


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite: no DELETE trigger, Django's flush empties tables with DELETE (migration 0003)",
)
def test_postgresql_refuses_deletes_in_raw_sql(users):
    event = log_event(users["analyst"], AuditAction.EXPORT)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_user_keeps_their_events(make_user):
    user = make_user(Role.ANALYST, username="partie.en.retraite")
    log_event(user, AuditAction.EXPORT)
    user.delete()
    event = events(AuditAction.EXPORT).get()
    assert event.actor_username == "partie.en.retraite"
    assert event.actor_role == Role.ANALYST


# --- what gets logged --------------------------------------------------------------------


def test_personal_data_read_is_logged_with_who_what_where(users, file_in, rf):
    complaint = file_in("75018")
    request = rf.get("/traitement/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox/140")
    event = log_personal_data_read(users["case_agent"], complaint, request)
    event.refresh_from_db()
    assert event.action == AuditAction.PERSONAL_DATA_READ
    assert event.actor == users["case_agent"]
    assert event.actor_role == Role.CASE_AGENT
    assert event.target_type == "doleances.complaint"
    assert event.target_id == str(complaint.pk)
    assert event.target_reference == complaint.reference
    assert event.ip_address == "10.1.2.3"
    assert event.user_agent == "Firefox/140"


def test_no_personal_data_is_copied_into_the_trail(users, file_in):
    complaint = file_in("75018")
    event = log_event(users["case_agent"], AuditAction.CASE_CHANGE, complaint.complainants.get())
    assert event.target_type == "doleances.complainant"
    assert event.target_reference == ""
    stored = " ".join(str(getattr(event, f.attname)) for f in AuditEvent._meta.fields)
    assert "Camille" not in stored


def test_logins_logouts_and_failures_are_logged(client, make_user):
    make_user(Role.ANALYST, username="analyste.test")
    url = reverse("login")
    response = client.post(url, {"username": "analyste.test", "password": "mauvais"})
    assert response.status_code == 200
    failed = events(AuditAction.LOGIN_FAILED).get()
    assert failed.details == {"username": "analyste.test"}
    assert failed.actor is None
    assert "mauvais" not in json.dumps(failed.details)
    client.post(url, {"username": "analyste.test", "password": "motdepasse-test"})
    login = events(AuditAction.LOGIN).get()
    assert (login.actor_username, login.actor_role) == ("analyste.test", Role.ANALYST)
    assert login.ip_address == "127.0.0.1"
    client.post(reverse("logout"))
    assert events(AuditAction.LOGOUT).get().actor_username == "analyste.test"


def test_refused_access_is_logged_and_answered_in_french(client, users):
    client.force_login(users["analyst"])
    response = client.get(reverse("accounts:audit"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page
    assert "Votre compte ne permet pas d'accéder à cette page." in page
    assert '<html lang="fr"' in page
    denied = events(AuditAction.PERMISSION_DENIED).get()
    assert denied.actor == users["analyst"]
    assert denied.details["path"] == reverse("accounts:audit")


def test_anonymous_visitor_is_sent_to_login(client, paris):
    response = client.get(reverse("accounts:audit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not events(AuditAction.PERMISSION_DENIED).exists()


def test_admin_changes_are_logged(client, users):
    client.force_login(users["administrator"])
    desk = Desk.objects.get(code="pm-18")
    url = reverse("admin:accounts_desk_change", args=[desk.pk])
    data = {
        "partner": desk.partner_id,
        "code": desk.code,
        "name": desk.name,
        "email": "nouvelle-adresse@paris.invalid",
        "arrondissements": [a.pk for a in desk.arrondissements.all()],
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = events(AuditAction.ADMIN_CHANGE).get()
    assert event.actor == users["administrator"]
    assert event.details["operation"] == "change"
    assert event.details["model"] == "accounts.desk"
    assert event.details["object_id"] == str(desk.pk)


# --- the administrators' page and exports ------------------------------------------------


@pytest.fixture
def trail(users, file_in):
    complaint = file_in("75018")
    log_personal_data_read(users["case_agent"], complaint)
    log_event(users["desk_supervisor"], AuditAction.CASE_CHANGE, complaint)
    log_event(None, AuditAction.LOGIN_FAILED, details={"username": '=HYPERLINK("x")'})
    return complaint


def test_audit_page_filters(client, users, trail):
    client.force_login(users["administrator"])
    url = reverse("accounts:audit")
    page = client.get(url, {"action": AuditAction.PERSONAL_DATA_READ}).content.decode()
    assert "Lecture de données personnelles" in page
    assert "1 événement." in page
    page = client.get(url, {"reference": trail.reference}).content.decode()
    assert "2 événements." in page
    assert f"doléance {trail.pk}" in page or trail.reference in page
    page = client.get(url, {"action": AuditAction.LOGIN_FAILED}).content.decode()
    assert "identifiant : =HYPERLINK" in page and "{&quot;username" not in page
    page = client.get(url, {"actor": users["desk_supervisor"].username}).content.decode()
    assert "Modification d&#x27;un dossier" in page
    assert "1 événement." in page
    today = timezone.localdate()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert "Aucun événement ne correspond" in client.get(url, {"since": tomorrow}).content.decode()
    page = client.get(url, {"since": today.isoformat(), "until": today.isoformat()})
    assert "Aucun événement" not in page.content.decode()


def test_audit_page_rejects_bad_dates_in_french(client, users, trail):
    client.force_login(users["administrator"])
    url = reverse("accounts:audit")
    response = client.get(url, {"since": "2026-02-01", "until": "2026-01-01"})
    assert response.status_code == 400
    assert "La date de début est postérieure à la date de fin." in response.content.decode()
    response = client.get(url, {"since": "hier"})
    assert response.status_code == 400
    assert "Saisissez une date valide." in response.content.decode()


def test_csv_export_is_itself_logged_and_safe_for_spreadsheets(client, users, trail):
    client.force_login(users["administrator"])
    response = client.get(reverse("accounts:audit-export"), {"reference": trail.reference})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    # In French, for French spreadsheets: headers, labels, details; ";" between cells.
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["action"] for row in rows] == [
        "Lecture de données personnelles",
        "Modification d'un dossier",
    ]
    assert rows[0]["rôle"] == "Agent de traitement" and rows[0]["type d'objet"] == "doléance"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", rows[0]["date"])
    export = events(AuditAction.EXPORT).get()
    assert export.actor == users["administrator"]
    assert export.details["count"] == 2
    assert export.details["filters"] == {"reference": trail.reference}
    everything = client.get(reverse("accounts:audit-export"))
    text = b"".join(everything.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert all(not cell.startswith("=") for row in rows for cell in row.values())
    failed = next(row for row in rows if row["action"] == "Échec de connexion")
    assert failed["détails"] == 'identifiant : =HYPERLINK("x")'  # not at the cell's start
    exported = next(row for row in rows if row["action"] == "Export")
    assert "filtres : (référence : " in exported["détails"] and "nombre : 2" in exported["détails"]


def test_export_is_for_administrators_only(client, users, trail):
    for name in ("analyst", "case_agent", "contract_pilot"):
        client.force_login(users[name])
        assert client.get(reverse("accounts:audit-export")).status_code == 403
    assert not events(AuditAction.EXPORT).exists()


def test_cli_export_jsonl_and_csv(users, trail, tmp_path):
    out = io.StringIO()
    call_command(
        "audit",
        "export",
        "--since",
        timezone.localdate().isoformat(),
        "--format",
        "jsonl",
        "--action",
        "case_change",
        stdout=out,
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["target_reference"] for line in lines] == [trail.reference]
    assert lines[0]["actor_role"] == Role.DESK_SUPERVISOR
    target = tmp_path / "audit.csv"
    call_command("audit", "export", "--format", "csv", "--output", str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig"), delimiter=";"))
    assert {
        "Lecture de données personnelles",
        "Modification d'un dossier",
        "Échec de connexion",
        "Export",
    } <= {row["action"] for row in rows}
    cli_exports = events(AuditAction.EXPORT)
    assert cli_exports.count() == 2
    assert all(e.details["via"] == "cli" for e in cli_exports)


def test_cli_rejects_a_bad_date(paris):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Date invalide"):
        call_command("audit", "export", "--since", "2026-13-01")


# --- admin -------------------------------------------------------------------------------


def test_audit_admin_is_read_only(client, users, trail):
    client.force_login(users["administrator"])
    event = AuditEvent.objects.first()
    changelist = client.get(reverse("admin:accounts_auditevent_changelist"), {"q": trail.reference})
    assert changelist.status_code == 200
    assert trail.reference in changelist.content.decode()
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert (
        client.get(reverse("admin:accounts_auditevent_delete", args=[event.pk])).status_code == 403
    )
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("admin:accounts_auditevent_change", args=[event.pk]), {"action": "other"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == event.action
    # Nothing changed; the attempt itself is now in the trail.
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.first().action == AuditAction.PERMISSION_DENIED

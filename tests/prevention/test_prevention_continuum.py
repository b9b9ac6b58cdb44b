"""Prevention actions (CSV/XLSX import, timeline, aggregates), TIG posts, radicalisation
information and trainings, and the figures page with small counts suppressed."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.choices import Role
from prevention.continuum import import_continuum
from prevention.models import PreventionAction, SessionAttendance, TigPostsYear
from prevention.reports import actions_by_sector, sector_kind_table
from tests.prevention.conftest import make_event, q
from victimes.demo import example_tig_host
from victimes.models import Service

pytestmark = pytest.mark.django_db

ACTIONS_CSV = (
    "code;type;operateur;territoires;debut;fin;etat;avancement;contrat\n"
    "ACT-1;citoyennete;academie-paris;{t18};2026-01-05;2026-06-30;en-cours;40;1.2\n"
    "ACT-2;sport;ville-paris;{t18}|{t19};2026-07-01;;prevue;0;1.2.9\n"
    "ACT-3;inconnu;ville-paris;{t18};2026-07-01;;prevue;0;\n"
)


def _actions_csv():
    return ACTIONS_CSV.format(t18=q(18), t19=q(19)).encode()


def test_actions_csv_import_is_idempotent_and_builds_a_timeline(territories, mediator18):
    report = import_continuum(mediator18, _actions_csv(), "actions.csv", today=date(2026, 3, 1))
    assert report.actions == 2
    assert report.errors == [
        "actions, ligne 4, colonne « type » : Sélectionnez un choix valide. inconnu n’en fait "
        "pas partie."
    ]
    again = import_continuum(mediator18, _actions_csv(), "actions.csv", today=date(2026, 3, 8))
    assert again.actions == 2 and PreventionAction.objects.count() == 2
    action = PreventionAction.objects.get(code="ACT-1")
    assert [(m.day, m.progress) for m in action.timeline.all()] == [(date(2026, 3, 1), 40)]
    changed = _actions_csv().replace(b"en-cours;40", b"terminee;100")
    import_continuum(mediator18, changed, "actions.csv", today=date(2026, 7, 1))
    assert [m.status for m in action.timeline.all()] == ["en-cours", "terminee"]
    assert action.contract_code == "1.2"


def test_xlsx_import_with_attendance_as_aggregates(territories, mediator18):
    book = Workbook()
    sheet = book.active
    sheet.title = "actions"
    sheet.append(
        [
            "code",
            "type",
            "operateur",
            "territoires",
            "debut",
            "fin",
            "etat",
            "avancement",
            "contrat",
        ]
    )
    sheet.append(
        ["ACT-9", "parents", "ville-paris", q(18), date(2026, 1, 5), None, "en-cours", 20, "1.2"]
    )
    attendance = book.create_sheet("participations")
    attendance.append(["action", "seance", "tranche_age", "sexe", "nombre"])
    attendance.append(["ACT-9", date(2026, 2, 1), "11-14", "f", 6])
    attendance.append(["ACT-9", date(2026, 2, 1), "11-14", "m", 4])
    attendance.append(["ACT-9", date(2026, 2, 1), "99", "m", 4])
    buffer = io.BytesIO()
    book.save(buffer)
    for _round in range(2):
        report = import_continuum(mediator18, buffer.getvalue(), "continuum.xlsx")
        assert (report.actions, report.attendance) == (1, 2)
        assert len(report.errors) == 1 and "tranche_age" in report.errors[0]
    assert SessionAttendance.objects.count() == 2
    paris18 = next(r for r in actions_by_sector(2026) if r["sector"].code == "paris-18")
    assert (paris18["actions"], paris18["sessions"], paris18["participants"]) == (1, 1, 10)


def test_unknown_columns_are_refused(territories, mediator18):
    raw = b"code;type;commentaire\nX;sport;Mehdi 14 ans\n"
    report = import_continuum(mediator18, raw, "a.csv")
    assert report.actions == 0 and "colonnes inconnues" in report.errors[0]


def test_actions_outside_the_territory_are_refused(territories, mediator13):
    report = import_continuum(mediator13, _actions_csv(), "actions.csv")
    assert report.actions == 0
    assert not PreventionAction.objects.exists()


def test_action_pages_permissions(client, territories, mediator18, make_user):
    client.force_login(mediator18)
    upload = SimpleUploadedFile("actions.csv", _actions_csv(), content_type="text/csv")
    response = client.post(reverse("prevention:actions"), {"fichier": upload})
    assert response.status_code == 400  # one bad line reported, the others stored
    assert PreventionAction.objects.count() == 2
    client.force_login(make_user(Role.CSPA_COORDINATOR, sector="paris-18"))
    assert client.get(reverse("prevention:actions")).status_code == 200
    upload = SimpleUploadedFile("actions.csv", _actions_csv(), content_type="text/csv")
    assert client.post(reverse("prevention:actions"), {"fichier": upload}).status_code == 403
    client.force_login(make_user(Role.ANALYST))
    assert client.get(reverse("prevention:actions")).status_code == 403


def test_tig_and_training_aggregates(client, territories, mediator18, make_user):
    client.force_login(mediator18)
    host = example_tig_host()
    data = {
        "tig-host": str(host.pk),
        "tig-year": "2025",
        "tig-posts_offered": "12",
        "tig-posts_filled": "9",
    }
    assert client.post(reverse("prevention:entries"), data).status_code == 302
    assert client.post(reverse("prevention:entries"), data).status_code == 302
    row = TigPostsYear.objects.get()
    assert (row.host, row.posts_offered, row.posts_filled) == (host, 12, 9)
    assert row.partner.code == "ville-paris"
    not_a_host = Service.objects.exclude(pk=host.pk).first()
    response = client.post(reverse("prevention:entries"), {**data, "tig-host": str(not_a_host.pk)})
    assert response.status_code == 400 and "accueille pas de TIG" in response.content.decode()
    assert TigPostsYear.objects.count() == 1
    bad = {**data, "tig-posts_filled": "20"}
    response = client.post(reverse("prevention:entries"), bad)
    assert response.status_code == 400 and "Plus de postes pourvus" in response.content.decode()
    training = {
        "formation-year": "2025",
        "formation-sessions": "3",
        "formation-professionals_trained": "45",
    }
    assert client.post(reverse("prevention:entries"), training).status_code == 302
    page = client.get(reverse("prevention:radicalisation")).content.decode()
    assert "45 professionnels formés" in page
    client.force_login(make_user(Role.ANALYST))
    assert client.post(reverse("prevention:entries"), data).status_code == 403


def test_radicalisation_page_is_public_information_only(client, paris):
    page = client.get(reverse("prevention:radicalisation")).content.decode()
    assert "0 800 005 696" in page and "stop-djihadisme.gouv.fr" in page
    assert "cellule de la Préfecture de Police, en dehors de cpps" in page


def test_small_counts_are_suppressed_for_analysts(client, territories, make_user):
    for _i in range(7):
        make_event([q(18), q(19)], date(2026, 2, 1))
    make_event([q(13), q(14)], date(2026, 2, 1), arrondissement=13)
    table = sector_kind_table(2026)
    paris18 = next(r for r in table["rows"] if r["sector"].code == "paris-18")
    paris13 = next(r for r in table["rows"] if r["sector"].code == "paris-13")
    assert paris18["cells"][0] == 7
    assert paris13["cells"][0] is None and paris13["total"] is None
    # The 13th's cell cannot be recomputed: the other hidden sectors share the difference.
    assert table["totals"][0] == 8
    assert sum(1 for r in table["rows"] if r["cells"][0] is None) > 1
    client.force_login(make_user(Role.ANALYST))
    response = client.get(reverse("prevention:figures"))
    assert response.status_code == 200
    assert response.context["table"]["rows"] == table["rows"]

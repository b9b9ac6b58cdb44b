"""Import and export of the whole contract: round trips, idempotence, errors, screens."""

from datetime import date, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from accounts.choices import AuditAction, Role
from accounts.models import AuditEvent, Partner
from contrat import exchange, importer
from contrat.choices import ActionStatus, Direction, IndicatorSource
from contrat.models import (
    Action,
    Axis,
    Contract,
    Decision,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Priority,
    SectorDeclination,
)
from territory.models import Sector

pytestmark = pytest.mark.django_db


def _code(obj):
    return obj.code if obj is not None else None


def _codes(manager):
    return tuple(sorted(p.code for p in manager.all()))


def dump() -> dict:
    """The whole referential and its values, by natural keys (no database ids)."""
    return {
        "contracts": sorted(
            (
                c.code,
                c.name,
                c.start_year,
                c.end_year,
                _code(c.sector),
                _code(c.parent),
                _codes(c.signatories),
                _codes(c.partners),
                c.source,
            )
            for c in Contract.objects.all()
        ),
        "axes": sorted(
            (a.contract.code, a.number, a.title, a.description) for a in Axis.objects.all()
        ),
        "priorities": sorted(
            (
                p.code,
                p.axis.contract.code,
                p.axis.number,
                p.rank,
                p.title,
                p.description,
                _codes(p.lead_partners),
                _codes(p.associate_partners),
                p.source,
            )
            for p in Priority.objects.all()
        ),
        "declinations": sorted(
            (d.priority.code, d.sector.code, _code(d.local_lead), d.notes)
            for d in SectorDeclination.objects.all()
        ),
        "actions": sorted(
            (
                a.code,
                a.priority.code,
                _code(a.sector),
                a.title,
                _code(a.owner),
                a.due_date,
                a.status,
                a.done_on,
            )
            for a in Action.objects.all()
        ),
        "decisions": sorted(
            (d.priority.code, _code(d.sector) or "", d.date, d.body, d.text, d.recorded_by_id)
            for d in Decision.objects.all()
        ),
        "indicators": sorted(
            (
                i.code,
                i.priority.code,
                i.name,
                i.unit,
                i.direction,
                i.frequency,
                i.source,
                _code(i.responsible_partner),
                i.measure,
                tuple(sorted(i.measure_params.items())),
                i.baseline_value,
                i.baseline_year,
                i.by_sector,
                i.description,
            )
            for i in Indicator.objects.all()
        ),
        "targets": sorted(
            (t.indicator.code, _code(t.sector) or "", t.year, t.value)
            for t in IndicatorTarget.objects.all()
        ),
        "values": sorted(
            (
                v.indicator.code,
                _code(v.sector) or "",
                v.period_start,
                v.value,
                v.source_note,
                v.is_computed,
                v.entered_by_id,
                v.entered_at,
            )
            for v in IndicatorValue.objects.all()
        ),
    }


def wipe():
    IndicatorValue.objects.all().delete()
    IndicatorTarget.objects.all().delete()
    Indicator.objects.all().delete()
    Decision.objects.all().delete()
    Action.objects.all().delete()
    SectorDeclination.objects.all().delete()
    Priority.objects.all().delete()
    Axis.objects.all().delete()
    Contract.objects.filter(parent__isnull=False).delete()
    Contract.objects.all().delete()
    assert not any(dump().values())


@pytest.fixture
def full_contract(paris, make_indicator, pilot, make_user):
    """The fixture plus what the admin adds: actions, decisions, declinations, indicators
    of both kinds with targets and values entered by someone."""
    paris_18 = Sector.objects.get(code="paris-18")
    rixes = Priority.objects.get(code="1.2")
    rixes.lead_partners.set(Partner.objects.filter(code__in=["ville-paris", "parquet-paris"]))
    Action.objects.create(
        priority=rixes,
        title="Cellule de veille « rixes » dans chaque arrondissement concerné",
        owner=Partner.objects.get(code="ville-paris"),
        due_date=date(2025, 3, 31),
        status=ActionStatus.DONE,
        done_on=date(2025, 3, 2),
    )
    Action.objects.create(
        priority=rixes,
        sector=paris_18,
        title="Médiation ; sortie d'école",
        due_date=date(2026, 1, 15),
    )
    Decision.objects.create(
        priority=rixes, date=date(2025, 2, 4), body="Comité de pilotage", text="Deux lignes\nici.",
        recorded_by=pilot,
    )  # fmt: skip
    Decision.objects.create(
        priority=rixes, sector=paris_18, date=date(2025, 2, 4), body="CSPA du 18e", text="Idem."
    )
    SectorDeclination.objects.create(
        priority=rixes,
        sector=paris_18,
        local_lead=Partner.objects.get(code="prefecture-police"),
        notes="Secteur Chapelle – Goutte d'Or",
    )
    reunions = make_indicator("reunions-veille", priority="1.2", targets={2025: 40.5, 2026: 45})
    IndicatorTarget.objects.create(indicator=reunions, sector=paris_18, year=2025, value=8)
    IndicatorValue.objects.create(
        indicator=reunions, sector=paris_18, period_start=date(2025, 1, 1), value=7,
        source_note="Bilan du CSPA", entered_by=make_user(Role.CSPA_COORDINATOR, sector="paris-18"),
    )  # fmt: skip
    nuit = make_indicator(
        "nuit-1000",
        priority="3.2",
        direction=Direction.LOWER_IS_BETTER,
        source=IndicatorSource.COMPUTED,
        measure="complaints_per_1000",
        params={"family": "vie-nocturne"},
        partner=None,
        targets={2026: 1.2},
    )
    nuit.baseline_value, nuit.baseline_year = 1.4567, 2023
    nuit.save()
    IndicatorValue.objects.create(
        indicator=nuit, sector=paris_18, period_start=date(2025, 1, 1), value=2.123456789,
        is_computed=True, source_note="Calculé par l'observatoire (mesure complaints_per_1000)",
    )  # fmt: skip
    return dump()


@pytest.mark.parametrize("target", ["contrat.xlsx", "contrat.zip", "contrat-csv"])
def test_round_trip_gives_the_same_referential_and_values(full_contract, tmp_path, target):
    path = tmp_path / target
    if target.endswith(".xlsx"):
        exchange.write_xlsx(path)
    else:
        exchange.write_csv(path)
    wipe()
    report = importer.import_tables(exchange.read_tables(path))
    assert dump() == full_contract
    assert report.created["priorites"] == 12
    assert report.created["contrats"] == 18
    assert report.created["valeurs"] == 3
    assert set(report.updated) == {"partenaires"}  # partners belong to accounts: not wiped


def test_importing_twice_changes_nothing_and_an_edited_file_updates(full_contract, tmp_path):
    path = tmp_path / "contrat.xlsx"
    exchange.write_xlsx(path)
    report = importer.import_tables(exchange.read_tables(path))
    assert not report.created
    assert report.updated["priorites"] == 12
    assert dump() == full_contract

    workbook = load_workbook(path)
    sheet = workbook["cibles"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        if cells["indicateur"].value == "reunions-veille" and cells["annee"].value == 2026:
            cells["cible"].value = 50
    sheet.append(["reunions-veille", "paris-18", 2026, 9])
    workbook.save(path)
    report = importer.import_tables(exchange.read_tables(path))
    assert report.created == {"cibles": 1}
    targets = IndicatorTarget.objects.filter(indicator__code="reunions-veille", year=2026)
    assert sorted((_code(t.sector) or "", t.value) for t in targets) == [
        ("", 50),
        ("paris-18", 9),
    ]


def test_a_file_with_errors_is_refused_whole_with_french_messages(full_contract, tmp_path):
    directory = tmp_path / "csv"
    exchange.write_csv(directory)
    (directory / "actions.csv").write_text(
        "code;priorite;secteur;intitule;porteur;echeance;etat;realisee_le\n"
        "1.2.9;1.2;;Nouvelle action valable;;2026-05-01;planned;\n"
        "9.9.1;9.9;;Action d'une priorité inconnue;;;;\n"
        "1.2.10;1.2;paris-99;Secteur inconnu;;31/12/2026;finie;\n",
        encoding="utf-8",
    )
    (directory / "valeurs.csv").write_text(
        "indicateur;secteur;debut_periode;valeur\nreunions-veille;;2026-01-01;douze\n",
        encoding="utf-8",
    )
    with pytest.raises(exchange.ExchangeError) as raised:
        importer.import_tables(exchange.read_tables(directory))
    errors = raised.value.errors
    assert "Table actions, ligne 3 : priorite : priorité « 9.9 » inconnu(e)." in errors
    assert "Table actions, ligne 4 : secteur : secteur « paris-99 » inconnu(e)." in errors
    assert "Table valeurs, ligne 2 : valeur : « douze » n'est pas un nombre." in errors
    assert not Action.objects.filter(code="1.2.9").exists()  # valid rows are not kept either
    assert dump() == full_contract


def test_unknown_tables_and_formats_are_refused(paris, tmp_path):
    (tmp_path / "actons.csv").write_text("code\n1\n", encoding="utf-8")
    with pytest.raises(exchange.ExchangeError, match="Table\\(s\\) inconnue\\(s\\) : actons"):
        exchange.read_tables(tmp_path)
    with pytest.raises(exchange.ExchangeError, match="Format non reconnu"):
        exchange.read_tables(BytesIO(b"x"), "contrat.ods")
    with pytest.raises(exchange.ExchangeError, match="Fichier illisible"):
        exchange.read_tables(BytesIO(b"pas un zip"), "contrat.zip")


def test_cli_export_and_import(full_contract, tmp_path):
    out = StringIO()
    call_command("contrat", "export", "--format", "csv", str(tmp_path / "c.zip"), stdout=out)
    assert "Contrat exporté" in out.getvalue()
    wipe()
    call_command("contrat", "import", str(tmp_path / "c.zip"), stdout=out)
    assert "Import terminé : partenaires : 0 créé(s)" in out.getvalue()
    assert dump() == full_contract
    with pytest.raises(CommandError, match="doit finir par .xlsx"):
        call_command("contrat", "export", "--format", "xlsx", str(tmp_path / "c.csv"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "axes.csv").write_text("contrat;numero\nx;1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="colonne\\(s\\) manquante\\(s\\) : intitule"):
        call_command("contrat", "import", str(tmp_path / "bad"))


def test_pilots_download_and_upload_from_the_overview(client, full_contract, pilot):
    client.force_login(pilot)
    page = client.get("/contrat/").content.decode()
    assert 'href="/contrat/export.xlsx"' in page and 'action="/contrat/import/"' in page
    expected = dump()  # with the computed values the page brought up to date

    response = client.get("/contrat/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="contrat-')
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=pilot).exists()
    workbook = response.content
    assert client.get("/contrat/export.zip")["Content-Type"] == "application/zip"

    wipe()
    upload = SimpleUploadedFile("contrat.xlsx", workbook)
    response = client.post("/contrat/import/", {"fichier": upload}, follow=True)
    assert "Import terminé : partenaires : 0 créé(s), 7 mis à jour" in response.content.decode()
    assert dump() == expected

    bad = SimpleUploadedFile("contrat.zip", b"pas un zip")
    response = client.post("/contrat/import/", {"fichier": bad})
    assert response.status_code == 400
    assert "Import refusé : rien n'a été enregistré" in response.content.decode()


def test_only_pilots_and_administrators_import_and_export(client, full_contract, make_user):
    coordinator = make_user(Role.CSPA_COORDINATOR, sector="paris-18")
    client.force_login(coordinator)
    assert 'action="/contrat/import/"' not in client.get("/contrat/").content.decode()
    assert client.get("/contrat/export.xlsx").status_code == 403
    upload = SimpleUploadedFile("contrat.xlsx", b"")
    assert client.post("/contrat/import/", {"fichier": upload}).status_code == 403
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get("/contrat/export.zip").status_code == 200


def test_actions_are_numbered_within_their_priority(paris):
    rixes = Priority.objects.get(code="1.2")
    first = Action.objects.create(priority=rixes, title="A", due_date=date.today())
    second = Action.objects.create(priority=rixes, title="B", due_date=date.today())
    Action.objects.create(priority=rixes, code="1.2.ex1", title="Exemple")
    third = Action.objects.create(
        priority=rixes, title="C", due_date=date.today() + timedelta(days=1)
    )
    assert (first.code, second.code, third.code) == ("1.2.1", "1.2.2", "1.2.3")


def test_arrondissement_contracts_may_come_before_their_parent(full_contract, tmp_path):
    directory = tmp_path / "csv"
    exchange.write_csv(directory)
    path = directory / "contrats.csv"
    header, *lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join([header, *reversed(lines)]) + "\n", encoding="utf-8")
    wipe()
    importer.import_tables(exchange.read_tables(directory))
    assert dump() == full_contract

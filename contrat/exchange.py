"""Import and export of the whole contract: referential (contracts, axes, priorities,
declinations, actions, decisions, indicators, targets) and indicator values. This module holds
the tables, the export and the reading of files; the import itself is `contrat.importer`.

One table per sheet (XLSX) or per CSV file (a directory or a zip). Columns have French
names; rows are matched on natural keys (contract code, axis (contract, number), priority
code, action code, indicator code, (indicator, sector, year) for targets…), so importing the
same file twice changes nothing, and an edited file updates what it names. An import never
deletes. It is all or nothing: any error and nothing is stored, and every error is reported
with its table and line.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from accounts.models import Partner
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

LIST_SEPARATOR = ","
CSV_DELIMITER = ";"  # what French spreadsheets expect
YES, NO = "oui", "non"


class ExchangeError(Exception):
    """The file cannot be imported; `errors` are French messages, one per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]


TABLES = (
    Table("partenaires", ("code", "nom", "type", "signataire"), ("code", "nom", "type")),
    Table(
        "contrats",
        (
            "code",
            "intitule",
            "annee_debut",
            "annee_fin",
            "secteur",
            "contrat_parent",
            "signataires",
            "partenaires",
            "source",
        ),
        ("code", "intitule", "annee_debut", "annee_fin"),
    ),
    Table(
        "axes",
        ("contrat", "numero", "intitule", "presentation"),
        ("contrat", "numero", "intitule"),
    ),
    Table(
        "priorites",
        (
            "code",
            "contrat",
            "axe",
            "rang",
            "intitule",
            "description",
            "pilotes",
            "partenaires_associes",
            "source",
        ),
        ("code", "contrat", "axe", "rang", "intitule"),
    ),
    Table(
        "declinaisons",
        ("priorite", "secteur", "pilote_local", "declinaison"),
        ("priorite", "secteur"),
    ),
    Table(
        "actions",
        ("code", "priorite", "secteur", "intitule", "porteur", "echeance", "etat", "realisee_le"),
        ("code", "priorite", "intitule"),
    ),
    Table(
        "decisions",
        ("priorite", "secteur", "date", "instance", "decision", "enregistree_par"),
        ("priorite", "date", "instance", "decision"),
    ),
    Table(
        "indicateurs",
        (
            "code",
            "priorite",
            "intitule",
            "unite",
            "sens",
            "frequence",
            "source",
            "partenaire_responsable",
            "mesure",
            "parametres",
            "valeur_reference",
            "annee_reference",
            "decline_par_secteur",
            "definition",
        ),
        ("code", "priorite", "intitule", "unite", "sens"),
    ),
    Table("cibles", ("indicateur", "secteur", "annee", "cible"), ("indicateur", "annee", "cible")),
    Table(
        "valeurs",
        (
            "indicateur",
            "secteur",
            "debut_periode",
            "valeur",
            "source_valeur",
            "calculee",
            "saisie_par",
            "saisie_le",
        ),
        ("indicateur", "debut_periode", "valeur"),
    ),
)
TABLE_NAMES = tuple(t.name for t in TABLES)


# --- export ---------------------------------------------------------------------------------


def _codes(manager) -> str:
    return LIST_SEPARATOR.join(sorted(p.code for p in manager.all()))


def _yes_no(flag: bool) -> str:
    return YES if flag else NO


def _code(obj) -> str:
    return obj.code if obj is not None else ""


def export_rows() -> dict[str, list[list]]:
    """Every table as rows (header first), ready for a sheet or a CSV file."""
    user_model = get_user_model()
    usernames = dict(user_model.objects.values_list("pk", user_model.USERNAME_FIELD))
    rows: dict[str, list[list]] = {t.name: [list(t.columns)] for t in TABLES}
    partners = Partner.objects.filter(code__in=_referenced_partner_codes())
    for p in partners.order_by("code"):
        rows["partenaires"].append([p.code, p.name, p.kind, _yes_no(p.is_signatory)])
    contracts = Contract.objects.select_related("sector", "parent").prefetch_related(
        "signatories", "partners"
    )
    # The Paris contract before the arrondissement contracts that name it as their parent.
    ordered = contracts.order_by(F("parent").asc(nulls_first=True), "sector__order", "code")
    for c in ordered:
        rows["contrats"].append(
            [
                c.code,
                c.name,
                c.start_year,
                c.end_year,
                _code(c.sector),
                _code(c.parent),
                _codes(c.signatories),
                _codes(c.partners),
                c.source,
            ]
        )
    for a in Axis.objects.select_related("contract").order_by("contract__code", "number"):
        rows["axes"].append([a.contract.code, a.number, a.title, a.description])
    priorities = Priority.objects.select_related("axis__contract").prefetch_related(
        "lead_partners", "associate_partners"
    )
    for p in priorities.order_by("axis__number", "rank"):
        rows["priorites"].append(
            [
                p.code,
                p.axis.contract.code,
                p.axis.number,
                p.rank,
                p.title,
                p.description,
                _codes(p.lead_partners),
                _codes(p.associate_partners),
                p.source,
            ]
        )
    declinations = SectorDeclination.objects.select_related("priority", "sector", "local_lead")
    for d in declinations.order_by("priority__code", "sector__order"):
        rows["declinaisons"].append([d.priority.code, d.sector.code, _code(d.local_lead), d.notes])
    for a in Action.objects.select_related("priority", "sector", "owner").order_by("code"):
        rows["actions"].append(
            [
                a.code,
                a.priority.code,
                _code(a.sector),
                a.title,
                _code(a.owner),
                a.due_date,
                a.status,
                a.done_on,
            ]
        )
    for d in Decision.objects.select_related("priority", "sector").order_by(
        "priority__code", "date", "body"
    ):
        rows["decisions"].append(
            [
                d.priority.code,
                _code(d.sector),
                d.date,
                d.body,
                d.text,
                usernames.get(d.recorded_by_id, ""),
            ]
        )
    indicators = Indicator.objects.select_related("priority", "responsible_partner")
    for i in indicators.order_by("code"):
        rows["indicateurs"].append(
            [
                i.code,
                i.priority.code,
                i.name,
                i.unit,
                i.direction,
                i.frequency,
                i.source,
                _code(i.responsible_partner),
                i.measure,
                json.dumps(i.measure_params, ensure_ascii=False, sort_keys=True)
                if i.measure_params
                else "",
                i.baseline_value,
                i.baseline_year,
                _yes_no(i.by_sector),
                i.description,
            ]
        )
    targets = IndicatorTarget.objects.select_related("indicator", "sector")
    for t in targets.order_by("indicator__code", "sector__order", "year"):
        rows["cibles"].append([t.indicator.code, _code(t.sector), t.year, t.value])
    values = IndicatorValue.objects.select_related("indicator", "sector")
    for v in values.order_by("indicator__code", "sector__order", "period_start"):
        rows["valeurs"].append(
            [
                v.indicator.code,
                _code(v.sector),
                v.period_start,
                v.value,
                v.source_note,
                _yes_no(v.is_computed),
                usernames.get(v.entered_by_id, ""),
                v.entered_at,
            ]
        )
    return rows


def _referenced_partner_codes() -> set[str]:
    """Partners the contract refers to (signatories, leads, owners, responsible partners)."""
    codes: set[str] = set()
    for model, fields in (
        (Contract, ("signatories", "partners")),
        (Priority, ("lead_partners", "associate_partners")),
        (SectorDeclination, ("local_lead",)),
        (Action, ("owner",)),
        (Indicator, ("responsible_partner",)),
    ):
        for name in fields:
            codes.update(
                c for c in model.objects.values_list(f"{name}__code", flat=True) if c is not None
            )
    return codes


def _cell(value):
    """What a sheet or CSV cell holds for a Python value."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_xlsx(target) -> None:
    """One sheet per table into `target` (a path or a binary file)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in export_rows().items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
    workbook.save(target)


def _csv_text(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def write_csv(target) -> None:
    """One CSV per table (UTF-8 with BOM, ";"): into a directory, or a zip when `target` is
    a binary file or a path ending in ".zip"."""
    tables = export_rows()
    if isinstance(target, str | Path) and not str(target).lower().endswith(".zip"):
        directory = Path(target)
        directory.mkdir(parents=True, exist_ok=True)
        for name, rows in tables.items():
            (directory / f"{name}.csv").write_text(_csv_text(rows), encoding="utf-8-sig")
        return
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", _csv_text(rows).encode("utf-8-sig"))


# --- reading --------------------------------------------------------------------------------


def read_tables(source, filename: str = "") -> dict[str, list[dict]]:
    """Tables from an XLSX file, a zip of CSV files or a directory of CSV files. `source` is
    a path or a binary file (then `filename` tells its kind). Unknown tables are an error."""
    name = (filename or str(source)).lower()
    try:
        if isinstance(source, str | Path) and Path(source).is_dir():
            raw = {
                p.stem: _read_csv(p.read_bytes(), p.name)
                for p in sorted(Path(source).glob("*.csv"))
            }
        elif name.endswith(".xlsx"):
            raw = _read_xlsx(source)
        elif name.endswith(".zip"):
            with zipfile.ZipFile(source) as archive:
                raw = {
                    Path(member).stem: _read_csv(archive.read(member), member)
                    for member in archive.namelist()
                    if member.lower().endswith(".csv")
                }
        else:
            raise ExchangeError(
                [_("Format non reconnu : fournir un fichier .xlsx, un .zip de CSV ou un dossier.")]
            )
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise ExchangeError([_("Fichier illisible : %(error)s") % {"error": error}]) from error
    unknown = sorted(set(raw) - set(TABLE_NAMES))
    if unknown:
        raise ExchangeError(
            [
                _("Table(s) inconnue(s) : %(unknown)s. Tables attendues : %(expected)s.")
                % {"unknown": ", ".join(unknown), "expected": ", ".join(TABLE_NAMES)}
            ]
        )
    if not raw:
        raise ExchangeError([_("Le fichier ne contient aucune table.")])
    return raw


def _rows_from(header: list, lines: Iterable[list]) -> list[dict]:
    names = [str(h or "").strip() for h in header]
    rows = []
    for line in lines:
        if all(v in (None, "") for v in line):
            continue
        rows.append({n: v for n, v in zip(names, line, strict=False) if n})
    return rows


def _read_xlsx(source) -> dict[str, list[dict]]:
    workbook = load_workbook(source, read_only=True, data_only=True)
    tables = {}
    for sheet in workbook.worksheets:
        lines = [list(r) for r in sheet.iter_rows(values_only=True)]
        if lines:
            tables[sheet.title] = _rows_from(lines[0], lines[1:])
    workbook.close()
    return tables


def _read_csv(data: bytes, name: str) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not lines:
        return []
    return _rows_from(lines[0], lines[1:])

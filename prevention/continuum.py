"""Prevention actions — the continuum: idempotent CSV/XLSX import of actions (with their
progress timeline) and of attendance counted as aggregates (age band × sex per session)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Partner
from prevention.choices import ActionStatus, ActionType, AgeBand, Sex
from prevention.forms import TerritoryField
from prevention.models import ActionMilestone, PreventionAction, SessionAttendance
from prevention.models.codes import contract_code, external_key
from prevention.scope import arrondissement_scope
from prevention.territories import arrondissements_of

ACTION_COLUMNS = {
    "code": "code",
    "type": "type",
    "operateur": "operator",
    "territoires": "territories",
    "debut": "start",
    "fin": "end",
    "etat": "status",
    "avancement": "progress",
    "contrat": "contract_code",
}
ATTENDANCE_COLUMNS = {
    "action": "action",
    "seance": "day",
    "tranche_age": "age_band",
    "sexe": "sex",
    "nombre": "count",
}
MAX_ROWS = 20_000


class ActionRowForm(forms.Form):
    code = forms.CharField(validators=[external_key])
    type = forms.ChoiceField(choices=ActionType.choices)
    operator = forms.ModelChoiceField(queryset=Partner.objects.all(), to_field_name="code")
    territories = TerritoryField()
    start = forms.DateField()
    end = forms.DateField(required=False)
    status = forms.ChoiceField(choices=ActionStatus.choices)
    progress = forms.IntegerField(min_value=0, max_value=100)
    contract_code = forms.CharField(required=False, validators=[contract_code])

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", gettext_lazy("La fin précède le début."))
        return data


class AttendanceRowForm(forms.Form):
    action = forms.ModelChoiceField(queryset=PreventionAction.objects.all(), to_field_name="code")
    day = forms.DateField()
    age_band = forms.ChoiceField(choices=AgeBand.choices)
    sex = forms.ChoiceField(choices=Sex.choices)
    count = forms.IntegerField(min_value=0, max_value=10_000)


@dataclass
class ContinuumReport:
    actions: int = 0
    attendance: int = 0
    errors: list[str] = field(default_factory=list)


def _rows_from_csv(raw: bytes) -> dict[str, list[dict]]:
    text = raw.decode("utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    headers = {h.strip().lower() for h in (rows[0] if rows else {})}
    kind = "participations" if "seance" in headers else "actions"
    return {kind: rows}


def _rows_from_xlsx(raw: bytes) -> dict[str, list[dict]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    sheets = {}
    for name in ("actions", "participations"):
        if name not in book.sheetnames:
            continue
        values = list(book[name].iter_rows(values_only=True))
        if not values:
            continue
        headers = [str(h or "").strip().lower() for h in values[0]]
        sheets[name] = [
            {h: ("" if v is None else v) for h, v in zip(headers, row, strict=False)}
            for row in values[1:]
            if any(v not in (None, "") for v in row)
        ]
    return sheets


def _cell(value) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _errors(line: int, sheet: str, form, columns: dict) -> list[str]:
    names = {v: k for k, v in columns.items()}
    return [
        _("%(sheet)s, ligne %(line)d, colonne « %(column)s » : %(error)s")
        % {"sheet": sheet, "line": line, "column": names.get(name, "—"), "error": error}
        for name, errors in form.errors.items()
        for error in errors
    ]


def import_continuum(user, raw: bytes, filename: str, today: date | None = None):
    """Import actions and/or attendance from a CSV (one kind per file) or an XLSX workbook
    (sheets « actions » and « participations »). Re-importing the same file changes nothing;
    each bad line gets a French error and is not stored."""
    report = ContinuumReport()
    today = today or timezone.localdate()
    try:
        sheets = _rows_from_xlsx(raw) if filename.lower().endswith(".xlsx") else _rows_from_csv(raw)
    except (UnicodeDecodeError, ValueError, KeyError, OSError):
        report.errors.append(_("Fichier illisible : un CSV UTF-8 ou un classeur XLSX est attendu."))
        return report
    for sheet, columns, handler in (
        ("actions", ACTION_COLUMNS, _save_action),
        ("participations", ATTENDANCE_COLUMNS, _save_attendance),
    ):
        rows = sheets.get(sheet, [])
        if len(rows) > MAX_ROWS:
            report.errors.append(_("Plus de %(max)d lignes : refusé.") % {"max": MAX_ROWS})
            continue
        for line, row in enumerate(rows, start=2):
            values = {k.strip().lower(): _cell(v) for k, v in row.items() if k}
            unknown = sorted(set(values) - set(columns))
            if unknown:
                report.errors.append(
                    _("%(sheet)s : colonnes inconnues refusées : %(columns)s.")
                    % {"sheet": sheet, "columns": ", ".join(unknown)}
                )
                break
            data = {columns[k]: v for k, v in values.items()}
            if "territories" in data:
                data["territories"] = [c for c in data["territories"].split("|") if c]
            try:
                error = handler(user, data, today)
            except PermissionDenied as refusal:
                error = [
                    _("%(sheet)s, ligne %(line)d : %(error)s")
                    % {"sheet": sheet, "line": line, "error": refusal}
                ]
            if error is None:
                counter = "actions" if sheet == "actions" else "attendance"
                setattr(report, counter, getattr(report, counter) + 1)
            elif isinstance(error, list):
                report.errors.extend(error)
            else:
                report.errors.extend(_errors(line, sheet, error, columns))
    return report


def _check_scope(user, territories) -> None:
    scope = arrondissement_scope(user)
    if scope is None:
        return
    touched = set().union(*arrondissements_of([t.pk for t in territories]).values())
    if not touched & scope:
        raise PermissionDenied(_("Ces territoires ne sont pas dans votre territoire."))


@transaction.atomic
def _save_action(user, data: dict, today: date):
    form = ActionRowForm(data)
    if not form.is_valid():
        return form
    clean = form.cleaned_data
    _check_scope(user, clean["territories"])
    action, _created = PreventionAction.objects.update_or_create(
        code=clean["code"],
        defaults={
            "type": clean["type"],
            "operator": clean["operator"],
            "start": clean["start"],
            "end": clean["end"],
            "status": clean["status"],
            "progress": clean["progress"],
            "contract_code": clean["contract_code"] or "",
        },
    )
    action.territories.set(clean["territories"])
    last = action.timeline.order_by("-day", "-pk").first()
    if last is None or (last.status, last.progress) != (action.status, action.progress):
        ActionMilestone.objects.update_or_create(
            action=action,
            day=today,
            defaults={"status": action.status, "progress": action.progress},
        )
    return None


def _save_attendance(user, data: dict, today: date):
    form = AttendanceRowForm(data)
    if not form.is_valid():
        return form
    clean = form.cleaned_data
    _check_scope(user, clean["action"].territories.all())
    SessionAttendance.objects.update_or_create(
        action=clean["action"],
        day=clean["day"],
        age_band=clean["age_band"],
        sex=clean["sex"],
        defaults={"count": clean["count"]},
    )
    return None

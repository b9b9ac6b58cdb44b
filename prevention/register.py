"""The register of events: entry (web, API, CSV import) and retention."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from prevention.forms import EventForm
from prevention.graph import recompute_graph
from prevention.models import Event, MonthlyCount
from prevention.scope import arrondissement_scope

# CSV columns (French headers) → form fields.
CSV_COLUMNS = {
    "identifiant": "external_key",
    "nature": "kind",
    "jour": "day",
    "tranche": "slot",
    "quartier": "quartier",
    "h3": "h3_r9",
    "territoires": "territories",
    "effectif": "size_band",
    "armes": "weapon",
    "blesses": "injured_band",
    "mineurs": "minors_involved",
    "abords_ecole": "near_school",
    "suite": "follow_up",
}
MAX_IMPORT_ROWS = 20_000


def _in_scope(user, quartier) -> bool:
    scope = arrondissement_scope(user)
    return scope is None or quartier.arrondissement_id in scope


def save_event(user, partner, data: dict) -> tuple[Event, bool]:
    """Store the cleaned data of an EventForm reported by `partner`; a row with the same
    partner identifier is updated, not duplicated. Returns (event, created)."""
    if not _in_scope(user, data["quartier"]):
        raise PermissionDenied(_("Ce quartier n'est pas dans votre territoire."))
    fields = {k: v for k, v in data.items() if k != "territories"}
    fields["h3_r9"] = fields.get("h3_r9") or ""
    fields["external_key"] = fields.get("external_key") or ""
    with transaction.atomic():
        event = None
        if fields["external_key"]:
            event = Event.objects.filter(
                reporting_partner=partner, external_key=fields["external_key"]
            ).first()
        created = event is None
        if created:
            event = Event(reporting_partner=partner)
        for name, value in fields.items():
            setattr(event, name, value)
        event.full_clean()
        event.save()
        event.territories.set(data["territories"])
    return event, created


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _line_errors(line: int, form: EventForm, headers: dict[str, str]) -> list[str]:
    fields = {v: k for k, v in headers.items()}
    messages = []
    for name, errors in form.errors.items():
        where = fields.get(name, _("ligne"))
        messages.extend(
            _("Ligne %(line)d, colonne « %(column)s » : %(error)s")
            % {"line": line, "column": where, "error": error}
            for error in errors
        )
    return messages


def import_events_csv(user, partner, raw: bytes, today: date | None = None) -> ImportReport:
    """Import a CSV export of a partner (`;` or `,`, UTF-8): valid lines are stored (again:
    same result), each bad line is reported in French and nothing of it is stored."""
    report = ImportReport()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append(_("Le fichier n'est pas encodé en UTF-8."))
        return report
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in CSV_COLUMNS if c not in headers and c not in ("h3", "quartier")]
    unknown = [h for h in headers if h not in CSV_COLUMNS]
    if missing or unknown:
        if missing:
            report.errors.append(
                _("Colonnes manquantes : %(columns)s.") % {"columns": ", ".join(missing)}
            )
        if unknown:
            report.errors.append(
                _(
                    "Colonnes inconnues (refusées, ce registre ne garde aucun texte libre) : "
                    "%(columns)s."
                )
                % {"columns": ", ".join(unknown)}
            )
        return report
    today = today or timezone.localdate()
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            report.errors.append(
                _("Plus de %(max)d lignes : le reste du fichier n'est pas lu.")
                % {"max": MAX_IMPORT_ROWS}
            )
            break
        values = {CSV_COLUMNS[k.strip().lower()]: (v or "").strip() for k, v in row.items() if k}
        if not values.get("external_key"):
            report.errors.append(
                _(
                    "Ligne %(line)d : l'identifiant est obligatoire à l'import (il rend "
                    "l'import rejouable)."
                )
                % {"line": number}
            )
            continue
        data = {**values, "territories": [c for c in values["territories"].split("|") if c]}
        form = EventForm(data, today=today)
        if not form.is_valid():
            report.errors.extend(_line_errors(number, form, CSV_COLUMNS))
            continue
        try:
            _event, created = save_event(user, partner, form.cleaned_data)
        except PermissionDenied as refusal:
            report.errors.append(
                _("Ligne %(line)d : %(error)s") % {"line": number, "error": refusal}
            )
            continue
        if created:
            report.created += 1
        else:
            report.updated += 1
    if report.created or report.updated:
        recompute_graph(today)
    return report


def retention_months() -> int:
    return settings.CPPS_PREVENTION_RETENTION_MOIS


def retention_cutoff(today: date) -> date:
    """The first day kept: the same day `retention_months()` months earlier (end of month
    when shorter)."""
    months = today.year * 12 + today.month - 1 - retention_months()
    year, month = divmod(months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def reduce_old_events(today: date | None = None) -> int:
    """Events before the retention cutoff become monthly counts per territory (one per
    territory involved) and are deleted. Returns the number of events deleted."""
    cutoff = retention_cutoff(today or timezone.localdate())
    old = Event.objects.filter(day__lt=cutoff)
    link = Event.territories.through
    rows = (
        link.objects.filter(event__day__lt=cutoff)
        .values("groupterritory_id", "event__kind", "event__day__year", "event__day__month")
        .annotate(n=Count("event_id"))
    )
    for row in rows:
        month = date(row["event__day__year"], row["event__day__month"], 1)
        updated = MonthlyCount.objects.filter(
            territory_id=row["groupterritory_id"], month=month, kind=row["event__kind"]
        ).update(count=F("count") + row["n"])
        if not updated:
            MonthlyCount.objects.create(
                territory_id=row["groupterritory_id"],
                month=month,
                kind=row["event__kind"],
                count=row["n"],
            )
    count = old.count()
    old.delete()
    return count

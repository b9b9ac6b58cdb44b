"""Anonymous orientation records of the ISC and victim-support desks: who may see and
enter them, recording one person or a day's tally, and the spreadsheet import.

A victim-support worker (role `victim_support`) works for their desk only
(`Profile.desk`); administrators see every desk. Nothing identifying is ever accepted.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Desk
from accounts.permissions import profile_of, role_of
from victimes.choices import AgeBand, PersonRole, RecordSource, Referrer
from victimes.models import OrientationRecord, Service, TaxonomyTerm


def own_desk(user) -> Desk | None:
    """The desk a victim-support worker records for (None: not allowed to record)."""
    if role_of(user) != Role.VICTIM_SUPPORT:
        return None
    profile = profile_of(user)
    desk = profile.desk if profile else None
    return desk if desk is not None and desk.is_active else None


def can_record(user) -> bool:
    return own_desk(user) is not None


def visible_records(user) -> QuerySet:
    """Records a user may read: their own desk's (victim support), all (administrators)."""
    records = OrientationRecord.objects.all()
    if role_of(user) == Role.ADMINISTRATOR:
        return records
    desk = own_desk(user)
    return records.filter(desk=desk) if desk else records.none()


@dataclass(frozen=True)
class RecordInput:
    day: date
    situations: tuple  # TaxonomyTerm instances or pks
    role: str
    age_band: str
    referred_by: str
    services: tuple = ()
    follow_up: bool = False


def _create(desk: Desk, item: RecordInput, source: str) -> OrientationRecord:
    record = OrientationRecord.objects.create(
        day=item.day,
        desk=desk,
        role=item.role,
        age_band=item.age_band,
        referred_by=item.referred_by,
        follow_up=item.follow_up,
        source=source,
    )
    record.situations.set(item.situations)
    record.services.set(item.services)
    return record


@transaction.atomic
def record(user, items: list[RecordInput]) -> list[OrientationRecord]:
    """Record people received at the user's desk (one, or a day's tally)."""
    desk = own_desk(user)
    if desk is None:
        raise PermissionDenied
    return [_create(desk, item, RecordSource.SCREEN) for item in items]


# --- spreadsheet import ----------------------------------------------------------------

COLUMNS = ("jour", "guichet", "situations", "role", "age", "adresse_par", "services", "suivi")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")


def _aliases(choices, extra: dict) -> dict:
    table = {_key(value): value for value in choices.values}
    table.update({_key(str(label)): value for value, label in choices.choices})
    table.update({_key(k): v for k, v in extra.items()})
    return table


AGE_ALIASES = _aliases(
    AgeBand,
    {
        "< 18": AgeBand.UNDER_18,
        "-18": AgeBand.UNDER_18,
        "mineur": AgeBand.UNDER_18,
        "18–24": AgeBand.FROM_18,
        "25–59": AgeBand.FROM_25,
        "60–74": AgeBand.FROM_60,
        "75 et plus": AgeBand.FROM_75,
        "75+": AgeBand.FROM_75,
    },
)
ROLE_ALIASES = _aliases(PersonRole, {"témoin": PersonRole.WITNESS})
REFERRER_ALIASES = _aliases(Referrer, {"lui-même": Referrer.SELF, "elle-même": Referrer.SELF})
YES = {"oui", "o", "1", "vrai", "x"}
NO = {"non", "n", "0", "faux", ""}


class RecordFileError(Exception):
    """The file is refused; `errors` lists the French error of each bad line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _parse_day(raw: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(_("date « %(value)s » illisible (JJ/MM/AAAA)") % {"value": raw})


def _parse_row(row: dict, desks, terms, services) -> tuple[Desk, RecordInput]:
    problems = []

    def choice(column, table, label):
        value = table.get(_key(row.get(column) or ""))
        if value is None:
            problems.append(
                _("%(label)s « %(value)s » inconnu") % {"label": label, "value": row.get(column)}
            )
        return value

    try:
        day = _parse_day(row.get("jour") or "")
    except ValueError as exc:
        problems.append(str(exc))
        day = None
    desk = desks.get((row.get("guichet") or "").strip())
    if desk is None:
        problems.append(_("guichet « %(value)s » inconnu") % {"value": row.get("guichet")})
    situations = []
    for code in filter(None, (c.strip() for c in (row.get("situations") or "").split("|"))):
        if code in terms:
            situations.append(terms[code])
        else:
            problems.append(_("situation « %(value)s » inconnue") % {"value": code})
    if not situations and not problems:
        problems.append(_("au moins une situation est nécessaire"))
    linked = []
    for name in filter(None, (c.strip() for c in (row.get("services") or "").split("|"))):
        if _key(name) in services:
            linked.append(services[_key(name)])
        else:
            problems.append(_("service « %(value)s » absent de l'annuaire") % {"value": name})
    role = choice("role", ROLE_ALIASES, _("rôle"))
    age = choice("age", AGE_ALIASES, _("âge"))
    referrer = choice("adresse_par", REFERRER_ALIASES, _("adressé par"))
    follow = _key(row.get("suivi") or "")
    if follow not in YES | NO:
        problems.append(_("suivi « %(value)s » : oui ou non attendu") % {"value": row.get("suivi")})
    if problems:
        raise ValueError("; ".join(problems))
    return desk, RecordInput(
        day, tuple(situations), role, age, referrer, tuple(linked), follow in YES
    )


def read_rows(text: str) -> list[dict]:
    """CSV rows (`;` or `,` separated, header of COLUMNS); unknown columns are refused:
    a spreadsheet must not carry names or notes into the records."""
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ";", delimiters=";,")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(name or "").strip().lower() for name in reader.fieldnames or ()]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in header and name not in ("services", "suivi")]
    if unknown or missing:
        errors = []
        if unknown:
            errors.append(
                _("Colonnes refusées (aucune donnée personnelle ni texte libre) : %(cols)s")
                % {"cols": ", ".join(unknown)}
            )
        if missing:
            errors.append(_("Colonnes manquantes : %(cols)s") % {"cols": ", ".join(missing)})
        raise RecordFileError(errors)
    reader.fieldnames = header
    return list(reader)


@transaction.atomic
def import_file(text: str) -> dict:
    """Import a spreadsheet of records. Idempotent: the rows it imported before for the same
    desks and days are replaced (rows typed on screen are kept). All or nothing."""
    rows = read_rows(text)
    desks = {d.code: d for d in Desk.objects.all()}
    terms = {t.code: t for t in TaxonomyTerm.objects.all()}
    services = {_key(s.name): s for s in Service.objects.all()}
    services.update({str(s.pk): s for s in services.values()})
    parsed, errors = [], []
    for line, row in enumerate(rows, start=2):
        try:
            parsed.append(_parse_row(row, desks, terms, services))
        except ValueError as exc:
            errors.append(_("Ligne %(line)d : %(error)s") % {"line": line, "error": exc})
    if errors:
        raise RecordFileError(errors)
    replaced = 0
    for desk_id, day in {(desk.pk, item.day) for desk, item in parsed}:
        replaced += (
            OrientationRecord.objects.filter(desk_id=desk_id, day=day, source=RecordSource.IMPORT)
            .delete()[1]
            .get("victimes.OrientationRecord", 0)
        )
    for desk, item in parsed:
        _create(desk, item, RecordSource.IMPORT)
    return {"importees": len(parsed), "remplacees": replaced}

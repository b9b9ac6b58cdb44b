"""Import of the contract's tables (read by `contrat.exchange.read_tables`): rows matched on
their natural keys, so importing the same file twice changes nothing; never a deletion; all or
nothing, every error reported with its table and line (French messages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from accounts.choices import PartnerKind
from accounts.models import Partner
from contrat.choices import ActionStatus, Direction, Frequency, IndicatorSource
from contrat.exchange import (
    LIST_SEPARATOR,
    TABLE_NAMES,
    TABLES,
    ExchangeError,
)
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


class _RowError(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _int(value, column: str) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise _RowError(
            _("%(column)s : « %(value)s » n'est pas un nombre entier.")
            % {"column": column, "value": text}
        ) from None


def _float(value, column: str) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise _RowError(
            _("%(column)s : « %(value)s » n'est pas un nombre.") % {"column": column, "value": text}
        ) from None


def _bool(value, column: str) -> bool:
    text = _text(value).lower()
    if text in ("oui", "o", "vrai", "true", "1", "yes"):
        return True
    if text in ("", "non", "n", "faux", "false", "0", "no"):
        return False
    raise _RowError(_("%(column)s : répondre « oui » ou « non ».") % {"column": column})


def _date(value, column: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    parsed = parse_date(text[:10]) if len(text) >= 10 else None
    if parsed is None:
        raise _RowError(
            _("%(column)s : « %(value)s » n'est pas une date AAAA-MM-JJ.")
            % {"column": column, "value": text}
        )
    return parsed


def _datetime(value, column: str) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    else:
        text = _text(value)
        if not text:
            return None
        parsed = parse_datetime(text)
        if parsed is None:
            raise _RowError(
                _("%(column)s : « %(value)s » n'est pas une date et heure ISO.")
                % {"column": column, "value": text}
            )
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _choice(value, column: str, choices) -> str:
    text = _text(value)
    if text in choices.values:
        return text
    by_label = {str(label).lower(): v for v, label in choices.choices}
    if text.lower() in by_label:
        return by_label[text.lower()]
    raise _RowError(
        _("%(column)s : « %(value)s » n'est pas une valeur possible (%(choices)s).")
        % {"column": column, "value": text, "choices": ", ".join(choices.values)}
    )


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[table] = bucket.get(table, 0) + 1

    def summary(self) -> str:
        parts = []
        for name in TABLE_NAMES:
            created, updated = self.created.get(name, 0), self.updated.get(name, 0)
            if created or updated:
                parts.append(
                    _("%(table)s : %(created)d créé(s), %(updated)d mis à jour")
                    % {"table": name, "created": created, "updated": updated}
                )
        return " ; ".join(parts) or _("rien à importer")


class _Importer:
    """Applies the tables in order inside one transaction, looking up references as it goes."""

    def __init__(self):
        self.report = ImportReport()
        self.errors: list[str] = []
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.partners = {p.code: p for p in Partner.objects.all()}
        user_model = get_user_model()
        self.users = {u.get_username(): u for u in user_model.objects.all()}

    def lookup(self, mapping: dict, value, column: str, what: str, required=False):
        code = _text(value)
        if not code:
            if required:
                raise _RowError(_("%(column)s : valeur obligatoire.") % {"column": column})
            return None
        try:
            return mapping[code]
        except KeyError:
            raise _RowError(
                _("%(column)s : %(what)s « %(code)s » inconnu(e).")
                % {"column": column, "what": what, "code": code}
            ) from None

    def sector(self, value, column="secteur", required=False):
        return self.lookup(self.sectors, value, column, _("secteur"), required)

    def partner(self, value, column):
        return self.lookup(self.partners, value, column, _("partenaire"))

    def partner_list(self, value, column) -> list[Partner]:
        return [
            self.partner(code, column)
            for code in _text(value).replace(";", LIST_SEPARATOR).split(LIST_SEPARATOR)
            if code.strip()
        ]

    def model(self, model, value, column, what):
        code = _text(value)
        found = model.objects.filter(code=code).first() if code else None
        if found is None:
            raise _RowError(
                _("%(column)s : %(what)s « %(code)s » inconnu(e).")
                % {"column": column, "what": what, "code": code}
            )
        return found

    def save(self, table: str, obj, created: bool, m2m: dict | None = None) -> None:
        try:
            obj.full_clean()
        except ValidationError as error:
            raise _RowError(
                " ".join(
                    f"{name} : {message}" if name != "__all__" else message
                    for name, messages in error.message_dict.items()
                    for message in messages
                )
            ) from None
        obj.save()
        for name, items in (m2m or {}).items():
            getattr(obj, name).set(items)
        self.report.count(table, created)

    def run(self, tables: dict[str, list[dict]]) -> ImportReport:
        for table in TABLES:
            rows = tables.get(table.name)
            if not rows:
                continue
            missing = [c for c in table.required if c not in rows[0]]
            if missing:
                self.errors.append(
                    _("Table %(table)s : colonne(s) manquante(s) : %(columns)s.")
                    % {"table": table.name, "columns": ", ".join(missing)}
                )
                continue
            apply: Callable[[dict], None] = getattr(self, f"row_{table.name}")
            lines = enumerate(rows, start=2)
            if table.name == "contrats":  # parents first, whatever the order of the rows
                lines = sorted(lines, key=lambda item: bool(_text(item[1].get("contrat_parent"))))
            for line, row in lines:
                try:
                    with transaction.atomic():
                        apply(row)
                except (_RowError, IntegrityError) as error:
                    self.errors.append(
                        _("Table %(table)s, ligne %(line)d : %(error)s")
                        % {"table": table.name, "line": line, "error": error}
                    )
        if self.errors:
            raise ExchangeError(self.errors)
        return self.report

    # One method per table; each upserts one row by its natural key.

    def row_partenaires(self, row):
        code = _text(row["code"])
        partner = self.partners.get(code) or Partner(code=code)
        created = partner.pk is None
        partner.name = _text(row["nom"])
        partner.kind = _choice(row["type"], "type", PartnerKind)
        partner.is_signatory = _bool(row.get("signataire"), "signataire")
        self.save("partenaires", partner, created)
        self.partners[code] = partner

    def row_contrats(self, row):
        code = _text(row["code"])
        contract = Contract.objects.filter(code=code).first() or Contract(code=code)
        created = contract.pk is None
        contract.name = _text(row["intitule"])
        contract.start_year = _int(row["annee_debut"], "annee_debut")
        contract.end_year = _int(row["annee_fin"], "annee_fin")
        contract.sector = self.sector(row.get("secteur"))
        parent = _text(row.get("contrat_parent"))
        contract.parent = (
            self.model(Contract, parent, "contrat_parent", _("contrat")) if parent else None
        )
        contract.source = _text(row.get("source"))
        self.save(
            "contrats",
            contract,
            created,
            {
                "signatories": self.partner_list(row.get("signataires"), "signataires"),
                "partners": self.partner_list(row.get("partenaires"), "partenaires"),
            },
        )

    def axis(self, contract_code, number, column="axe") -> Axis:
        contract = self.model(Contract, contract_code, "contrat", _("contrat"))
        axis = Axis.objects.filter(contract=contract, number=number).first()
        if axis is None:
            raise _RowError(
                _("%(column)s : l'axe %(number)s du contrat %(contract)s est inconnu.")
                % {"column": column, "number": number, "contract": contract.code}
            )
        return axis

    def row_axes(self, row):
        contract = self.model(Contract, row["contrat"], "contrat", _("contrat"))
        number = _int(row["numero"], "numero")
        axis = Axis.objects.filter(contract=contract, number=number).first()
        created = axis is None
        axis = axis or Axis(contract=contract, number=number)
        axis.title = _text(row["intitule"])
        axis.description = _text(row.get("presentation"))
        self.save("axes", axis, created)

    def row_priorites(self, row):
        code = _text(row["code"])
        priority = Priority.objects.filter(code=code).first() or Priority(code=code)
        created = priority.pk is None
        priority.axis = self.axis(row["contrat"], _int(row["axe"], "axe"))
        priority.rank = _int(row["rang"], "rang")
        priority.title = _text(row["intitule"])
        priority.description = _text(row.get("description"))
        priority.source = _text(row.get("source"))
        self.save(
            "priorites",
            priority,
            created,
            {
                "lead_partners": self.partner_list(row.get("pilotes"), "pilotes"),
                "associate_partners": self.partner_list(
                    row.get("partenaires_associes"), "partenaires_associes"
                ),
            },
        )

    def priority(self, value) -> Priority:
        return self.model(Priority, value, "priorite", _("priorité"))

    def row_declinaisons(self, row):
        priority = self.priority(row["priorite"])
        sector = self.sector(row["secteur"], required=True)
        declination = SectorDeclination.objects.filter(priority=priority, sector=sector).first()
        created = declination is None
        declination = declination or SectorDeclination(priority=priority, sector=sector)
        declination.local_lead = self.partner(row.get("pilote_local"), "pilote_local")
        declination.notes = _text(row.get("declinaison"))
        self.save("declinaisons", declination, created)

    def row_actions(self, row):
        code = _text(row["code"])
        action = Action.objects.filter(code=code).first() or Action(code=code)
        created = action.pk is None
        action.priority = self.priority(row["priorite"])
        action.sector = self.sector(row.get("secteur"))
        action.title = _text(row["intitule"])
        action.owner = self.partner(row.get("porteur"), "porteur")
        action.due_date = _date(row.get("echeance"), "echeance")
        action.status = (
            _choice(row["etat"], "etat", ActionStatus)
            if _text(row.get("etat"))
            else ActionStatus.PLANNED
        )
        action.done_on = _date(row.get("realisee_le"), "realisee_le")
        self.save("actions", action, created)

    def row_decisions(self, row):
        priority = self.priority(row["priorite"])
        sector = self.sector(row.get("secteur"))
        day = _date(row["date"], "date")
        if day is None:
            raise _RowError(_("date : valeur obligatoire."))
        body = _text(row["instance"])
        decision = Decision.objects.filter(
            priority=priority, sector=sector, date=day, body=body
        ).first()
        created = decision is None
        decision = decision or Decision(priority=priority, sector=sector, date=day, body=body)
        decision.text = _text(row["decision"])
        decision.recorded_by = self.users.get(_text(row.get("enregistree_par")))
        self.save("decisions", decision, created)

    def row_indicateurs(self, row):
        code = _text(row["code"])
        indicator = Indicator.objects.filter(code=code).first() or Indicator(code=code)
        created = indicator.pk is None
        indicator.priority = self.priority(row["priorite"])
        indicator.name = _text(row["intitule"])
        indicator.unit = _text(row["unite"])
        indicator.direction = _choice(row["sens"], "sens", Direction)
        indicator.frequency = (
            _choice(row["frequence"], "frequence", Frequency)
            if _text(row.get("frequence"))
            else Frequency.YEARLY
        )
        indicator.source = (
            _choice(row["source"], "source", IndicatorSource)
            if _text(row.get("source"))
            else IndicatorSource.MANUAL
        )
        indicator.responsible_partner = self.partner(
            row.get("partenaire_responsable"), "partenaire_responsable"
        )
        indicator.measure = _text(row.get("mesure"))
        params = _text(row.get("parametres"))
        try:
            indicator.measure_params = json.loads(params) if params else {}
        except json.JSONDecodeError:
            raise _RowError(
                _('parametres : JSON invalide (ex. {"family": "vie-nocturne"}).')
            ) from None
        if not isinstance(indicator.measure_params, dict):
            raise _RowError(_("parametres : un objet JSON est attendu."))
        indicator.baseline_value = _float(row.get("valeur_reference"), "valeur_reference")
        indicator.baseline_year = _int(row.get("annee_reference"), "annee_reference")
        indicator.by_sector = _bool(row.get("decline_par_secteur"), "decline_par_secteur")
        indicator.description = _text(row.get("definition"))
        self.save("indicateurs", indicator, created)

    def indicator(self, value) -> Indicator:
        return self.model(Indicator, value, "indicateur", _("indicateur"))

    def row_cibles(self, row):
        indicator = self.indicator(row["indicateur"])
        sector = self.sector(row.get("secteur"))
        year = _int(row["annee"], "annee")
        target = IndicatorTarget.objects.filter(
            indicator=indicator, sector=sector, year=year
        ).first()
        created = target is None
        target = target or IndicatorTarget(indicator=indicator, sector=sector, year=year)
        target.value = _float(row["cible"], "cible")
        self.save("cibles", target, created)

    def row_valeurs(self, row):
        indicator = self.indicator(row["indicateur"])
        sector = self.sector(row.get("secteur"))
        start = _date(row["debut_periode"], "debut_periode")
        if start is None:
            raise _RowError(_("debut_periode : valeur obligatoire."))
        value = IndicatorValue.objects.filter(
            indicator=indicator, sector=sector, period_start=start
        ).first()
        created = value is None
        value = value or IndicatorValue(indicator=indicator, sector=sector, period_start=start)
        value.value = _float(row["valeur"], "valeur")
        value.source_note = _text(row.get("source_valeur"))
        value.is_computed = _bool(row.get("calculee"), "calculee")
        # Hand-entered values follow the indicator's unit, as on the entry form.
        checked = value.value is not None and not value.is_computed
        error = indicator.value_error(value.value) if checked else None
        if error:
            raise _RowError(_("valeur : %(error)s") % {"error": error})
        value.entered_by = self.users.get(_text(row.get("saisie_par")))
        value.entered_at = _datetime(row.get("saisie_le"), "saisie_le") or timezone.now()
        self.save("valeurs", value, created)


def import_tables(tables: dict[str, list[dict]]) -> ImportReport:
    """Upsert every row of `tables` (as read by `read_tables`); all or nothing."""
    with transaction.atomic():
        return _Importer().run(tables)

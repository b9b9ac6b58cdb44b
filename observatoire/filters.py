"""What the observatory looks at: `Filters` (a period and optional subsets) and how it is
read from URL parameters.

Parsing and code look-ups are apart: `parse_querydict` turns request parameters into dates and
candidate codes without touching the database, never raising on malformed input; `known_codes`
reads the referentials (categories, families, sectors, arrondissements, quartiers, channels,
partners) that candidates are checked against. A database failure there is an error like any
other, not a reason to show Paris unfiltered. `PARAMETERS`, `parameter_values`,
`first_value` and `parse_date` are the parsing pieces that `filter_notes` reuses to say what
was dropped.

Filter values are stable codes, as in shareable URLs: category and family codes, sector
codes, arrondissement numbers (1–20), quartier INSEE codes (7 digits), channel values,
partner codes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from urllib.parse import urlencode

from django.utils import timezone

from doleances.choices import Channel

MAX_FILTER_VALUES = 200
MAX_RANGE_DAYS = 366 * 20

# URL parameter of each list field of Filters (`filter_notes` names unknown values by it).
PARAMETERS = {
    "categories": "categorie",
    "families": "famille",
    "sectors": "secteur",
    "arrondissements": "arrondissement",
    "quartiers": "quartier",
    "channels": "canal",
    "partners": "partenaire",
}


def parameter_values(q, key: str) -> list[str]:
    """All values of a parameter, from a QueryDict or a plain mapping; commas split too."""
    raw = q.getlist(key) if hasattr(q, "getlist") else q.get(key, [])
    if isinstance(raw, str | int):
        raw = [raw]
    values = []
    for item in raw if isinstance(raw, list | tuple) else []:
        values.extend(part.strip() for part in str(item).split(","))
    return [v for v in values if v and len(v) <= 80][:MAX_FILTER_VALUES]


def parse_date(value) -> date | None:
    """A date parameter (YYYY-MM-DD, anything after the tenth character ignored) between
    2000 and 2100, or None."""
    try:
        parsed = date.fromisoformat(str(value).strip()[:10])
    except (TypeError, ValueError):
        return None
    return parsed if 2000 <= parsed.year <= 2100 else None


def known_codes() -> dict[str, dict[str, object]]:
    """Accepted parameter values (as written in URLs) → the value kept in Filters, for each
    list field of Filters: read from the referentials."""
    from accounts.models import Partner
    from doleances.models import Category, Family
    from territory.models import Arrondissement, Quartier, Sector

    return {
        "categories": {c: c for c in Category.objects.values_list("code", flat=True)},
        "families": {c: c for c in Family.objects.values_list("code", flat=True)},
        "sectors": {c: c for c in Sector.objects.values_list("code", flat=True)},
        "arrondissements": {
            str(n): n for n in Arrondissement.objects.values_list("number", flat=True)
        },
        "quartiers": {c: c for c in Quartier.objects.values_list("insee_code", flat=True)},
        "channels": {c: c for c in Channel.values},
        "partners": {c: c for c in Partner.objects.values_list("code", flat=True)},
    }


@dataclass(frozen=True)
class Filters:
    """What the observatory looks at: a period (inclusive local dates) and optional subsets.

    Empty tuples mean "all". Values are codes (see the module docstring), so a `Filters`
    round-trips through a URL with `to_querystring` / `from_querydict`.
    """

    start: date
    end: date
    categories: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    arrondissements: tuple[int, ...] = ()
    quartiers: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    @classmethod
    def last_days(cls, days: int = 365, end: date | None = None, **subsets) -> Filters:
        end = end or timezone.localdate()
        return cls(start=end - timedelta(days=max(1, days) - 1), end=end, **subsets)

    @classmethod
    def from_querydict(cls, q, default_days: int = 365) -> Filters:
        """Filters from request parameters: `parse_querydict`, then only the codes the
        referentials know (`known_codes`) are kept, unknown ones are dropped."""
        start, end, candidates = parse_querydict(q, default_days)
        known = known_codes()
        subsets = {}
        for name, values in candidates.items():
            accepted = known[name]
            subsets[name] = tuple(sorted({accepted[v] for v in values if v in accepted}))
        return cls(start=start, end=end, **subsets)

    def to_querystring(self) -> str:
        """The URL query string (without "?") that `from_querydict` reads back."""
        pairs = [("du", self.start.isoformat()), ("au", self.end.isoformat())]
        for name, parameter in PARAMETERS.items():
            pairs.extend((parameter, str(v)) for v in getattr(self, name))
        return urlencode(pairs)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def replace(self, **changes) -> Filters:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Filters(**values)


def parse_querydict(q, default_days: int = 365) -> tuple[date, date, dict[str, list[str]]]:
    """(start, end, candidate codes by Filters field) from request parameters, without
    reading the database; never raises.

    Parameters (French, repeatable or comma-separated for lists): `du`, `au` (YYYY-MM-DD),
    `categorie`, `famille`, `secteur`, `arrondissement` (number), `quartier` (INSEE code),
    `canal`, `partenaire`. Anything malformed is dropped; missing or invalid dates give the
    last `default_days` days ending today (Paris time); reversed dates are swapped; a period
    is at most 20 years.
    """
    try:
        default_days = max(1, min(int(default_days), MAX_RANGE_DAYS))
    except (TypeError, ValueError):
        default_days = 365
    q = q if q is not None else {}
    start, end = (parse_date(v) for v in (first_value(q, "du"), first_value(q, "au")))
    if start and end and start > end:
        start, end = end, start
    if end is None:
        end = max(timezone.localdate(), start) if start else timezone.localdate()
    if start is None:
        start = end - timedelta(days=default_days - 1)
    start = max(start, end - timedelta(days=MAX_RANGE_DAYS - 1))
    candidates = {name: parameter_values(q, parameter) for name, parameter in PARAMETERS.items()}
    return start, end, candidates


def first_value(q, key: str) -> str | None:
    """The first value of a parameter (see `parameter_values`), or None."""
    values = parameter_values(q, key)
    return values[0] if values else None


def filter_options() -> dict[str, list[dict]]:
    """Choices for a filter form: for each `Filters` field, a list of `{"code", "label"}`
    (categories also carry `"family"`, quartiers `"arrondissement"`, arrondissements
    `"sector"`)."""
    from accounts.models import Partner
    from doleances.models import Category, Family
    from territory.models import Arrondissement, Quartier, Sector

    return {
        "categories": [
            {"code": c.code, "label": c.label, "family": c.family.code}
            for c in Category.objects.select_related("family")
        ],
        "families": [{"code": f.code, "label": f.label} for f in Family.objects.all()],
        "sectors": [{"code": s.code, "label": s.name} for s in Sector.objects.all()],
        "arrondissements": [
            {"code": a.number, "label": a.name, "sector": a.sector.code}
            for a in Arrondissement.objects.select_related("sector")
        ],
        "quartiers": [
            {"code": q.insee_code, "label": q.name, "arrondissement": q.arrondissement.number}
            for q in Quartier.objects.select_related("arrondissement").order_by("number")
        ],
        "channels": [{"code": value, "label": str(label)} for value, label in Channel.choices],
        "partners": [{"code": p.code, "label": p.name} for p in Partner.objects.all()],
    }

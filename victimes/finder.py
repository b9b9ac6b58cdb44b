"""The orientation finder: what to do now, then who can help, for a situation, an age, a
place and whether there is danger now. Read-only: it writes nothing anywhere.

Order of the results: if there is danger now, the emergency numbers (17, 112, 114); then
the national lines that fit the situation and age, the most relevant to the chosen
situations first (`Attribute.relevance`, data: the 3919 before the generalist 116 006 for
« violences conjugales »), then by name; then the local services whose
situation, age limits and service area fit, those open now first. Each result says why it
is proposed. Answers come from the in-memory index of the public directory
(victimes/index.py): p95 well under 50 ms over 5,000 services (bench/victimes_finder.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from victimes.choices import AGE_BAND_LIMITS, AgeBand, Reach
from victimes.index import DirectoryIndex, Entry, area_keys, current_index

#: The emergency numbers in the order they are shown.
EMERGENCY_ORDER = ("17", "112", "114")
#: Local services shown at most (the others are counted).
LOCAL_LIMIT = 20
DAY_LABELS = {
    "MO": gettext_lazy("lun."),
    "TU": gettext_lazy("mar."),
    "WE": gettext_lazy("mer."),
    "TH": gettext_lazy("jeu."),
    "FR": gettext_lazy("ven."),
    "SA": gettext_lazy("sam."),
    "SU": gettext_lazy("dim."),
}


@dataclass(frozen=True)
class FinderQuery:
    situations: tuple[str, ...] = ()
    age: str = ""  # an AgeBand value, or "" (not said)
    arrondissement: int | None = None  # None: « je ne sais pas »
    danger: bool = False


@dataclass
class Result:
    """One service as the finder shows it."""

    id: str
    name: str
    kind: str  # Reach value
    description: str
    url: str
    is_example: bool
    phones: list[dict] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    open_now: bool = False


@dataclass
class Answer:
    query: FinderQuery
    emergency: list[Result]
    national: list[Result]
    local: list[Result]
    local_more: int = 0

    @property
    def results(self) -> list[Result]:
        return [*self.emergency, *self.national, *self.local]


def situation_terms(index: DirectoryIndex, codes) -> dict:
    """The chosen situations with their parents and needs (pk -> name): a need matches the
    services of its situation and the other way round."""
    names = {pk: name for pk, _parent, name in index.terms.values()}
    ids = set()
    for code in codes:
        if code in index.terms:
            pk, parent, _name = index.terms[code]
            ids |= {pk, *index.children.get(pk, ())}
            if parent:
                ids.add(parent)
    return {pk: names[pk] for pk in ids}


def age_fits(entry: Entry, age: str) -> bool:
    if age not in AGE_BAND_LIMITS:
        return True
    low, high = AGE_BAND_LIMITS[age]
    minimum, maximum = entry.row["minimum_age"], entry.row["maximum_age"]
    return (minimum is None or minimum <= high) and (maximum is None or maximum >= low)


def _clock(moment) -> str:
    """9 h, 17 h 30 (French typography)."""
    return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")


def hours_text(entry: Entry) -> str:
    return " ; ".join(
        f"{', '.join(str(DAY_LABELS[d]) for d in DAY_LABELS if d in slot.days)} "
        f"{_clock(slot.opens_at)}–{_clock(slot.closes_at)}"
        for slot in entry.slots
    )


def _result(entry: Entry, kind: str, query: FinderQuery, terms: dict, moment) -> Result:
    row = entry.row
    reasons = []
    if kind == Reach.EMERGENCY:
        reasons.append(_("Danger immédiat : c'est le premier appel à passer"))
    matched = [name for pk, name in terms.items() if pk in entry.terms]
    if matched:
        reasons.append(_("Aide pour : %(situations)s") % {"situations": ", ".join(matched)})
    if query.age and (row["minimum_age"] is not None or row["maximum_age"] is not None):
        reasons.append(
            _("Accueille votre tranche d'âge (%(band)s)") % {"band": AgeBand(query.age).label}
        )
    if entry.area_names and kind != Reach.EMERGENCY:
        reasons.append(_("Intervient : %(areas)s") % {"areas": ", ".join(entry.area_names)})
    is_open = entry.is_open(moment)
    if row["available_24_7"]:
        reasons.append(_("Joignable 24 h/24, 7 j/7"))
    elif entry.slots:
        if is_open:
            reasons.append(_("Ouvert en ce moment"))
        reasons.append(_("Horaires : %(hours)s") % {"hours": hours_text(entry)})
    if row["anonymous"]:
        reasons.append(_("Possible sans donner son nom"))
    if entry.free:
        reasons.append(_("Gratuit"))
    return Result(
        id=str(row["pk"]),
        name=row["name"],
        kind=kind,
        description=row["description"],
        url=row["url"],
        is_example=row["is_example"],
        phones=entry.phones,
        addresses=entry.addresses,
        reasons=reasons,
        open_now=is_open,
    )


def find(query: FinderQuery, moment: datetime | None = None) -> Answer:
    moment = timezone.localtime(moment)
    index = current_index(moment.date())
    terms = situation_terms(index, query.situations)
    entries = index.entries
    if terms:
        candidates = set().union(*(index.by_term.get(pk, set()) for pk in terms))
    else:
        candidates = set(entries)
    emergency = []
    if query.danger:
        emergency = [
            _result(e, Reach.EMERGENCY, query, {}, moment)
            for e in entries.values()
            if e.row["reach"] == Reach.EMERGENCY
        ]
        emergency.sort(key=_emergency_rank)
    national_entries, local_open, local_other = [], [], []
    covered = area_keys(index, query.arrondissement) if query.arrondissement else None
    for pk, entry in entries.items():  # in name order
        if pk not in candidates or not age_fits(entry, query.age):
            continue
        reach = entry.row["reach"]
        if reach == Reach.NATIONAL:
            national_entries.append(entry)
        elif reach == Reach.LOCAL and terms and (covered is None or entry.areas & covered):
            (local_open if entry.is_open(moment) else local_other).append(entry)
    # A stable sort: equally relevant lines keep their name order.
    national_entries.sort(key=lambda entry: -_relevance(entry, terms))
    national = [_result(e, Reach.NATIONAL, query, terms, moment) for e in national_entries]
    local_all = local_open + local_other
    local = [_result(e, Reach.LOCAL, query, terms, moment) for e in local_all[:LOCAL_LIMIT]]
    return Answer(query, emergency, national, local, max(0, len(local_all) - LOCAL_LIMIT))


def _relevance(entry: Entry, terms: dict) -> int:
    """The entry's best relevance among the chosen situations (with their parents and
    needs)."""
    return max((entry.relevance.get(pk, 0) for pk in terms), default=0)


def _emergency_rank(result: Result) -> tuple:
    numbers = [phone["number"] for phone in result.phones]
    for rank, number in enumerate(EMERGENCY_ORDER):
        if number in numbers:
            return (rank, result.name)
    return (len(EMERGENCY_ORDER), result.name)

"""An in-memory index of the public directory, for the finder.

The finder answers from this index without querying the directory: one query reads the
directory's version token (DirectoryVersion), and the index is rebuilt when the token or
the day (services go stale) changed. Built from plain values, a few hundred milliseconds
for 5,000 services; each process keeps its own.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from territory.models import Arrondissement
from victimes.choices import WEEKDAYS, AreaType
from victimes.models import (
    Address,
    Attribute,
    CostOption,
    DirectoryVersion,
    Phone,
    Schedule,
    Service,
    ServiceArea,
)
from victimes.tig import situation_terms

ROW_FIELDS = (
    "pk",
    "name",
    "description",
    "url",
    "reach",
    "is_example",
    "minimum_age",
    "maximum_age",
    "available_24_7",
    "anonymous",
)


@dataclass
class Slot:
    days: frozenset[str]
    opens_at: time
    closes_at: time

    def is_open(self, moment: datetime) -> bool:
        today, yesterday = WEEKDAYS[moment.weekday()], WEEKDAYS[moment.weekday() - 1]
        now = moment.time()
        if self.opens_at <= self.closes_at:
            return today in self.days and self.opens_at <= now < self.closes_at
        return (today in self.days and now >= self.opens_at) or (
            yesterday in self.days and now < self.closes_at
        )


@dataclass
class Entry:
    row: dict
    terms: set = field(default_factory=set)
    relevance: dict = field(default_factory=dict)  # term pk -> Relevance value
    areas: set = field(default_factory=set)  # ("paris", ""), ("secteur", "paris-18")…
    area_names: list = field(default_factory=list)
    slots: list = field(default_factory=list)
    phones: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    free: bool = False

    def is_open(self, moment: datetime) -> bool:
        return self.row["available_24_7"] or any(s.is_open(moment) for s in self.slots)


@dataclass
class DirectoryIndex:
    entries: dict  # service pk -> Entry, in name order
    terms: dict  # code -> (pk, parent pk, name)
    children: dict  # term pk -> [child pks]
    by_term: dict  # term pk -> set of service pks
    sectors: dict  # arrondissement number -> sector code


def build(today: date) -> DirectoryIndex:
    rows = Service.objects.public(today).order_by("name", "pk").values(*ROW_FIELDS)
    entries = {row["pk"]: Entry(row) for row in rows}
    by_term = defaultdict(set)
    for service, term, relevance in Attribute.objects.values_list(
        "service_id", "taxonomy_term_id", "relevance"
    ):
        if service in entries:
            entries[service].terms.add(term)
            entries[service].relevance[term] = relevance
            by_term[term].add(service)
    for service, kind, extent, name in ServiceArea.objects.values_list(
        "service_id", "extent_type", "extent", "name"
    ):
        if service in entries:
            entries[service].areas.add((kind, extent))
            entries[service].area_names.append(name)
    for service, days, opens, closes in Schedule.objects.filter(service__isnull=False).values_list(
        "service_id", "byday", "opens_at", "closes_at"
    ):
        if service in entries:
            day_set = frozenset(d.strip() for d in days.split(",") if d.strip())
            entries[service].slots.append(Slot(day_set, opens, closes))
    for service, number, kind, description in (
        Phone.objects.filter(service__isnull=False)
        .order_by("type", "number")
        .values_list("service_id", "number", "type", "description")
    ):
        if service in entries:
            entries[service].phones.append(
                {
                    "number": number,
                    "type": kind,
                    "description": description,
                    "dial": number.replace(" ", ""),
                }
            )
    for service in CostOption.objects.filter(amount=0).values_list("service_id", flat=True):
        if service in entries:
            entries[service].free = True
    for service, place, street, postal_code, city in Address.objects.values_list(
        "location__service_at_locations__service_id",
        "location__name",
        "address_1",
        "postal_code",
        "city",
    ):
        if service in entries:
            entries[service].addresses.append(f"{place} — {street}, {postal_code} {city}")
    terms, children = {}, defaultdict(list)
    for pk, code, parent, name in (
        situation_terms().order_by("order").values_list("pk", "code", "parent_id", "name")
    ):
        terms[code] = (pk, parent, name)
        if parent:
            children[parent].append(pk)
    sectors = dict(Arrondissement.objects.values_list("number", "sector__code"))
    return DirectoryIndex(entries, terms, dict(children), dict(by_term), sectors)


_lock = threading.Lock()
_current: dict = {"key": None, "index": None}


def current_index(today: date | None = None) -> DirectoryIndex:
    key = (DirectoryVersion.current(), today or timezone.localdate())
    with _lock:
        if _current["key"] != key:
            _current["index"], _current["key"] = build(key[1]), key
        return _current["index"]


def area_keys(index: DirectoryIndex, arrondissement: int) -> set:
    """The service areas that cover an arrondissement."""
    return {
        (AreaType.FRANCE, ""),
        (AreaType.PARIS, ""),
        (AreaType.SECTOR, index.sectors.get(arrondissement, "")),
        (AreaType.ARRONDISSEMENT, str(arrondissement)),
    }

"""Where help is missing: for each sector (CSPA) and each situation, the public local
services reachable there (situation and service area), and whether one of them is
reachable at night (20 h–8 h) and at weekends. National lines are counted apart: they
reach everyone, and would hide the local gaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.utils import timezone

from territory.models import Sector
from victimes.choices import AreaType, Reach
from victimes.index import current_index

NIGHT_START, NIGHT_END = time(20), time(8)
WEEKEND = {"SA", "SU"}


@dataclass
class Cell:
    services: int = 0
    night: bool = False
    weekend: bool = False

    @property
    def empty(self) -> bool:
        return self.services == 0


def _night(entry) -> bool:
    return entry.row["available_24_7"] or any(
        slot.opens_at > slot.closes_at or slot.closes_at > NIGHT_START or slot.opens_at < NIGHT_END
        for slot in entry.slots
    )


def _weekend(entry) -> bool:
    return entry.row["available_24_7"] or any(slot.days & WEEKEND for slot in entry.slots)


def matrix() -> dict:
    """{"sectors": [...], "situations": [(pk, name)], "cells": {(sector code, term pk): Cell},
    "national": {term pk: count of national lines}}."""
    index = current_index(timezone.localdate())
    sectors = list(Sector.objects.order_by("order").prefetch_related("arrondissements"))
    situations = [(pk, name) for pk, parent, name in index.terms.values() if parent is None]
    related = {pk: {pk, *index.children.get(pk, ())} for pk, _name in situations}
    cells, national = {}, {}
    for pk, _name in situations:
        helping = [e for e in index.entries.values() if e.terms & related[pk]]
        national[pk] = sum(1 for e in helping if e.row["reach"] == Reach.NATIONAL)
        local = [e for e in helping if e.row["reach"] == Reach.LOCAL]
        for sector in sectors:
            covered = {(AreaType.FRANCE, ""), (AreaType.PARIS, ""), (AreaType.SECTOR, sector.code)}
            covered |= {
                (AreaType.ARRONDISSEMENT, str(a.number)) for a in sector.arrondissements.all()
            }
            reachable = [e for e in local if e.areas & covered]
            cells[(sector.code, pk)] = Cell(
                services=len(reachable),
                night=any(_night(e) for e in reachable),
                weekend=any(_weekend(e) for e in reachable),
            )
    return {"sectors": sectors, "situations": situations, "cells": cells, "national": national}


def rows(data: dict) -> list[dict]:
    """One row per sector for the template: its cells in situation order."""
    return [
        {
            "sector": sector,
            "cells": [data["cells"][(sector.code, pk)] for pk, _name in data["situations"]],
        }
        for sector in data["sectors"]
    ]

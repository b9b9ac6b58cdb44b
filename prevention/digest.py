"""What the observatory's weekly digest (above this app) asks of prevention: the pairs of
territories of a sector that turned active during a week."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from prevention.choices import PairState
from prevention.graph import recompute_graph
from prevention.models import TensionPair


def _in_sector(prefix: str, sector_id: int) -> Q:
    return Q(**{f"{prefix}__quartier__arrondissement__sector_id": sector_id}) | Q(
        **{f"{prefix}__arrondissements__sector_id": sector_id}
    )


def tensions_turned_active(sector, week_start: date) -> list[dict]:
    """Pairs touching `sector` whose current active episode began in the week starting
    `week_start` (the graph is recomputed as of the end of that week first)."""
    week_end = week_start + timedelta(days=6)
    recompute_graph(week_end)
    pairs = (
        TensionPair.objects.filter(
            state=PairState.ACTIVE, active_since__range=(week_start, week_end)
        )
        .filter(_in_sector("first", sector.pk) | _in_sector("second", sector.pk))
        .select_related("first", "second")
        .distinct()
        .order_by("active_since")
    )
    return [
        {
            "pair": f"{p.first.label} — {p.second.label}",
            "active_since": p.active_since,
            "events": p.events,
        }
        for p in pairs
    ]

"""What the observatory (above this app) asks of prevention: the pairs of territories of a
sector that turned active during a week (weekly digest), and the complaints about gatherings
and fights received near a pair in active tension (early warning on the dashboard)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from prevention.choices import PairState
from prevention.graph import parameters, recompute_graph
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


def complaints_near_active_pairs(as_of: date, sector=None) -> list[dict]:
    """Early warning: for each active pair (touching `sector`, or anywhere), the complaints of
    the warning categories (gatherings, fights) received in the quartiers of its two
    territories during the last days (tension parameters). Pairs without any are left out."""
    from doleances.models import Complaint  # doleances sits below prevention

    params = parameters()
    categories = list(params.warning_categories.values_list("pk", flat=True)) if params.pk else []
    if not categories:
        return []
    pairs = TensionPair.objects.filter(state=PairState.ACTIVE).select_related("first", "second")
    if sector is not None:
        pairs = pairs.filter(_in_sector("first", sector.pk) | _in_sector("second", sector.pk))
    since = as_of - timedelta(days=params.warning_days - 1)
    complaints = Complaint.objects.filter(
        category__in=categories, received_at__date__range=(since, as_of)
    )
    rows = []
    for pair in pairs.distinct():
        quartiers = [t.quartier_id for t in (pair.first, pair.second) if t.quartier_id]
        n = complaints.filter(quartier__in=quartiers).count() if quartiers else 0
        if n:
            rows.append(
                {
                    "pair": f"{pair.first.label} — {pair.second.label}",
                    "complaints": n,
                    "since": since,
                    "active_since": pair.active_since,
                }
            )
    return rows

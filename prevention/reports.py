"""Aggregates of the module for the steering roles, small counts suppressed
(analytics.disclosure), and the public radicalisation page's figures."""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db.models import Count, Sum
from django.utils import timezone

from analytics.disclosure import Line, suppress, two_way_table
from prevention import graph, loop, scope
from prevention.choices import ActionStatus, EventKind
from prevention.models import (
    Alert,
    Event,
    PreventionAction,
    RadicalisationTraining,
    SchoolHoliday,
    SessionAttendance,
    TigPostsYear,
)
from territory.models import Sector

MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def _published(values, hidden) -> list[int | None]:
    return [None if h else int(v) for v, h in zip(values, hidden, strict=True)]


def sector_kind_table(year: int) -> dict:
    """Events of `year` per sector (place of the event) × nature, with totals."""
    sectors = list(Sector.objects.order_by("order"))
    kinds = list(EventKind)
    index = {s.pk: i for i, s in enumerate(sectors)}
    matrix = np.zeros((len(sectors), len(kinds)))
    rows = (
        Event.objects.filter(day__year=year)
        .values_list("quartier__arrondissement__sector_id", "kind")
        .annotate(n=Count("pk"))
    )
    for sector_id, kind, n in rows:
        matrix[index[sector_id], kinds.index(kind)] = n
    values, lines, at = two_way_table(matrix)
    shown = _published(values, suppress(values, lines))
    width = len(kinds)
    return {
        "kinds": [k.label for k in kinds],
        "rows": [
            {
                "sector": s,
                "cells": shown[i * width : (i + 1) * width],
                "total": shown[at["row_total"][i]],
            }
            for i, s in enumerate(sectors)
        ],
        "totals": [shown[j] for j in at["column_total"]],
        "grand_total": shown[at["grand_total"]],
    }


def rixes_by_month(year: int) -> dict:
    """Rixes of each month of `year` in Paris with the school holidays of those months
    (for the chart); small months suppressed."""
    counts = np.zeros(13)
    for month, n in (
        Event.objects.filter(day__year=year, kind=EventKind.RIXE)
        .values_list("day__month")
        .annotate(n=Count("pk"))
    ):
        counts[month - 1] = n
    counts[12] = counts[:12].sum()
    hidden = suppress(counts, [Line(12, tuple(range(12)))])
    shown = _published(counts, hidden)
    holidays = SchoolHoliday.objects.filter(
        start__lte=date(year, 12, 31), end__gte=date(year, 1, 1)
    )
    holiday_months = set()
    for h in holidays:
        for m in range(1, 13):
            first = date(year, m, 1)
            last = date(year + (m == 12), m % 12 + 1, 1)
            if h.start < last and h.end >= first:
                holiday_months.add(m)
    peak = max([v for v in shown[:12] if v is not None] or [1])
    bars = [
        {
            "label": MONTHS[m],
            "value": shown[m],
            "height": round((shown[m] or 0) / peak * 100) if peak else 0,
            "x": 10 + m * 40,
            "holiday": (m + 1) in holiday_months,
        }
        for m in range(12)
    ]
    for bar in bars:
        bar["y"] = 110 - bar["height"]
    return {"bars": bars, "total": shown[12], "holidays": list(holidays)}


def actions_by_sector(year: int) -> list[dict]:
    """Per sector: actions running in `year`, sessions and participants (suppressed)."""
    result = []
    for sector in Sector.objects.order_by("order"):
        actions = (
            PreventionAction.objects.filter(
                territories__quartier__arrondissement__sector=sector, start__year__lte=year
            )
            .exclude(end__year__lt=year)
            .exclude(status=ActionStatus.CANCELLED)
            .distinct()
        )
        attendance = SessionAttendance.objects.filter(action__in=actions, day__year=year)
        participants = attendance.aggregate(n=Sum("count"))["n"] or 0
        sessions = attendance.values("action", "day").distinct().count()
        result.append(
            {
                "sector": sector,
                "actions": actions.count(),
                "sessions": sessions,
                "participants": participants if participants >= 5 else None,
            }
        )
    return result


def tig_by_year() -> list[dict]:
    rows = (
        TigPostsYear.objects.values("year")
        .annotate(offered=Sum("posts_offered"), filled=Sum("posts_filled"), hosts=Count("pk"))
        .order_by("-year")
    )
    return list(rows)


def save_tig(partner, data: dict) -> TigPostsYear:
    row, _created = TigPostsYear.objects.update_or_create(
        host=data["host"],
        year=data["year"],
        defaults={
            "posts_offered": data["posts_offered"],
            "posts_filled": data["posts_filled"],
            "partner": partner,
        },
    )
    return row


def save_training(partner, data: dict) -> RadicalisationTraining:
    row, _created = RadicalisationTraining.objects.update_or_create(
        year=data["year"],
        partner=partner,
        sector=None,
        defaults={
            "sessions": data["sessions"],
            "professionals_trained": data["professionals_trained"],
        },
    )
    return row


def radicalisation_figures() -> dict:
    rows = (
        RadicalisationTraining.objects.values("year")
        .annotate(trained=Sum("professionals_trained"), sessions=Sum("sessions"))
        .order_by("-year")
    )
    return {"trainings": list(rows)}


def figures(user, year: int | None = None) -> dict:
    year = year or timezone.localdate().year
    alerts = Alert.objects.filter(raised_at__year=year)
    knox = graph.near_repeat(Event.objects.filter(day__year=year), permutations=99)
    return {
        "year": year,
        "table": sector_kind_table(year),
        "rixes": rixes_by_month(year),
        "loop": loop.loop_figures(alerts),
        "knox": knox,
        "knox_rows": _knox_rows(knox),
        "actions": actions_by_sector(year),
        "tig": tig_by_year(),
        "is_register_reader": scope.can_read_register(user),
        **radicalisation_figures(),
    }


def _knox_rows(result) -> list[dict]:
    if result is None:
        return []
    rows = []
    d, t = result.distance_edges, result.time_edges
    for i in range(d.size - 1):
        rows.append(
            {
                "distance": f"{int(d[i])}–{int(d[i + 1])} m",
                "cells": [
                    {
                        "days": f"{int(t[j])}–{int(t[j + 1])} j",
                        "ratio": None
                        if not np.isfinite(result.ratio[i, j])
                        else round(float(result.ratio[i, j]), 2),
                        "significant": bool(result.p[i, j] <= 0.05),
                    }
                    for j in range(t.size - 1)
                ],
            }
        )
    return rows

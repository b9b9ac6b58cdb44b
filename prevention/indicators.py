"""Measures the contract's computed indicators can use (contrat sits above and asks here):
`prevention_rixes_evitees` — alerts of the year closed as « rixe évitée »;
`prevention_delai_accuse_reception` — median minutes from raising an alert to its first
acknowledgement, over the year's acknowledged alerts. Both per sector (alerts touching a
territory of the sector) or for Paris."""

from __future__ import annotations

import statistics

from django.db.models import Count, Max, Q

from prevention.choices import AlertOutcome
from prevention.loop import first_ack_delays
from prevention.models import Acknowledgement, Alert
from territory.models import Sector


def _alerts(year: int, sector):
    alerts = Alert.objects.filter(raised_at__year=year)
    if sector is not None:
        sector_id = sector.pk if isinstance(sector, Sector) else sector
        alerts = alerts.filter(
            Q(territories__quartier__arrondissement__sector_id=sector_id)
            | Q(territories__arrondissements__sector_id=sector_id)
        ).distinct()
    return alerts


def rixes_avoided(year: int, sector=None, params=None) -> float | None:
    """None where no alert was raised that year: the loop did not run there."""
    alerts = _alerts(year, sector)
    if not alerts.exists():
        return None
    return float(alerts.filter(outcome=AlertOutcome.AVOIDED).count())


def acknowledgement_delay(year: int, sector=None, params=None) -> float | None:
    delays = first_ack_delays(_alerts(year, sector))
    return round(statistics.median(delays), 1) if delays else None


MEASURES = {
    "prevention_rixes_evitees": rixes_avoided,
    "prevention_delai_accuse_reception": acknowledgement_delay,
}


def data_stamp() -> list:
    """Changes whenever an alert is raised, acknowledged, closed or expires: the contract
    recomputes its indicators from this module then (contrat.computed._definitions)."""
    alerts = Alert.objects.aggregate(
        n=Count("pk"), raised=Max("raised_at"), closed=Max("closed_at")
    )
    acks = Acknowledgement.objects.aggregate(n=Count("pk"), last=Max("at"))
    closed = Alert.objects.exclude(outcome="").count()
    return [str(v) for v in (*alerts.values(), *acks.values(), closed)]


def compute(measure: str, *, year: int, sector=None, params=None) -> float | None:
    return MEASURES[measure](year, sector, params)

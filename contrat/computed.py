"""Computed indicators of the contract: their values are recomputed from the observatory's
measures (complaints) and from the modules measured on records of their own
(`RECORD_INDICATORS`), and kept fresh when a steering page shows a year.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from contrat.choices import IndicatorSource
from contrat.models import ComputedRefresh, Indicator, IndicatorValue
from contrat.services import contract_years
from prevention import indicators as prevention_indicators
from territory.models import Sector
from victimes import indicators as victims_indicators

# Computed indicators measured on records of their own rather than on complaints: the rixes
# alert loop and the victims' orientation records. Each module offers `MEASURES`,
# `compute(measure, *, year, sector, params)` and `data_stamp()`.
RECORD_INDICATORS = (prevention_indicators, victims_indicators)


def _computed_years(indicator: Indicator, years: list[int]) -> list[int]:
    if indicator.baseline_year and indicator.baseline_year not in years:
        return [indicator.baseline_year, *years]
    return years


def _first_complaint_year() -> int | None:
    """Years before the first complaint recorded would read as "0 complaints": the
    observatory did not exist yet, so they get no computed value."""
    from doleances.models import Complaint  # doleances sits below contrat

    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    return timezone.localtime(first).year if first else None


def computed_measures() -> tuple[str, ...]:
    """Measures of computed indicators: the observatory's (complaints), and those of the
    modules measured on their own records (`RECORD_INDICATORS`)."""
    from observatoire.services import INDICATOR_MEASURES

    return (*INDICATOR_MEASURES, *(m for module in RECORD_INDICATORS for m in module.MEASURES))


def _record_module(measure: str):
    """The module of `RECORD_INDICATORS` that computes `measure`, or None (the observatory's)."""
    return next((module for module in RECORD_INDICATORS if measure in module.MEASURES), None)


def _compute(indicator: Indicator, year: int, sector: Sector | None) -> float | None:
    from observatoire import services as observatoire

    module = _record_module(indicator.measure)
    compute = module.compute if module else observatoire.compute_indicator
    return compute(
        indicator.measure, year=year, sector=sector, params=indicator.measure_params or None
    )


def _definitions() -> str:
    """Fingerprint of what computed values depend on: a new or edited computed indicator,
    or the records of `RECORD_INDICATORS` changing (alerts of the prevention loop, orientation
    records), call for recomputing every year."""
    rows = Indicator.objects.filter(source=IndicatorSource.COMPUTED).order_by("code")
    text = json.dumps(
        [
            [i.code, i.measure, i.measure_params, i.by_sector, i.baseline_year]
            for i in rows.only("code", "measure", "measure_params", "by_sector", "baseline_year")
        ]
        + [module.data_stamp() for module in RECORD_INDICATORS],
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def refresh_computed_values(year: int | None = None) -> int:
    """Recompute every computed indicator from the observatory, for Paris and (declined
    indicators) each sector: `year`, or every year of the contract up to this one and the
    indicator's baseline year — from the year of the first complaint on. An undefined
    figure removes the stored value. Returns the number of values stored."""
    from observatoire import services as observatoire

    # Read before computing: a store refreshed meanwhile makes the values stale again.
    store = observatoire.store_status()
    definitions = _definitions()
    this_year = timezone.localdate().year
    years = [year] if year else [y for y in contract_years() if y <= this_year]
    first_year = _first_complaint_year()
    sectors = list(Sector.objects.all())
    stored = 0
    for indicator in Indicator.objects.filter(source=IndicatorSource.COMPUTED):
        scopes = [None, *sectors] if indicator.by_sector else [None]
        figures = {
            (s.pk if s else None, y): _compute(indicator, y, s)
            for y in (_computed_years(indicator, years) if year is None else years)
            # Figures on other records than complaints do not depend on the complaints' history.
            if _record_module(indicator.measure) or (first_year is not None and y >= first_year)
            for s in scopes
        }
        stored += _store_computed(indicator, figures)
    # Only the latest run of each kind is needed.
    ComputedRefresh.objects.filter(year=year).delete()
    ComputedRefresh.objects.create(
        year=year,
        store_refreshed_at=_parse_time(store.get("refreshed_at")),
        definitions=definitions,
        values=stored,
    )
    return stored


@transaction.atomic
def _store_computed(indicator: Indicator, figures: dict[tuple[int | None, int], float | None]):
    existing = {
        (v.sector_id, v.period_start.year): v
        for v in IndicatorValue.objects.filter(
            indicator=indicator, period_start__year__in={y for _s, y in figures}
        )
        if v.period_start.month == 1 and v.period_start.day == 1
    }
    note = _("Calculé par l'observatoire (mesure %(measure)s)") % {"measure": indicator.measure}
    now = timezone.now()
    to_create, to_update, to_delete = [], [], []
    for (sector_id, year), figure in figures.items():
        current = existing.get((sector_id, year))
        if figure is None:
            if current is not None:
                to_delete.append(current.pk)
            continue
        if current is None:
            to_create.append(
                IndicatorValue(
                    indicator=indicator,
                    sector_id=sector_id,
                    period_start=date(year, 1, 1),
                    value=figure,
                    source_note=note,
                    is_computed=True,
                    entered_at=now,
                )
            )
        elif current.value != figure or not current.is_computed:
            current.value, current.source_note, current.is_computed = figure, note, True
            current.entered_at, current.entered_by = now, None
            to_update.append(current)
    IndicatorValue.objects.filter(pk__in=to_delete).delete()
    IndicatorValue.objects.bulk_create(to_create)
    IndicatorValue.objects.bulk_update(
        to_update, ["value", "source_note", "is_computed", "entered_at", "entered_by"]
    )
    return sum(1 for figure in figures.values() if figure is not None)


def _parse_time(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return parse_datetime(value)


def ensure_computed_values_fresh(year: int) -> bool:
    """Called when a steering page shows `year`: recompute from the observatory store (the
    worker refreshes it every 30 s) what is stale: every year when the
    computed indicators were never computed or their definitions changed, else `year` when
    the store changed since. Returns whether values were recomputed."""
    from observatoire import services as observatoire

    if not Indicator.objects.filter(source=IndicatorSource.COMPUTED).exists():
        return False
    everything = ComputedRefresh.objects.filter(year__isnull=True).first()
    if everything is None or everything.definitions != _definitions():
        refresh_computed_values()
        return True
    last = ComputedRefresh.objects.filter(Q(year=year) | Q(year__isnull=True)).first()
    refreshed_at = _parse_time(observatoire.store_status().get("refreshed_at"))
    if refreshed_at is None or (
        last.store_refreshed_at is not None and last.store_refreshed_at >= refreshed_at
    ):
        return False
    refresh_computed_values(year)
    return True

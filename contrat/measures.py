"""Measures a computed indicator can use: the observatory's (complaints) and the prevention
module's (the rixes alert loop). Both apps sit below contrat."""

from __future__ import annotations

from observatoire import services as observatoire
from prevention import indicators as prevention


def measure_codes() -> tuple[str, ...]:
    return (*observatoire.INDICATOR_MEASURES, *prevention.MEASURES)


def is_prevention(measure: str) -> bool:
    return measure in prevention.MEASURES


def compute(measure: str, *, year: int, sector=None, params=None) -> float | None:
    if is_prevention(measure):
        return prevention.compute(measure, year=year, sector=sector, params=params)
    return observatoire.compute_indicator(measure, year=year, sector=sector, params=params)

"""Parsing of the values found in imported files: coordinates, dates, postal codes.

Raise `RowError` with a French reason; the importer then rejects the row with that reason.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Names of values in messages; lazy, so that only a rejected row pays the translation.
LATITUDE = gettext_lazy("Latitude")
LONGITUDE = gettext_lazy("Longitude")


class RowError(ValueError):
    """A row that cannot become a complaint; the message is the French reason."""


# French exports write dates day first; ISO 8601 is tried before these.
_DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d")
_POSTAL_CODE = re.compile(r"^(\d{5})(?:\.0+)?$")


def parse_float(text: str, what: str) -> float | None:
    """A number written with a decimal point or a decimal comma; None when empty."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise RowError(_("%(what)s illisible : « %(value)s ».") % {"what": what, "value": text})
    return value


def parse_point(text: str) -> tuple[float, float] | None:
    """A "lat, lon" pair (DansMaRue's geo_point_2d), also with decimal commas or ";"."""
    text = (text or "").strip()
    if not text:
        return None
    if ";" in text:
        parts = text.split(";")
    elif ", " in text:
        parts = text.split(", ")
    elif text.count(",") == 1:
        parts = text.split(",")
    elif text.count(",") == 3:
        pieces = text.split(",")
        parts = [",".join(pieces[:2]), ",".join(pieces[2:])]
    else:
        parts = [text]
    if len(parts) != 2:
        raise RowError(_("Point illisible : « %(value)s ».") % {"value": text})
    return parse_float(parts[0], LATITUDE), parse_float(parts[1], LONGITUDE)


@lru_cache(maxsize=1)
def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=65536)
def _parse_datetime(text: str, fmt: str) -> datetime | None:
    parsed = None
    if fmt:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            return None
    else:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            for candidate in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(text, candidate)
                    break
                except ValueError:
                    continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        # Exports write Paris local time; fold=0 picks the first of an ambiguous autumn hour.
        parsed = parsed.replace(tzinfo=_local_zone())
    return parsed


def parse_datetime(text: str, what: str, fmt: str = "") -> datetime | None:
    """A date or date-time, local to Paris unless it carries an offset; None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    parsed = _parse_datetime(text, fmt)
    if parsed is None:
        raise RowError(_("%(what)s illisible : « %(value)s ».") % {"what": what, "value": text})
    return parsed


def clean_postal_code(text: str) -> str:
    """ "75012.0" (a spreadsheet's number) → "75012"; anything else is kept as written."""
    text = (text or "").strip()
    match = _POSTAL_CODE.match(text)
    return match.group(1) if match else text

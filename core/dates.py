"""The range of dates a complaint may carry, shared by every intake and query channel.

Year 1 or year 9999 parse as valid ISO dates but break time-zone arithmetic (OverflowError)
and mean nothing here: every channel refuses them with the same French message instead.
The check is on the calendar year, before any conversion, so it cannot overflow itself.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def in_range(moment: date | datetime | None) -> bool:
    return moment is None or EARLIEST_YEAR <= moment.year <= LATEST_YEAR


def out_of_range_message(label: str) -> str:
    return _("%(label)s hors de la période admise (%(first)d à %(last)d).") % {
        "label": label,
        "first": EARLIEST_YEAR,
        "last": LATEST_YEAR,
    }

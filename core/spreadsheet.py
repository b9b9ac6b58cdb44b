"""CSV files that French spreadsheet software opens as columns of numbers: `;` as the
separator (the comma is the decimal mark), decimal commas, rounded figures, UTF-8 with a
byte-order mark (for the accents), CRLF line ends; cells that a spreadsheet would run as a
formula are quoted with an apostrophe."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def writer(out):
    return csv.writer(out, delimiter=";", lineterminator="\r\n")


def decimal(value: float | int | None, digits: int = 0) -> str:
    """`value` rounded to `digits` decimals, with a decimal comma and no thousands
    separator ("1234,5"); "" for a missing or non-finite value."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    text = f"{round(float(value), digits):.{digits}f}".replace(".", ",")
    return text[1:] if text.startswith("-") and not text.strip("-0,") else text


def text(value) -> str:
    """A text cell that no spreadsheet will run as a formula."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def to_csv(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    w = writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()

"""A dashboard section: a table with French column titles, raw values for the CSV and
formatted values for the page, and its chart when it has one (`observatoire.dashboard`
builds them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core import spreadsheet
from observatoire import charts

# Rows shown on the page; the CSV always holds them all.
PAGE_ROWS = 25


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text, int, dec1, dec2, share (0–1), pct (already ×100), p


def format_value(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "int":
        return charts.fr_number(value)
    if kind == "dec1":
        return charts.fr_number(value, 1)
    if kind == "dec2":
        return charts.fr_number(value, 2)
    if kind == "share":
        return charts.fr_percent(value)
    if kind == "pct":
        return ("+" if value > 0 else "") + charts.fr_number(value, 1) + "\u00a0%"
    if kind == "p":
        return "< 0,001" if value < 0.001 else charts.fr_number(value, 3)
    return str(value)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict]
    svg: str | None = None  # drawn on the page
    note: str = ""
    page_rows: int = PAGE_ROWS
    # A chart only downloaded (not drawn on the page) is built when asked for.
    lazy_svg: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    @property
    def has_svg(self) -> bool:
        return self.svg is not None or self.lazy_svg is not None

    def chart(self) -> str | None:
        """The SVG chart (built now for a download-only one), None without chart."""
        return self.svg if self.svg is not None else self.lazy_svg() if self.lazy_svg else None

    @property
    def shown_columns(self) -> list[Column]:
        """The columns shown on the page: codes are for the CSV only."""
        return [c for c in self.columns if c.key != "key"]

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """The page's first rows as (formatted value, is numeric) cells."""
        columns = self.shown_columns
        return [
            [(format_value(row.get(c.key), c.kind), c.kind != "text") for c in columns]
            for row in self.rows[: self.page_rows]
        ]

    @property
    def truncated(self) -> bool:
        return len(self.rows) > self.page_rows

    def csv(self) -> str:
        """CSV for French spreadsheets (`core.spreadsheet`): figures rounded as on the page,
        shares in %, one header line of French titles."""
        header = [
            f"{c.title} (%)" if c.kind == "share" and "%" not in c.title else c.title
            for c in self.columns
        ]
        rows = ([_csv_cell(row.get(c.key), c.kind) for c in self.columns] for row in self.rows)
        return spreadsheet.to_csv(header, rows)


# Decimals of each kind of column in the CSV (shares are written ×100, in %).
CSV_DIGITS = {"int": 0, "dec1": 1, "dec2": 2, "share": 1, "pct": 1, "p": 4}


def _csv_cell(value, kind: str) -> str:
    if kind not in CSV_DIGITS:
        return spreadsheet.text(value)
    if value is None or value == "":
        return ""
    return spreadsheet.decimal(value * 100 if kind == "share" else value, CSV_DIGITS[kind])

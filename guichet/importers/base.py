"""What an import format provides to the runner: rows → `ComplaintInput`s."""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from doleances.services import ComplaintInput


class ImportConfigError(Exception):
    """The file or the mapping does not fit the import (missing columns...); French message."""


class Converter:
    """Turns the rows of one file format into complaint inputs; one instance per import."""

    #: French name of the format, for the summary.
    label = ""
    #: Provenance of the complaints: with their external id, what makes imports idempotent.
    source = ""

    def bind(self, header: list[str]) -> None:
        """Check the file's columns; raise ImportConfigError when they do not fit."""
        raise NotImplementedError

    def convert(self, values: list[str]) -> ComplaintInput:
        """One row's complaint; raise `fields.RowError` (French reason) to reject the row."""
        raise NotImplementedError

    def context(self) -> str:
        """What, besides the file, decides the outcome (a resumed import must share it)."""
        return self.source

    def report(self) -> tuple[list[str], dict]:
        """French summary lines and JSON figures specific to the format."""
        return [], {}


def columns_index(header: list[str]) -> dict[str, int]:
    """Column name → position; names compared without case or surrounding spaces."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(name.strip().lower(), position)
    return index


def row_key(values: list[str]) -> str:
    """A stable external id for a row that has none: re-importing it finds it again."""
    digest = hashlib.sha256("\x1f".join(value.strip() for value in values).encode()).hexdigest()
    return f"sha256:{digest[:40]}"


def missing_columns_message(names: list[str]) -> str:
    return _("Colonnes manquantes dans le fichier : %(names)s.") % {"names": ", ".join(names)}

"""Streaming, tolerant reading of CSV exports.

The file is read line by line in binary so that memory stays constant whatever its size, the
byte offset of every record is known (progress, resumption), and a line whose bytes do not
decode rejects its record instead of stopping the import. Encoding (UTF-8 with or without BOM,
else Windows-1252/Latin-1) and delimiter (";", "," or tab) are detected on the first bytes.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

_SAMPLE_BYTES = 1 << 20
_DELIMITERS = (";", ",", "\t", "|")


class SourceError(Exception):
    """The file cannot be read at all (empty, UTF-16...); the message is in French."""


@dataclass(frozen=True)
class Record:
    line: int  # line of the file where the record starts (the header is line 1)
    values: list[str]
    error: str  # French reason when the record cannot be trusted, else ""
    end_offset: int  # byte offset just after the record
    end_line: int  # last line of the file the record spans


def detect_encoding(sample: bytes) -> tuple[str, int]:
    """The encoding of a file from its first bytes, and the length of its BOM."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(
            _("Fichier en UTF-16 : enregistrez-le en CSV UTF-8 (ou Windows-1252) et recommencez.")
        )
    # A UTF-8 file with a few corrupted lines stays UTF-8 (those rows are rejected); a
    # Windows-1252 file fails on almost every line that has an accent.
    lines = sample.split(b"\n")
    if len(sample) >= _SAMPLE_BYTES:
        lines = lines[:-1] or lines  # the last one may be cut in the middle of a character
    valid_accented = invalid = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            invalid += 1
        else:
            valid_accented += not line.isascii()
    return ("utf-8" if valid_accented >= invalid else "cp1252"), 0


def detect_delimiter(header: str) -> str:
    """The candidate delimiter found most often in the header, outside quotes."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def fingerprint(path: Path) -> str:
    """Identifies a file's content cheaply: its size, first and last bytes."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    digest.update(str(size).encode())
    with path.open("rb") as fh:
        digest.update(fh.read(_SAMPLE_BYTES))
        if size > _SAMPLE_BYTES:
            fh.seek(max(_SAMPLE_BYTES, size - 65536))
            digest.update(fh.read())
    return digest.hexdigest()


class CsvSource:
    """A CSV file read as records, from the start or from a byte offset after the header."""

    def __init__(self, path: str | Path, *, encoding: str = "", delimiter: str = ""):
        self.path = Path(path)
        self.size = self.path.stat().st_size
        with self.path.open("rb") as fh:
            sample = fh.read(_SAMPLE_BYTES)
        if not sample.strip():
            raise SourceError(_("Le fichier est vide."))
        detected, self._bom = detect_encoding(sample)
        self.encoding = encoding or detected
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise SourceError(_("Encodage inconnu : %(name)s.") % {"name": encoding}) from None
        if delimiter and len(delimiter) != 1:
            raise SourceError(_("Le séparateur doit être un seul caractère."))
        first_line = sample[self._bom :].split(b"\n", 1)[0]
        header_text = first_line.decode(self.encoding, errors="replace")
        self.delimiter = delimiter or detect_delimiter(header_text)
        self.header = [name.strip() for name in next(csv.reader([header_text], **self._dialect()))]
        self.header_end = self._bom + len(first_line) + 1

    def _dialect(self) -> dict:
        return {"delimiter": self.delimiter, "quotechar": '"', "skipinitialspace": False}

    def records(self, start_offset: int = 0, start_line: int = 1) -> Iterator[Record]:
        """Records after the header, or after `start_offset`/`start_line` when resuming."""
        offset = max(start_offset, self.header_end)
        state = {"offset": offset, "line": start_line if start_offset else 1, "bad": False}
        encoding = self.encoding

        def lines(fh):
            for raw in fh:
                state["offset"] += len(raw)
                state["line"] += 1
                try:
                    yield raw.decode(encoding)
                except UnicodeDecodeError:
                    state["bad"] = True
                    yield raw.decode(encoding, errors="replace")

        with self.path.open("rb") as fh:
            fh.seek(offset)
            reader = csv.reader(lines(fh), **self._dialect())
            while True:
                start = state["line"] + 1
                error = ""
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    # Too long a field, usually a quote left open; the reader goes on after it.
                    values = []
                    error = _("Ligne CSV mal formée (guillemet non fermé ou champ trop long).")
                if state["bad"]:
                    error = error or _(
                        "Caractères illisibles dans l'encodage du fichier (%(encoding)s)."
                    ) % {"encoding": encoding}
                    state["bad"] = False
                if not error and not any(value.strip() for value in values):
                    continue  # blank line
                yield Record(start, values, error, state["offset"], state["line"])

"""The import loop shared by every format: read, convert, file by batches, account for rows.

Each batch is one call to `doleances.bulk.file_complaints` (one transaction). Every row read
ends up created, already present, or in the rejects file with its French reason; after each
committed batch a checkpoint records where to resume.
"""

from __future__ import annotations

import csv
import gc
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from tqdm import tqdm

from core.db import deferred_checkpoints
from doleances.bulk import file_complaints
from doleances.services import find_existing
from guichet.importers.base import Converter
from guichet.importers.checkpoint import Checkpoint, CheckpointStore
from guichet.importers.fields import RowError
from guichet.importers.reader import CsvSource, Record, fingerprint

DEFAULT_BATCH_SIZE = 5000
REJECT_COLUMNS = ("ligne", "motif_rejet")


@dataclass
class ImportSummary:
    read: int = 0
    created: int = 0
    existing: int = 0
    rejected: int = 0
    resumed_from_line: int | None = None
    complete: bool = False
    rejects_path: Path | None = None
    extra_lines: list[str] = field(default_factory=list)
    extra_figures: dict = field(default_factory=dict)

    def figures(self) -> dict:
        return {
            "read": self.read,
            "created": self.created,
            "existing": self.existing,
            "rejected": self.rejected,
            **self.extra_figures,
        }


class RejectsWriter:
    """The rejected rows: line number, French reason, then the row's own columns."""

    def __init__(self, path: Path, header: list[str], delimiter: str, append: bool):
        self.path = path
        self.header = header
        self.delimiter = delimiter
        self._file = None
        if not append:
            path.unlink(missing_ok=True)

    def write(self, rows: list[tuple[Record, str]]) -> None:
        if not rows:
            return
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists() or self.path.stat().st_size == 0
            # UTF-8 with BOM: spreadsheet software then shows accents right.
            self._file = self.path.open("a", encoding="utf-8-sig" if new else "utf-8", newline="")
            self._writer = csv.writer(self._file, delimiter=self.delimiter)
            if new:
                self._writer.writerow([*REJECT_COLUMNS, *self.header])
        for record, reason in rows:
            self._writer.writerow([record.line, reason, *record.values])
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def default_rejects_path(path: Path) -> Path:
    return Path(settings.CPPS_VAR_DIR) / "imports" / f"{path.stem}-rejets.csv"


def _witness_exists(witness) -> bool:
    source, external_id = witness
    return find_existing(source, external_id) is not None


def run_import(
    path: str | Path,
    converter: Converter,
    *,
    rejects_path: str | Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    limit: int | None = None,
    encoding: str = "",
    delimiter: str = "",
    progress: bool = True,
) -> ImportSummary:
    """Import a CSV file; resumes after the last committed batch of an interrupted run.

    `limit` stops after that many rows read (the next run resumes there). Raises
    `reader.SourceError` or `base.ImportConfigError` (French) when the file cannot be
    imported at all, and lets a database error through after committing earlier batches.
    """
    path = Path(path)
    source = CsvSource(path, encoding=encoding, delimiter=delimiter)
    converter.bind(source.header)
    store = CheckpointStore(fingerprint(path), converter.context())
    checkpoint = store.load()
    if checkpoint and checkpoint.witness and not _witness_exists(checkpoint.witness):
        checkpoint = None  # the database no longer holds what the checkpoint vouches for
    summary = ImportSummary(rejects_path=Path(rejects_path or default_rejects_path(path)))
    if checkpoint:
        summary.resumed_from_line = checkpoint.line + 1
    rejects = RejectsWriter(
        summary.rejects_path, source.header, source.delimiter, append=checkpoint is not None
    )
    witness = checkpoint.witness if checkpoint else None
    width = len(source.header)
    bar = tqdm(
        total=source.size,
        initial=checkpoint.offset if checkpoint else source.header_end,
        unit="o",
        unit_scale=True,
        desc=_("Import"),
        file=sys.stderr,
        disable=not progress,
        mininterval=0.5,
    )
    records = source.records(
        checkpoint.offset if checkpoint else 0, checkpoint.line if checkpoint else 1
    )
    batch_records: list[Record] = []
    batch_inputs = []
    batch_rejects: list[tuple[Record, str]] = []
    position = checkpoint.offset if checkpoint else source.header_end

    def flush(last: Record | None) -> None:
        nonlocal witness, batch_records, batch_inputs, batch_rejects
        if batch_inputs:
            result = file_complaints(batch_inputs)
            summary.created += len(result.created)
            summary.existing += result.existing
            batch_rejects.extend((batch_records[i], reason) for i, reason in result.rejected)
            refused = {i for i, _reason in result.rejected}
            for i in range(len(batch_inputs) - 1, -1, -1):
                if i not in refused:
                    witness = (batch_inputs[i].source, batch_inputs[i].external_id)
                    break
        batch_rejects.sort(key=lambda pair: pair[0].line)
        summary.rejected += len(batch_rejects)
        rejects.write(batch_rejects)
        if last is not None:
            store.save(Checkpoint(last.end_offset, last.end_line, witness))
        batch_records, batch_inputs, batch_rejects = [], [], []
        gc.collect(1)  # the young generations: what the batch may have left in cycles

    # Python's automatic cycle collection is paused for the import: every few hundred new
    # objects it scanned the application's long-lived objects again, a fifth of an import's
    # CPU (bench/imports.py), while rows leave no cycles behind (reference counting frees
    # them); `flush` collects the young generations after each batch instead.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with deferred_checkpoints():
            last = None
            for record in records:
                if limit is not None and summary.read >= limit:
                    break
                summary.read += 1
                last = record
                bar.update(record.end_offset - position)
                position = record.end_offset
                reason = record.error
                if not reason and len(record.values) != width:
                    reason = _(
                        "Nombre de colonnes incorrect : %(found)d au lieu de %(expected)d."
                    ) % {"found": len(record.values), "expected": width}
                if not reason:
                    try:
                        item = converter.convert(record.values)
                    except RowError as exc:
                        reason = str(exc)
                    else:
                        batch_records.append(record)
                        batch_inputs.append(item)
                if reason:
                    batch_rejects.append((record, reason))
                if len(batch_inputs) + len(batch_rejects) >= batch_size:
                    flush(last)
            else:
                summary.complete = True
            flush(last)
    finally:
        if collecting:
            gc.enable()
        bar.close()
        rejects.close()
    if summary.complete:
        store.clear()
    summary.extra_lines, summary.extra_figures = converter.report()
    return summary

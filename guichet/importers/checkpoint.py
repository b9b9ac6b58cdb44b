"""Where an interrupted import resumes: the position after its last committed batch.

Batches are idempotent, so the checkpoint only saves re-reading what is already stored. It is
kept under CPPS_VAR_DIR/imports/, keyed by the file's fingerprint and the import's settings,
and removed once the file has been read to the end.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings


@dataclass
class Checkpoint:
    offset: int  # byte offset after the last committed record
    line: int  # last line of the file the committed records span
    # (source, external_id) of a complaint of the last committed batch: if it is not in the
    # database (restored, flushed), the checkpoint is stale and the import starts over.
    witness: tuple[str, str] | None = None


class CheckpointStore:
    def __init__(self, file_fingerprint: str, context: str):
        key = hashlib.sha256(f"{file_fingerprint}\n{context}".encode()).hexdigest()[:32]
        self.path = Path(settings.CPPS_VAR_DIR) / "imports" / f"checkpoint-{key}.json"

    def load(self) -> Checkpoint | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            witness = tuple(data["witness"]) if data.get("witness") else None
            return Checkpoint(int(data["offset"]), int(data["line"]), witness)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, checkpoint: Checkpoint) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(checkpoint)), encoding="utf-8")
        os.replace(temporary, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

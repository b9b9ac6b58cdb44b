"""Referential rows a process keeps in memory for a few seconds (`ReferentialMemo`).

Every filing reads its category (with its family, for Open311 its settings and attributes):
one statement each time, for rows that change a few times a year. A memo keeps what was
read for `seconds`; the owning app clears it at once on the models' saves and deletions in
this process (its `ready()`), and another process's edits are seen within `seconds` — like
the territory index (`territory.services.VERSION_CHECK_SECONDS`). Misses (an unknown code)
are not kept: a row created elsewhere is found at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

_ALL: list[ReferentialMemo] = []


class ReferentialMemo:
    def __init__(self, name: str, seconds: float = 10.0):
        self.name = name
        self.seconds = seconds
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, Any]] = {}
        _ALL.append(self)

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        """The value kept for `key`, or `load()` (kept unless None)."""
        now = time.monotonic()
        with self._lock:
            kept = self._values.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        value = load()
        if value is not None:
            with self._lock:
                self._values[key] = (now + self.seconds, value)
        return value

    def clear(self, **kwargs) -> None:
        """Forget everything (also a receiver of the referential models' signals)."""
        with self._lock:
            self._values.clear()


def clear_all() -> None:
    """Every memo of the process forgotten (tests: a rolled-back edit leaves nothing behind)."""
    for memo in _ALL:
        memo.clear()

"""Demo only: give the demo's already-worked cases a plausible history of answer and closing.

The demo generator files old complaints as answered or closed, but nobody worked them, so
their cases have no answer date and the observatory's response-time measures would read
empty. Delays are drawn (seeded) around each category's deadline: most answers come in time,
a tail comes late, as in a real service.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from doleances.choices import Status
from traitement.models import Case

BATCH = 2_000


def simulate_case_history(*, seed: int = 2026) -> int:
    """Set answered_at / closed_at on answered or closed demo cases that have none; idempotent."""
    rng = np.random.default_rng(seed)
    cases = (
        Case.objects.filter(
            complaint__source="demo",
            complaint__status__in=[Status.ANSWERED, Status.CLOSED],
            answered_at__isnull=True,
        )
        .select_related("complaint__category")
        .order_by("pk")
    )
    updated = 0
    while batch := list(cases[:BATCH]):
        # Answer delay in days: log-normal centred on 40 % of the deadline (about 85 % in time).
        deadlines = np.array([c.complaint.category.answer_deadline_days for c in batch], float)
        answer_days = rng.lognormal(np.log(np.maximum(deadlines, 1) * 0.4), 0.8)
        close_days = rng.exponential(2.0, len(batch))
        for case, answer, close in zip(batch, answer_days, close_days, strict=True):
            case.answered_at = case.received_at + timedelta(days=float(answer))
            if case.complaint.status == Status.CLOSED:
                case.closed_at = case.answered_at + timedelta(days=float(close))
        Case.objects.bulk_update(batch, ["answered_at", "closed_at"])
        updated += len(batch)
    return updated

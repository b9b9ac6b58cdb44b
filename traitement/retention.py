"""Retention hooks for `doleances.retention`: the real closing time of a case, and erasure of
the free texts agents wrote on it (answers, notes, messages may name people)."""

from django.db.models import Q

from doleances.choices import Status
from traitement.models import Case, CaseEvent

ERASED_TEXT = "[texte effacé après la durée de conservation]"


def closed_before(queryset, before):
    """Closed complaints whose case was closed before `before`; a complaint closed without
    the workflow (e.g. imported closed) counts from its last update."""
    return queryset.filter(status=Status.CLOSED).filter(
        Q(case__closed_at__lt=before) | Q(case__closed_at__isnull=True, updated_at__lt=before)
    )


def erase_case_texts(complaints) -> int:
    """Replace agents' free texts on these complaints' cases; idempotent."""
    ids = complaints.values("pk")
    written = CaseEvent.objects.filter(case_id__in=ids, actor__isnull=False)
    erased = 0
    for field in ("comment", "public_message"):
        erased += (
            written.exclude(**{field: ""})
            .exclude(**{field: ERASED_TEXT})
            .update(**{field: ERASED_TEXT})
        )
    erased += (
        Case.objects.filter(complaint_id__in=ids)
        .exclude(answer="")
        .exclude(answer=ERASED_TEXT)
        .update(answer=ERASED_TEXT)
    )
    return erased

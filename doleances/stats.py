"""Complaint counts for operators and scripts (`cpps stats`): aggregate queries only."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from doleances.models import Complaint


def _counts(queryset: QuerySet, field: str) -> dict[str, int]:
    rows = (
        queryset.order_by()
        .exclude(**{f"{field}__isnull": True})
        .values_list(field)
        .annotate(n=Count("pk"))
        .order_by(field)
    )
    return {str(key): n for key, n in rows}


def complaint_stats(queryset: QuerySet | None = None) -> dict:
    """Totals by status, channel, category code and arrondissement number."""
    queryset = Complaint.objects.all() if queryset is None else queryset
    return {
        "total": queryset.order_by().count(),
        "by_status": _counts(queryset, "status"),
        "by_channel": _counts(queryset, "channel"),
        "by_category": _counts(queryset, "category__code"),
        "by_arrondissement": _counts(queryset, "arrondissement__number"),
    }

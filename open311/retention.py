"""Erasing the personal data open311 keeps itself, with the complaint's (doleances.retention)."""

from django.db.models import QuerySet

from open311.choices import Datatype
from open311.models import RequestAttributes, ServiceAttribute

# Free-text answers may name people; list, number and date answers cannot, and stay for
# statistics.
FREE_TEXT = (Datatype.STRING, Datatype.TEXT)


def erase_request_attributes(complaints: QuerySet) -> int:
    """Drop free-text answers and the address id (it pinpoints a home); idempotent."""
    records = RequestAttributes.objects.filter(complaint__in=complaints).select_related("complaint")
    free_text: dict[int, set[str]] = {}
    for category_id, code in ServiceAttribute.objects.filter(datatype__in=FREE_TEXT).values_list(
        "category_id", "code"
    ):
        free_text.setdefault(category_id, set()).add(code)
    erased = 0
    for record in records:
        codes = free_text.get(record.complaint.category_id, set())
        kept = {code: value for code, value in record.values.items() if code not in codes}
        if kept != record.values or record.address_id:
            record.values, record.address_id = kept, ""
            record.save(update_fields=["values", "address_id"])
            erased += 1
    return erased

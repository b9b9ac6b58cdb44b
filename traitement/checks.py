"""The invariant every reader relies on: each stored complaint has its case.

Intake opens the case in the very transaction that stores the complaint (the intake signals
received in `traitement.receivers`), so nothing reads a complaint without a case and no read
opens one. `cpps check --database default` verifies it (it is a database check: Django runs
it on request, not on every command); the test suite verifies it after every test that used the
database (`tests/conftest.py`).
"""

from django.core import checks
from django.db import connections

from doleances.models import Complaint
from traitement.models import Case


@checks.register(checks.Tags.database)
def every_complaint_has_its_case(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or ():
        tables = set(connections[alias].introspection.table_names())
        if not {Complaint._meta.db_table, Case._meta.db_table} <= tables:
            continue  # not migrated yet (`migrate` runs the database checks first)
        without = Complaint.objects.using(alias).filter(case__isnull=True)
        count = without.count()
        if count:
            examples = ", ".join(without.order_by("pk").values_list("reference", flat=True)[:5])
            errors.append(
                checks.Error(
                    f"{count} doléance(s) sans dossier de traitement ({examples}…).",
                    hint="Les doléances passent par doleances.services ou doleances.bulk, qui "
                    "envoient les signaux de dépôt ; ne les créez pas autrement.",
                    obj=Complaint,
                    id="traitement.E001",
                )
            )
    return errors

"""Background tasks of the complaints domain (run by `cpps worker`)."""

from django_tasks import task


@task()
def purge_personal_data() -> dict:
    """Daily: erase the personal data of complaints closed more than
    `CPPS_RETENTION_MONTHS` months ago (see `doleances.retention`)."""
    from doleances.retention import purge_personal_data as purge

    report = purge()
    return {"complaints": report.complaints, "complainants": report.complainants}

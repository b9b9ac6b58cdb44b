"""Background tasks of the operations app (see `operations.mail`)."""

from django_tasks import task

from operations import mail


@task()
def deliver_mail(ids: list[int]) -> dict:
    return mail.deliver(ids)


@task()
def deliver_due_mail() -> dict:
    """Scheduled: the messages whose retry delay is over (and any whose enqueue was lost)."""
    return mail.deliver()


@task()
def purge_delivered_mail() -> int:
    return mail.purge_delivered()

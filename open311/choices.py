from django.db import models
from django.utils.translation import gettext_lazy as _

from doleances.choices import Status


class Datatype(models.TextChoices):
    """The attribute datatypes of an Open311 service definition (GeoReport v2)."""

    STRING = "string", _("Texte court")
    NUMBER = "number", _("Nombre")
    DATETIME = "datetime", _("Date et heure")
    TEXT = "text", _("Texte long")
    SINGLEVALUELIST = "singlevaluelist", _("Choix unique dans une liste")
    MULTIVALUELIST = "multivaluelist", _("Choix multiple dans une liste")


LIST_DATATYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


# Open311 GeoReport v2 knows only "open" and "closed": a case is open while a desk still has to
# act on it; "answered" counts as closed because the resident has received the answer.
OPEN311_STATUS = {
    Status.NEW: "open",
    Status.QUALIFIED: "open",
    Status.ASSIGNED: "open",
    Status.IN_PROGRESS: "open",
    Status.ANSWERED: "closed",
    Status.CLOSED: "closed",
}


def open311_status(status: str) -> str:
    return OPEN311_STATUS[Status(status)]

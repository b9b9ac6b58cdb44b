from django.db import models
from django.utils.translation import gettext_lazy as _


class Datatype(models.TextChoices):
    """The attribute datatypes of an Open311 service definition (GeoReport v2)."""

    STRING = "string", _("Texte court")
    NUMBER = "number", _("Nombre")
    DATETIME = "datetime", _("Date et heure")
    TEXT = "text", _("Texte long")
    SINGLEVALUELIST = "singlevaluelist", _("Choix unique dans une liste")
    MULTIVALUELIST = "multivaluelist", _("Choix multiple dans une liste")


LIST_DATATYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)

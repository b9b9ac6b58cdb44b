from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Formulaire web")
    API = "api", _("API partenaire")
    OPEN311 = "open311", _("Open311")
    PHONE_3975 = "phone_3975", _("Téléphone 3975")
    TOTEM = "totem", _("Totem de rue")
    DANSMARUE = "dansmarue", _("DansMaRue")
    COMMISSARIAT = "commissariat", _("Cellule d'écoute du commissariat")
    IMPORT = "import", _("Import de fichier")


class Status(models.TextChoices):
    """Case states; `traitement` owns the transitions between them."""

    NEW = "new", _("Nouvelle")
    QUALIFIED = "qualified", _("Qualifiée")
    ASSIGNED = "assigned", _("Attribuée")
    IN_PROGRESS = "in_progress", _("En cours de traitement")
    ANSWERED = "answered", _("Répondue")
    CLOSED = "closed", _("Clôturée")


OPEN_STATUSES = (Status.NEW, Status.QUALIFIED, Status.ASSIGNED, Status.IN_PROGRESS)


class Precision(models.TextChoices):
    POINT = "point", _("Point placé sur la carte")
    ADDRESS = "address", _("Adresse géocodée")
    POSTAL_CODE = "postal_code", _("Approximative (code postal)")
    NONE = "none", _("Inconnue")


class Priority(models.IntegerChoices):
    LOW = 1, _("Basse")
    NORMAL = 2, _("Normale")
    HIGH = 3, _("Haute")
    URGENT = 4, _("Urgente")

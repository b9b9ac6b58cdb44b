from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceStatus(models.TextChoices):
    """HSDS 3.0 `service.status`."""

    ACTIVE = "active", _("actif")
    INACTIVE = "inactive", _("inactif")
    DEFUNCT = "defunct", _("disparu")
    TEMPORARILY_CLOSED = "temporarily closed", _("fermé temporairement")


class Reach(models.TextChoices):
    """How the finder ranks a service: emergency numbers first, then national lines."""

    EMERGENCY = "urgence", _("numéro d'urgence")
    NATIONAL = "national", _("ligne nationale")
    LOCAL = "local", _("service local")


class Relevance(models.IntegerChoices):
    """How well a service answers one of its situations: for that situation the finder
    proposes the national lines of higher relevance first (for « violences conjugales », the
    3919 before the generalist 116 006)."""

    SPECIALISED = 3, _("spécialisé dans cette situation")
    SUITED = 2, _("adapté")
    GENERAL = 1, _("généraliste")


class AreaType(models.TextChoices):
    """`service_area.extent_type`: `extent` holds nothing (France, Paris), a sector code
    (paris-18) or an arrondissement number (18)."""

    FRANCE = "france", _("toute la France")
    PARIS = "paris", _("tout Paris")
    SECTOR = "secteur", _("secteur (contrat d'arrondissement)")
    ARRONDISSEMENT = "arrondissement", _("arrondissement")


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("lieu d'accueil")
    POSTAL = "postal", _("adresse postale")
    VIRTUAL = "virtual", _("en ligne")


class Weekday(models.TextChoices):
    MO = "MO", _("lundi")
    TU = "TU", _("mardi")
    WE = "WE", _("mercredi")
    TH = "TH", _("jeudi")
    FR = "FR", _("vendredi")
    SA = "SA", _("samedi")
    SU = "SU", _("dimanche")


WEEKDAYS = [day.value for day in Weekday]


class PersonRole(models.TextChoices):
    VICTIM = "victime", _("victime")
    PERPETRATOR = "auteur", _("auteur")
    THIRD_PARTY = "tiers", _("tiers")
    WITNESS = "temoin", _("témoin")


class AgeBand(models.TextChoices):
    """Age bands of the records and of the finder, with their (min, max) ages below."""

    UNDER_18 = "moins-18", _("moins de 18 ans")
    FROM_18 = "18-24", _("18 à 24 ans")
    FROM_25 = "25-59", _("25 à 59 ans")
    FROM_60 = "60-74", _("60 à 74 ans")
    FROM_75 = "75-plus", _("75 ans et plus")


AGE_BAND_LIMITS = {
    AgeBand.UNDER_18: (0, 17),
    AgeBand.FROM_18: (18, 24),
    AgeBand.FROM_25: (25, 59),
    AgeBand.FROM_60: (60, 74),
    AgeBand.FROM_75: (75, 120),
}


class Referrer(models.TextChoices):
    POLICE = "police", _("police")
    SELF = "lui-meme", _("la personne elle-même")
    SOCIAL = "services-sociaux", _("services sociaux")
    HEALTH = "sante", _("santé")
    SCHOOL = "ecole", _("école")
    ASSOCIATION = "association", _("association")
    OTHER = "autre", _("autre")


class RecordSource(models.TextChoices):
    SCREEN = "saisie", _("saisie à l'écran")
    IMPORT = "import", _("import d'un fichier")

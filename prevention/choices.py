"""Coded values of the prevention register: every field of the app is a code, a number, a
date or a link — never free text (see docs/prevention.md, "ce qui n'est pas enregistré")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    QUARTIER = "quartier", _("Quartier administratif")
    ZONE = "zone", _("Zone définie par l'administration")


class EventKind(models.TextChoices):
    RIXE = "rixe", _("Rixe")
    TENSION = "tension", _("Tension (menaces, provocations, appels au regroupement)")
    RIXE_AVOIDED = "rixe_evitee", _("Rixe évitée")


# Two-hour slots of the day: 0 = 0 h–2 h, …, 11 = 22 h–24 h.
SLOT_CHOICES = [(i, f"{2 * i} h – {2 * i + 2} h") for i in range(12)]


class SizeBand(models.TextChoices):
    SMALL = "2-5", _("2 à 5 personnes")
    MEDIUM = "6-15", _("6 à 15 personnes")
    LARGE = "16-30", _("16 à 30 personnes")
    VERY_LARGE = "31+", _("plus de 30 personnes")
    UNKNOWN = "inconnu", _("inconnu")


class Weapon(models.TextChoices):
    NONE = "aucune", _("aucune")
    BLUNT = "contondante", _("arme par destination ou contondante")
    KNIFE = "couteau", _("arme blanche")
    FIREARM = "feu", _("arme à feu")
    OTHER = "autre", _("autre")


class InjuredBand(models.TextChoices):
    NONE = "0", _("aucun blessé")
    ONE = "1", _("1 blessé")
    SOME = "2-4", _("2 à 4 blessés")
    MANY = "5+", _("5 blessés ou plus")
    UNKNOWN = "inconnu", _("inconnu")


class YesNoUnknown(models.TextChoices):
    YES = "oui", _("oui")
    NO = "non", _("non")
    UNKNOWN = "inconnu", _("inconnu")


class FollowUp(models.TextChoices):
    NONE = "aucune", _("aucune suite connue")
    MEDIATION = "mediation", _("médiation engagée")
    POLICE = "police", _("intervention de police")
    JUDICIAL = "judiciaire", _("suite judiciaire")
    SCHOOL = "etablissement", _("information des établissements scolaires")
    ALERT = "alerte", _("alerte partenaires déclenchée")


class PairState(models.TextChoices):
    LATENT = "latente", _("latente")
    ACTIVE = "active", _("active")
    CALMING = "apaisement", _("en apaisement")


class AlertLevel(models.TextChoices):
    VIGILANCE = "vigilance", _("vigilance")
    HIGH = "elevee", _("élevée")
    CRITICAL = "critique", _("critique")


HORIZON_CHOICES = [(24, _("24 h")), (48, _("48 h")), (72, _("72 h")), (168, _("7 jours"))]


class AlertOutcome(models.TextChoices):
    PENDING = "", _("en cours")
    AVOIDED = "evitee", _("rixe évitée")
    OCCURRED = "survenue", _("rixe survenue")
    NOTHING = "rien", _("rien ne s'est produit")
    EXPIRED = "expiree", _("expirée à l'horizon sans issue renseignée")


class ResponseAction(models.TextChoices):
    MEDIATORS = "mediateurs", _("médiateurs présents")
    EDUCATORS = "educateurs", _("éducateurs de rue mobilisés")
    PATROL = "patrouille", _("patrouille de police")
    SCHOOLS = "etablissements", _("information des établissements scolaires")
    PARENTS = "parents", _("parents contactés")
    TRANSPORT = "transports", _("information des transports")
    OTHER = "autre", _("autre action")


class ActionType(models.TextChoices):
    CITIZENSHIP = "citoyennete", _("séances de citoyenneté en milieu scolaire")
    PARENTS = "parents", _("groupes de parents")
    MEDIATION = "mediation", _("médiation")
    SPORT = "sport", _("programme sportif ou de vacances")
    PROJECT_CALL = "appel-projets", _("appel à projets")
    TRAINING = "formation", _("formation de professionnels")
    OTHER = "autre", _("autre")


class ActionStatus(models.TextChoices):
    PLANNED = "prevue", _("prévue")
    RUNNING = "en-cours", _("en cours")
    DONE = "terminee", _("terminée")
    CANCELLED = "annulee", _("annulée")


class AgeBand(models.TextChoices):
    UNDER_11 = "-11", _("moins de 11 ans")
    B11_14 = "11-14", _("11 à 14 ans")
    B15_17 = "15-17", _("15 à 17 ans")
    B18_25 = "18-25", _("18 à 25 ans")
    ADULT = "26+", _("26 ans et plus")


class Sex(models.TextChoices):
    FEMALE = "f", _("femmes")
    MALE = "m", _("hommes")
    UNKNOWN = "nr", _("non renseigné")


class HolidayKind(models.TextChoices):
    TOUSSAINT = "toussaint", _("vacances de la Toussaint")
    NOEL = "noel", _("vacances de Noël")
    WINTER = "hiver", _("vacances d'hiver")
    SPRING = "printemps", _("vacances de printemps")
    SUMMER = "ete", _("vacances d'été")

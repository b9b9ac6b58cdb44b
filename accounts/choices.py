from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_AGENT = "case_agent", _("Agent de traitement")
    DESK_SUPERVISOR = "desk_supervisor", _("Responsable de guichet")
    ANALYST = "analyst", _("Analyste de l'observatoire")
    CSPA_COORDINATOR = "cspa_coordinator", _("Coordinateur·rice CSPA")
    CONTRACT_PILOT = "contract_pilot", _("Pilote du contrat")
    VICTIM_SUPPORT = "victim_support", _("Intervenant·e d'aide aux victimes")
    # Mediators, street educators, schools, youth justice, police: records rixes and tensions
    # by place and works the alert loop, within the arrondissements of its profile.
    PREVENTION_PARTNER = "prevention_partner", _("Partenaire de prévention")
    ADMINISTRATOR = "administrator", _("Administrateur·rice")


class PartnerKind(models.TextChoices):
    PREFECTURE_POLICE = "prefecture_police", _("Préfecture de Police")
    POLICE_MUNICIPALE = "police_municipale", _("Police municipale parisienne")
    GPIS = "gpis", _("GPIS")
    VILLE = "ville", _("Services de la Ville de Paris")
    PARQUET = "parquet", _("Parquet")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Autre")


class AuditAction(models.TextChoices):
    PERSONAL_DATA_READ = "personal_data_read", _("Lecture de données personnelles")
    CASE_CHANGE = "case_change", _("Modification d'un dossier")
    EXPORT = "export", _("Export")
    LOGIN = "login", _("Connexion")
    LOGOUT = "logout", _("Déconnexion")
    LOGIN_FAILED = "login_failed", _("Échec de connexion")
    LOGIN_LOCKED_OUT = "login_locked_out", _("Connexion bloquée après trop d'échecs")
    PERMISSION_DENIED = "permission_denied", _("Accès refusé")
    ADMIN_CHANGE = "admin_change", _("Modification dans l'administration")
    PURGE = "purge", _("Effacement des données personnelles")
    OTHER = "other", _("Autre")

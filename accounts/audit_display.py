"""The audit trail in French, for the administrators' screen and the CSV export: action and
role labels instead of codes, the kind of object in words, details as « clé : valeur »."""

from __future__ import annotations

import json

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import AuditAction, Role
from accounts.models import AuditEvent

# The keys that `log_event` callers write into `details`.
DETAIL_KEYS = {
    "action": gettext_lazy("action"),
    "vue": gettext_lazy("vue"),
    "photo": gettext_lazy("photo"),
    "format": gettext_lazy("format"),
    "export": gettext_lazy("export"),
    "what": gettext_lazy("objet"),
    "sector": gettext_lazy("secteur"),
    "filters": gettext_lazy("filtres"),
    "file": gettext_lazy("fichier"),
    "created": gettext_lazy("créés"),
    "updated": gettext_lazy("mis à jour"),
    "count": gettext_lazy("nombre"),
    "name": gettext_lazy("nom"),
    "event": gettext_lazy("événement"),
    "year": gettext_lazy("année"),
    "month": gettext_lazy("mois"),
    "value": gettext_lazy("valeur"),
    "previous": gettext_lazy("valeur précédente"),
    "username": gettext_lazy("identifiant"),
    "reason": gettext_lazy("motif"),
    "path": gettext_lazy("adresse demandée"),
    "method": gettext_lazy("méthode"),
    "indicator": gettext_lazy("indicateur"),
    "period_start": gettext_lazy("début de période"),
    "operation": gettext_lazy("opération"),
    "source": gettext_lazy("source"),
    "model": gettext_lazy("modèle"),
    "object_id": gettext_lazy("identifiant de l'objet"),
    "change": gettext_lazy("modification"),
    "out": gettext_lazy("fichier produit"),
    "via": gettext_lazy("via"),
    "system_user": gettext_lazy("compte système"),
    "cutoff": gettext_lazy("date limite"),
    "months": gettext_lazy("mois de conservation"),
    "dry_run": gettext_lazy("simulation"),
    "complaints": gettext_lazy("doléances"),
    "complainants": gettext_lazy("déclarants"),
    "photos": gettext_lazy("photos"),
    "descriptions": gettext_lazy("descriptions"),
    "media_links": gettext_lazy("liens vers un média"),
    "others": gettext_lazy("autres"),
    "actor": gettext_lazy("utilisateur"),
    "since": gettext_lazy("depuis"),
    "until": gettext_lazy("jusqu'au"),
    "reference": gettext_lazy("référence"),
}
# Coded values found in `details`.
DETAIL_VALUES = {
    "assign_me": gettext_lazy("attribution à soi-même"),
    "assign": gettext_lazy("attribution"),
    "qualify": gettext_lazy("qualification"),
    "start": gettext_lazy("début du traitement"),
    "answer": gettext_lazy("réponse"),
    "close": gettext_lazy("clôture"),
    "reopen": gettext_lazy("réouverture"),
    "reroute": gettext_lazy("réorientation"),
    "note": gettext_lazy("note interne"),
    "merge": gettext_lazy("fusion"),
    "contract": gettext_lazy("contrat"),
    "contract_import": gettext_lazy("import du contrat"),
    "audit": gettext_lazy("journal d'audit"),
    "miniature": gettext_lazy("miniature"),
    "open311_key_created": gettext_lazy("clé Open311 créée"),
    "open311_key_revoked": gettext_lazy("clé Open311 révoquée"),
    "computed indicator": gettext_lazy("indicateur calculé"),
    **{value: label for value, label in AuditAction.choices},
}
CSV_COLUMNS = (
    gettext_lazy("date"),
    gettext_lazy("utilisateur"),
    gettext_lazy("rôle"),
    gettext_lazy("action"),
    gettext_lazy("type d'objet"),
    gettext_lazy("identifiant de l'objet"),
    gettext_lazy("référence"),
    gettext_lazy("adresse IP"),
    gettext_lazy("navigateur"),
    gettext_lazy("détails"),
)


def _value(value) -> str:
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, dict):
        return "(" + details_text(value) + ")"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, str):
        return str(DETAIL_VALUES.get(value, value))
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return json.dumps(value, cls=DjangoJSONEncoder).strip('"')


def details_text(details: dict) -> str:
    """« clé : valeur ; clé : valeur », keys and coded values in French."""
    return " ; ".join(
        f"{DETAIL_KEYS.get(key, key)} : {_value(value)}" for key, value in (details or {}).items()
    )


def target_kind(event: AuditEvent) -> str:
    if not event.target_type:
        return ""
    try:
        return str(apps.get_model(event.target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return event.target_type


def role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code


def csv_row(event: AuditEvent) -> list:
    return [
        timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M:%S"),
        event.actor_username,
        role_label(event.actor_role),
        str(AuditAction(event.action).label) if event.action in AuditAction.values else "",
        target_kind(event),
        event.target_id,
        event.target_reference,
        event.ip_address or "",
        event.user_agent,
        details_text(event.details),
    ]

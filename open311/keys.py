"""API keys: creation (the secret is shown once and only its SHA-256 is stored), revocation,
authentication of a POST and the per-minute rate limit."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.audit import log_event, log_permission_denied
from accounts.choices import AuditAction
from open311.errors import Open311Error
from open311.models import ApiKey
from operations.ratelimit import count_request

KEY_PREFIX = "o311_"
PREFIX_LENGTH = 12
DEFAULT_RATE_LIMIT = 60


class ApiKeyError(ValueError):
    """A key cannot be created or revoked; the message is in French."""


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def validate_name(name: str) -> None:
    slug = slugify(name)
    if not slug or slug != name:
        raise ApiKeyError(
            _("Nom invalide : lettres minuscules, chiffres et tirets seulement (ex. %(s)s).")
            % {"s": slug or "fixmystreet"}
        )


def create_key(name: str, rate_limit: int = DEFAULT_RATE_LIMIT, actor=None) -> tuple[ApiKey, str]:
    """A new key for client `name`; returns the stored key and the secret, never stored."""
    validate_name(name)
    if rate_limit < 1:
        raise ApiKeyError(_("La limite doit être d'au moins une requête par minute."))
    if ApiKey.objects.filter(name=name).exists():
        raise ApiKeyError(_("Une clé nommée « %(name)s » existe déjà.") % {"name": name})
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        key_hash=hash_key(raw),
        rate_limit_per_minute=rate_limit,
    )
    log_event(actor, AuditAction.OTHER, key, details={"event": "open311_key_created", "name": name})
    return key, raw


def revoke_key(name: str, actor=None) -> ApiKey:
    key = ApiKey.objects.filter(name=name).first()
    if key is None:
        raise ApiKeyError(_("Aucune clé nommée « %(name)s ».") % {"name": name})
    if key.revoked_at is not None:
        raise ApiKeyError(_("La clé « %(name)s » est déjà révoquée.") % {"name": name})
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    log_event(actor, AuditAction.OTHER, key, details={"event": "open311_key_revoked", "name": name})
    return key


def authenticate(raw: str, request=None) -> ApiKey:
    """The active key matching `raw`, counted against its rate limit; Open311Error otherwise."""
    raw = (raw or "").strip()
    if not raw:
        raise Open311Error(
            403, _("Clé d'API manquante : le paramètre api_key est obligatoire pour déposer.")
        )
    key = ApiKey.objects.filter(key_hash=hash_key(raw)).first()
    if key is None or not key.is_active:
        reason = "open311: clé inconnue" if key is None else f"open311: clé révoquée {key.name}"
        if request is not None:
            log_permission_denied(request, reason)
        if key is None:
            raise Open311Error(403, _("Clé d'API invalide."))
        raise Open311Error(403, _("Cette clé d'API a été révoquée."))
    _count_request(key)
    return key


def _count_request(key: ApiKey) -> None:
    """Fixed one-minute window: the n-th request of the minute beyond the limit gets a 429.
    Counted by the shared request counter of every web process (operations.ratelimit)."""
    count = count_request(f"open311-key:{key.pk}")
    now = timezone.now()
    # Shown to the minute (`cpps apikey list`): written at most once a minute, not per request.
    if key.last_used_at is None or now - key.last_used_at >= timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    if count > key.rate_limit_per_minute:
        raise Open311Error(
            429,
            _("Trop de requêtes : cette clé est limitée à %(n)d dépôts par minute.")
            % {"n": key.rate_limit_per_minute},
            retry_after=60 - int(time.time()) % 60,
        )

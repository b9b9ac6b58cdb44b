"""Writing the audit trail. Every read of personal data, case change, export, login and
refusal goes through `log_event`, so that an administrator can answer "who saw what, when"."""

from __future__ import annotations

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from accounts.permissions import role_of

USER_AGENT_MAX = 300


def _client_ip(request) -> str | None:
    # REMOTE_ADDR only: a forwarded header can be forged by the client. Behind our reverse
    # proxy, cpps.middleware.ClientAddressFromProxy has set it to the address the proxy saw.
    return request.META.get("REMOTE_ADDR") or None


def _target_fields(target) -> dict:
    if target is None:
        return {}
    meta = target._meta
    reference = getattr(target, "reference", "")
    if not reference and hasattr(target, "get_username"):
        reference = target.get_username()
    # Never str(target): for a Complainant it would copy a name into the trail.
    return {
        "target_type": meta.label_lower,
        "target_id": str(target.pk or ""),
        "target_reference": str(reference or "")[:64],
    }


def log_event(actor, action: str, target=None, request=None, details: dict | None = None):
    """Append one event; `actor` may be None or anonymous (failed login, command line)."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    event = AuditEvent(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        actor_role=(role_of(actor) or "") if actor else "",
        action=AuditAction(action),
        details=details or {},
        **_target_fields(target),
    )
    if request is not None:
        event.ip_address = _client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
    event.save()
    return event


def log_personal_data_read(user, complaint, request=None, details: dict | None = None):
    """Record that `user` was shown the personal data (contact, free text, photos) of
    `complaint`; call it every time such data is displayed or sent to someone."""
    return log_event(user, AuditAction.PERSONAL_DATA_READ, complaint, request, details)


def log_permission_denied(request, reason: str = ""):
    """Record a refused access (web 403 page, API 403 answer)."""
    return log_event(
        request.user,
        AuditAction.PERMISSION_DENIED,
        request=request,
        details={"path": request.get_full_path()[:500], "method": request.method, "reason": reason},
    )

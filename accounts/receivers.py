"""Audit of authentication and of the Django admin, connected in AccountsConfig.ready()."""

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.audit import log_event
from accounts.choices import AuditAction


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def audit_login(sender, request, user, **kwargs):
    log_event(user, AuditAction.LOGIN, request=request)


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        log_event(user, AuditAction.LOGOUT, request=request)


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; keep the name tried only.
    log_event(
        None,
        AuditAction.LOGIN_FAILED,
        request=request,
        details={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out, dispatch_uid="accounts_audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    """django-axes refused a login (too many failures for this account or this client)."""
    log_event(
        None,
        AuditAction.LOGIN_LOCKED_OUT,
        request=request,
        details={"username": str(username or "")[:150], "ip_address": ip_address or ""},
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="accounts_audit_admin_change")
def audit_admin_change(sender, instance, created, **kwargs):
    if not created:
        return
    # object_repr is left out: for a complainant it would be a name, kept here forever.
    log_event(
        instance.user,
        AuditAction.ADMIN_CHANGE,
        details={
            "operation": {1: "addition", 2: "change", 3: "deletion"}.get(instance.action_flag),
            "model": instance.content_type.model_class()._meta.label_lower
            if instance.content_type and instance.content_type.model_class()
            else "",
            "object_id": str(instance.object_id or ""),
            "change": instance.get_change_message(),
        },
    )

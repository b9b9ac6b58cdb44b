from django.shortcuts import render

from accounts.audit import log_permission_denied


def permission_denied(request, exception=None):
    """The project's 403 handler (`handler403`): a French page, and the refusal is logged."""
    log_permission_denied(request, reason=str(exception or "")[:200])
    return render(request, "403.html", status=403)

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.demo import DEMO_ACCOUNTS
from accounts.permissions import profile_of, role_of
from doleances.models import Complaint
from open311.render import respond_error


def home(request):
    """The landing page: what cpps is and what to try first (demo accounts when present)."""
    return render(
        request,
        "home.html",
        {
            "complaint_count": Complaint.objects.count(),
            "demo_accounts": settings.CPPS_SHOW_DEMO_ACCOUNTS,
            "demo_account_list": DEMO_ACCOUNTS,
        },
    )


def page_not_found(request, exception=None):
    """The project's 404 (`handler404`): each surface answers in its own format, in French —
    JSON under /api/, the GeoReport error body under /open311/, the French page elsewhere."""
    path = request.path
    if path.startswith("/api/"):
        return JsonResponse({"detail": _("Ressource introuvable.")}, status=404)
    if path.startswith("/open311/"):
        fmt = "json" if path.endswith(".json") else "xml"
        return respond_error(fmt, 404, [_("Ressource Open311 inconnue.")])
    return render(request, "404.html", status=404)


# Where each role starts its day after logging in (its own workspace, not the public home).
WORKSPACES = {
    Role.CASE_AGENT: "traitement:queue",
    Role.DESK_SUPERVISOR: "traitement:queue",
    Role.ANALYST: "observatoire:dashboard",
    Role.CONTRACT_PILOT: "contrat:overview",
    Role.VICTIM_SUPPORT: "victimes:orientations",
    Role.PREVENTION_PARTNER: "prevention:home",
    Role.ADMINISTRATOR: "admin:index",
}


def workspace_url(user) -> str:
    role = role_of(user)
    if role == Role.CSPA_COORDINATOR:
        sector = getattr(profile_of(user), "sector", None)
        if sector is not None:
            return reverse("observatoire:sector", args=[sector.code])
        return reverse("contrat:overview")
    return reverse(WORKSPACES.get(role, "home"))


class LoginView(auth_views.LoginView):
    """Django's login; without a `next` page, each role lands on its own workspace."""

    def get_default_redirect_url(self):
        return workspace_url(self.request.user)

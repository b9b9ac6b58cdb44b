from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse

from accounts.choices import Role
from accounts.demo import DEMO_ACCOUNTS
from accounts.permissions import profile_of, role_of
from doleances.models import Complaint


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


# Where each role starts its day after logging in (its own workspace, not the public home).
WORKSPACES = {
    Role.CASE_AGENT: "traitement:queue",
    Role.DESK_SUPERVISOR: "traitement:queue",
    Role.ANALYST: "observatoire:dashboard",
    Role.CONTRACT_PILOT: "contrat:overview",
    Role.VICTIM_SUPPORT: "contrat:overview",
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

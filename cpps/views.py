from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.demo import DEMO_ACCOUNTS
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

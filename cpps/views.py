from django.conf import settings
from django.shortcuts import render

from accounts.demo import DEMO_ACCOUNTS
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

"""Victims' pages: the public orientation finder; the desks' records (orientations)."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from victimes.finder import find
from victimes.forms import FINDER_PARAMETERS, FinderForm


def _no_trace(response):
    """Neither the browser's cache nor the next site keep anything of the page."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def finder(request):
    """Public, read-only: a GET form (no CSRF cookie, no session, no database write)."""
    bound = any(name in request.GET for name in FINDER_PARAMETERS)
    form = FinderForm(request.GET if bound else None)
    answer = find(form.query()) if bound and form.is_valid() else None
    status = 400 if bound and not form.is_valid() else 200
    return _no_trace(
        render(
            request,
            "victimes/finder.html",
            {"form": form, "answer": answer, "quick_exit_url": settings.CPPS_VICTIMES_SORTIE_URL},
            status=status,
        )
    )

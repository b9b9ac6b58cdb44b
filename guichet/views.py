"""The resident's counter: report form, confirmation, tracking page, "already reported nearby"."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doleances.models import Complaint
from doleances.services import IntakeError, file_complaint, outside_paris_message
from guichet.forms import FollowForm, NearbyQueryForm, ReportForm, category_hints
from guichet.services import (
    client_over_rate,
    intake_errors,
    nearby_reports,
    send_confirmation_email,
)
from traitement.followers import (
    confirm_follow,
    follow_complaint,
    follower_for_token,
    follower_from_confirmation,
    stop_following,
)
from traitement.public import public_case_info, public_timeline

SESSION_KEY = "guichet_last_report"
# References filed from this browser: the tracking page shows their description only here.
FILED_KEY = "guichet_filed"
FILED_MAX = 20
# References this browser was shown as "already reported nearby": only those may be followed,
# so that following (and its e-mails) cannot be had by guessing references.
OFFERED_KEY = "guichet_offered"
OFFERED_MAX = 50


def _private(response):
    """Pages holding a tracking link: not indexed, the link never sent as referrer elsewhere."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _json_errors(form) -> JsonResponse:
    errors = {
        field: [error["message"] for error in errors]
        for field, errors in form.errors.get_json_data().items()
    }
    return JsonResponse({"errors": errors}, status=400)


@require_http_methods(["GET", "POST"])
def report(request):
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            started = timezone.now()
            try:
                complaint = file_complaint(form.to_input())
            except IntakeError as exc:
                form.add_intake_errors(exc.errors)
            else:
                if complaint.created_at < started:  # this form was already sent
                    return _already_sent(request, complaint)
                email = form.cleaned_data.get("contact_email")
                mailed = bool(email) and send_confirmation_email(
                    complaint, email, complaint.tracking_url(request)
                )
                filed = request.session.get(FILED_KEY, [])
                request.session[FILED_KEY] = [*filed, complaint.reference][-FILED_MAX:]
                request.session[SESSION_KEY] = {
                    "reference": complaint.reference,
                    "email": email if mailed else "",
                    "mail_failed": bool(email) and not mailed,
                }
                return redirect("guichet:confirmation")
        else:
            form.add_intake_errors(intake_errors(form.to_input()))
    else:
        form = ReportForm()
    hints = category_hints()
    return render(
        request,
        "guichet/report.html",
        {
            "form": form,
            "category_hints": hints,
            "outside_paris_message": outside_paris_message(),
            "description_limit": settings.CPPS_DESCRIPTION_MAX_LENGTH,
            "selected_hint": hints.get(str(form["category"].value() or "")),
        },
        status=400 if form.is_bound else 200,
    )


def _already_sent(request, complaint):
    """A second delivery of a form already filed: its confirmation again for the browser
    that filed it, a plain notice for anyone else (the token alone grants no link)."""
    if complaint.reference in request.session.get(FILED_KEY, []):
        return redirect("guichet:confirmation")
    messages.info(request, _("Ce formulaire a déjà été envoyé : votre signalement est enregistré."))
    return redirect("guichet:report")


@never_cache
def confirmation(request):
    """After POST/redirect/GET: the reference and tracking link of this browser's last report."""
    filed = request.session.get(SESSION_KEY)
    complaint = filed and Complaint.objects.filter(reference=filed["reference"]).first()
    if not complaint:
        return redirect("guichet:report")
    return _private(
        render(
            request,
            "guichet/confirmation.html",
            {
                "complaint": complaint,
                "tracking_url": complaint.tracking_url(request),
                "email": filed["email"],
                "mail_failed": filed["mail_failed"],
            },
        )
    )


@never_cache
def track(request, reference, token):
    complaint = (
        Complaint.objects.select_related("category", "quartier", "arrondissement")
        .filter(reference=reference)
        .first()
    )
    # One answer for an unknown reference and a wrong token: nothing to learn by probing.
    if complaint is None:
        raise Http404
    follower = None
    if not complaint.check_tracking_token(token):
        follower = follower_for_token(complaint, token)
        if follower is None:
            raise Http404
    # The free text, which may hold personal data, is only shown back to the browser that
    # filed it (never on a follower's link).
    show_description = follower is None and reference in request.session.get(FILED_KEY, [])
    return _private(
        render(
            request,
            "guichet/track.html",
            {
                "complaint": complaint,
                "show_description": show_description,
                "case": public_case_info(complaint),
                "timeline": public_timeline(complaint),
                "follower": follower,
            },
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_follow_view(request, token):
    """The link of the confirmation e-mail: a button (mail scanners open links, they do not
    submit forms), then the follower's own tracking page."""
    follower = follower_from_confirmation(token)
    if follower is None:
        return render(request, "guichet/follow_confirm.html", {"expired": True}, status=404)
    if request.method == "POST":
        follower = confirm_follow(follower)
        return redirect("guichet:track", follower.complaint.reference, follower.tracking_token)
    return _private(
        render(request, "guichet/follow_confirm.html", {"complaint": follower.complaint})
    )


@require_POST
def stop_follow(request, reference, token):
    """« Ne plus suivre » on a follower's own page: the link dies, the address is erased."""
    complaint = Complaint.objects.filter(reference=reference).first()
    follower = complaint and follower_for_token(complaint, token)
    if not follower:
        raise Http404
    stop_following(follower)
    messages.success(
        request,
        _("Vous ne suivez plus le signalement %(reference)s ; votre adresse a été effacée.")
        % {"reference": reference},
    )
    return redirect("home")


@require_GET
@never_cache
def nearby(request):
    """JSON for the form: open complaints of the same family near the placed point."""
    if client_over_rate(request, "nearby", settings.CPPS_NEARBY_RATE_LIMIT):
        response = JsonResponse(
            {
                "errors": {
                    "__all__": [
                        _("Trop de recherches en peu de temps : réessayez dans une minute.")
                    ]
                }
            },
            status=429,
        )
        response["Retry-After"] = "60"
        return response
    query = NearbyQueryForm(request.GET)
    if not query.is_valid():
        return _json_errors(query)
    data = query.cleaned_data
    results = nearby_reports(data["category"], data["lat"], data["lon"])
    if results:
        offered = request.session.get(OFFERED_KEY, [])
        fresh = [r["reference"] for r in results if r["reference"] not in offered]
        request.session[OFFERED_KEY] = [*offered, *fresh][-OFFERED_MAX:]
    return JsonResponse({"results": results})


@require_POST
def follow(request):
    """Follow an open complaint (JSON, from the form's "already reported" panel)."""
    form = FollowForm(request.POST, offered=request.session.get(OFFERED_KEY, []))
    if not form.is_valid():
        return _json_errors(form)
    complaint = form.cleaned_data["reference"]
    try:
        follow_complaint(complaint, form.contact())
    except IntakeError as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    # Never a tracking link here: it is sent, after confirmation, to the address given.
    return JsonResponse(
        {
            "reference": complaint.reference,
            "message": _(
                "Un courriel de confirmation a été envoyé à cette adresse. Ouvrez le lien qu'il "
                "contient pour suivre le signalement %(reference)s et recevoir votre lien de "
                "suivi personnel."
            )
            % {"reference": complaint.reference},
        }
    )

"""Pages of the prevention module: thin — validate, check permission, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.models import Partner
from accounts.permissions import role_of, role_required
from prevention import continuum, graph, loop, register, reports, scope
from prevention.choices import PairState
from prevention.forms import (
    AcknowledgeForm,
    AlertForm,
    EventForm,
    OutcomeForm,
    TigForm,
    TrainingForm,
)
from prevention.models import Alert, Event, GroupTerritory, PreventionAction, TensionPair
from prevention.territories import centres, ensure_quartier_territories

REGISTER = scope.REGISTER_ROLES
ENTRY = scope.ENTRY_ROLES
RECENT_EVENTS = 50


def _partner(request):
    """The partner the user acts for; an administrator names it with `partenaire`."""
    named = request.POST.get("partenaire") or request.GET.get("partenaire")
    chosen = Partner.objects.filter(code=named).first() if named else None
    try:
        return loop.acting_partner(request.user, chosen)
    except PermissionDenied:
        return None


@role_required(*REGISTER)
def home(request):
    """The table of partners: map of tensions, open alerts, latest events of one's scope."""
    ensure_quartier_territories()
    loop.expire_due()
    graph.ensure_graph_fresh()
    alerts = scope.visible_alerts(request.user, Alert.objects.filter(outcome=""))
    pairs = _visible_pairs(request.user).exclude(state=PairState.LATENT)
    return render(
        request,
        "prevention/home.html",
        {
            "alerts": alerts.prefetch_related("territories", "acknowledgements__partner"),
            "pairs": pairs.select_related("first", "second"),
            "can_enter": scope.can_enter(request.user),
        },
    )


def _visible_pairs(user):
    visible = scope.visible_territories(user, GroupTerritory.objects.all())
    ids = list(visible.values_list("pk", flat=True))
    return TensionPair.objects.filter(first__in=ids) | TensionPair.objects.filter(second__in=ids)


@role_required(*REGISTER)
def graph_json(request):
    """Nodes (territory centres) and edges (pairs with a state) for the map."""
    graph.ensure_graph_fresh()
    pairs = list(_visible_pairs(request.user).select_related("first", "second"))
    where = centres()
    nodes = {}
    edges = []
    for pair in pairs:
        if pair.first_id not in where or pair.second_id not in where:
            continue
        for territory in (pair.first, pair.second):
            lat, lon = where[territory.pk]
            nodes[territory.code] = {
                "code": territory.code,
                "label": territory.label,
                "lat": lat,
                "lon": lon,
            }
        edges.append(
            {
                "first": pair.first.code,
                "second": pair.second.code,
                "state": pair.state,
                "state_label": pair.get_state_display(),
                "events": pair.events,
                "last_event": pair.last_event.isoformat(),
            }
        )
    return JsonResponse({"nodes": list(nodes.values()), "edges": edges})


@role_required(*REGISTER)
def pair(request, first, second):
    """Timeline of a pair; one of its territories must be in the user's scope."""
    found = {t.code: t for t in GroupTerritory.objects.filter(code__in=(first, second))}
    if first not in found or second not in found or first == second:
        raise Http404
    visible = scope.visible_territories(
        request.user, GroupTerritory.objects.filter(code__in=(first, second))
    )
    if not visible.exists():
        raise Http404
    a, b = sorted((found[first], found[second]), key=lambda t: t.pk)
    state = TensionPair.objects.filter(first=a, second=b).first()
    events = scope.visible_events(request.user, Event.objects.all())
    return render(
        request,
        "prevention/pair.html",
        {
            "first": a,
            "second": b,
            "state": state,
            "events": graph.pair_timeline(a.pk, b.pk, events),
        },
    )


@role_required(*REGISTER)
def events(request):
    ensure_quartier_territories()
    form = EventForm(today=timezone.localdate())
    status = 200
    if request.method == "POST":
        if not scope.can_enter(request.user):
            raise PermissionDenied
        form = EventForm(request.POST, today=timezone.localdate())
        partner = _partner(request)
        if partner is None:
            form.add_error(None, _("Choisissez le partenaire qui signale l'événement."))
        if form.is_valid():
            register.save_event(request.user, partner, form.cleaned_data)
            graph.recompute_graph()
            messages.success(request, _("Événement enregistré."))
            return redirect("prevention:events")
        status = 400
    listed = scope.visible_events(request.user, Event.objects.all())
    return render(
        request,
        "prevention/events.html",
        {
            "form": form,
            "events": listed.select_related("quartier", "reporting_partner").prefetch_related(
                "territories"
            )[:RECENT_EVENTS],
            "can_enter": scope.can_enter(request.user),
            "partners": Partner.objects.all()
            if role_of(request.user) == Role.ADMINISTRATOR
            else (),
        },
        status=status,
    )


@require_POST
@role_required(*ENTRY)
def import_events(request):
    upload = request.FILES.get("fichier")
    partner = _partner(request)
    if upload is None or partner is None:
        messages.error(request, _("Joignez un fichier CSV (et, administrateur, un partenaire)."))
        return render(request, "prevention/import_report.html", {"report": None}, status=400)
    report = register.import_events_csv(request.user, partner, upload.read())
    status = 200 if not report.errors else 400
    return render(request, "prevention/import_report.html", {"report": report}, status=status)


@role_required(*REGISTER)
def alerts(request):
    ensure_quartier_territories()
    loop.expire_due()
    form = AlertForm()
    status = 200
    if request.method == "POST":
        if not scope.can_enter(request.user):
            raise PermissionDenied
        form = AlertForm(request.POST)
        partner = _partner(request)
        if partner is None:
            form.add_error(None, _("Choisissez le partenaire qui émet l'alerte."))
        if form.is_valid():
            data = form.cleaned_data
            alert = loop.raise_alert(
                request.user, partner, data["territories"], data["level"], data["horizon_hours"]
            )
            messages.success(request, _("Alerte émise et transmise aux partenaires."))
            return redirect("prevention:alert", alert.pk)
        status = 400
    listed = scope.visible_alerts(request.user, Alert.objects.all())
    return render(
        request,
        "prevention/alerts.html",
        {
            "form": form,
            "alerts": listed.prefetch_related("territories", "acknowledgements")[:100],
            "figures": loop.loop_figures(listed),
            "can_enter": scope.can_enter(request.user),
            "partners": Partner.objects.all()
            if role_of(request.user) == Role.ADMINISTRATOR
            else (),
        },
        status=status,
    )


def _visible_alert(request, pk) -> Alert:
    return get_object_or_404(scope.visible_alerts(request.user, Alert.objects.all()), pk=pk)


@role_required(*REGISTER)
def alert(request, pk):
    loop.expire_due()
    item = _visible_alert(request, pk)
    partner = scope.partner_of(request.user)
    return render(
        request,
        "prevention/alert.html",
        {
            "alert": item,
            "acks": item.acknowledgements.select_related("partner").prefetch_related("actions"),
            "recipients": item.recipients.all(),
            "ack_form": AcknowledgeForm(),
            "outcome_form": OutcomeForm(),
            "is_recipient": partner is not None and item.recipients.filter(pk=partner.pk).exists(),
            "can_enter": scope.can_enter(request.user),
        },
    )


@require_POST
@role_required(*ENTRY)
def acknowledge(request, pk):
    item = _visible_alert(request, pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Actions inconnues."))
        return redirect("prevention:alert", pk)
    partner = _partner(request)
    if partner is None:
        raise PermissionDenied
    loop.acknowledge(request.user, item, form.cleaned_data["actions"], partner=partner)
    messages.success(request, _("Accusé de réception enregistré."))
    return redirect("prevention:alert", pk)


@require_POST
@role_required(*ENTRY)
def close(request, pk):
    item = _visible_alert(request, pk)
    form = OutcomeForm(request.POST)
    partner = _partner(request)
    if partner is None:
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, _("Choisissez une issue."))
        return redirect("prevention:alert", pk)
    loop.close_alert(request.user, item, form.cleaned_data["outcome"], partner=partner)
    messages.success(request, _("Issue enregistrée."))
    return redirect("prevention:alert", pk)


@role_required(*scope.AGGREGATE_ROLES)
def figures(request):
    """Aggregates for every role that steers: small counts suppressed."""
    return render(request, "prevention/figures.html", reports.figures(request.user))


def radicalisation(request):
    """Public information only; individual situations go to the Prefecture's own cell."""
    return render(request, "prevention/radicalisation.html", reports.radicalisation_figures())


@role_required(*REGISTER)
def actions(request):
    """The continuum: actions of one's territories; partners import CSV/XLSX files."""
    report = None
    status = 200
    if request.method == "POST":
        if not scope.can_enter(request.user):
            raise PermissionDenied
        upload = request.FILES.get("fichier")
        if upload is None:
            messages.error(request, _("Joignez un fichier CSV ou XLSX."))
            status = 400
        else:
            report = continuum.import_continuum(request.user, upload.read(), upload.name)
            status = 400 if report.errors else 200
    listed = scope.visible_territories(request.user, GroupTerritory.objects.all())
    items = (
        PreventionAction.objects.filter(territories__in=listed)
        .distinct()
        .select_related("operator")
        .prefetch_related("territories", "timeline")
    )
    return render(
        request,
        "prevention/actions.html",
        {"actions": items[:200], "report": report, "can_enter": scope.can_enter(request.user)},
        status=status,
    )


@role_required(*ENTRY)
def entries(request):
    """Yearly aggregates a partner enters: TIG posts of a host structure, professionals
    trained to prevent radicalisation. Counts only."""
    tig_form, training_form = TigForm(prefix="tig"), TrainingForm(prefix="formation")
    status = 200
    if request.method == "POST":
        partner = _partner(request)
        if partner is None:
            raise PermissionDenied
        if "tig-year" in request.POST:
            tig_form = TigForm(request.POST, prefix="tig")
            if tig_form.is_valid():
                reports.save_tig(partner, tig_form.cleaned_data)
                messages.success(request, _("Postes de TIG enregistrés."))
                return redirect("prevention:entries")
        else:
            training_form = TrainingForm(request.POST, prefix="formation")
            if training_form.is_valid():
                reports.save_training(partner, training_form.cleaned_data)
                messages.success(request, _("Formations enregistrées."))
                return redirect("prevention:entries")
        status = 400
    return render(
        request,
        "prevention/entries.html",
        {
            "tig_form": tig_form,
            "training_form": training_form,
            "tig": reports.tig_by_year(),
            "partners": Partner.objects.all()
            if role_of(request.user) == Role.ADMINISTRATOR
            else (),
        },
        status=status,
    )

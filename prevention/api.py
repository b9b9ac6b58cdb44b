"""REST API of the register for partners' systems: post an event (same rules as the web
form and the import), list the events of one's territory. Unknown fields are refused, so
that no free text can slip in through a field the register does not have."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Partner
from core.api import ERRORS, REFUSALS
from prevention import register, scope
from prevention.forms import EventForm
from prevention.graph import recompute_graph
from prevention.loop import acting_partner
from prevention.models import Event

FIELDS = tuple(EventForm.base_fields)


def _event_json(event: Event) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "day": event.day.isoformat(),
        "slot": event.slot,
        "quartier": event.quartier.insee_code,
        "h3_r9": event.h3_r9,
        "territories": [t.code for t in event.territories.all()],
        "size_band": event.size_band,
        "weapon": event.weapon,
        "injured_band": event.injured_band,
        "minors_involved": event.minors_involved,
        "near_school": "oui" if event.near_school else "non",
        "follow_up": event.follow_up,
        "external_key": event.external_key,
        "reporting_partner": event.reporting_partner.code,
    }


class EventsView(APIView):
    parser_classes = [JSONParser]

    def _check(self, request, entry: bool):
        allowed = scope.can_enter(request.user) if entry else scope.can_read_register(request.user)
        if not allowed:
            raise ApiPermissionDenied(_("Ce registre est réservé aux partenaires de prévention."))

    @extend_schema(
        summary="Événements du registre (rixes, tensions) de votre territoire",
        request=None,
        responses={200: OpenApiResponse(description=_("Les 500 derniers événements.")), **REFUSALS},
    )
    def get(self, request):
        self._check(request, entry=False)
        events = scope.visible_events(request.user, Event.objects.all())
        rows = events.select_related("quartier", "reporting_partner").prefetch_related(
            "territories"
        )[:500]
        return Response({"results": [_event_json(e) for e in rows]})

    @extend_schema(
        summary="Enregistrer un événement (rixe, tension, rixe évitée)",
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiResponse(description=_("Événement déjà connu (même clé), mis à jour.")),
            201: OpenApiResponse(description=_("Événement enregistré.")),
            400: ERRORS,
            **REFUSALS,
        },
    )
    def post(self, request):
        self._check(request, entry=True)
        if not isinstance(request.data, dict):
            return Response({"errors": {"": [_("Un objet JSON est attendu.")]}}, status=400)
        unknown = sorted(set(request.data) - set(FIELDS) - {"partner"})
        if unknown:
            return Response(
                {"errors": {name: [_("Champ inconnu : refusé.")] for name in unknown}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = dict(request.data)
        territories = data.get("territories")
        if isinstance(territories, str):
            data["territories"] = [territories]
        if isinstance(data.get("near_school"), bool):
            data["near_school"] = "oui" if data["near_school"] else "non"
        form = EventForm(data, today=timezone.localdate())
        if not form.is_valid():
            errors = {name: list(messages) for name, messages in form.errors.items()}
            return Response({"errors": errors}, status=400)
        named = Partner.objects.filter(code=data.get("partner") or "").first()
        try:
            partner = acting_partner(request.user, named)
            event, created = register.save_event(request.user, partner, form.cleaned_data)
            recompute_graph()
        except PermissionDenied as refusal:
            raise ApiPermissionDenied(str(refusal)) from refusal
        return Response(_event_json(event), status=201 if created else 200)

"""Open311 GeoReport v2 on top of our taxonomy, intake and case work.

Services are our active categories; a POST files through `doleances.services.file_complaint`
like the web form (routing follows through its signal); the case facts come from
`traitement.services`. The public GETs publish a privacy-reduced view of complaints: no free
text (neither the description nor the agents' messages), no contact, no media link, a
generalised address and coordinates rounded to about 100 m (see docs/open311.md).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import in_range, out_of_range_message
from core.memo import ReferentialMemo
from doleances.choices import Channel, Status
from doleances.idempotency import RetryKey
from doleances.models import Category, Complaint
from doleances.services import (
    ComplaintInput,
    ContactInput,
    IntakeError,
    check_complaint,
    file_complaint,
)
from open311.attributes import clean_attributes
from open311.choices import open311_status
from open311.errors import Open311Error
from open311.models import (
    ApiKey,
    CatalogRevision,
    RequestAttributes,
    ServiceAttribute,
    ServiceSettings,
)
from territory.models import Arrondissement
from traitement.models import CaseEvent
from traitement.public import public_case_infos, public_timeline

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_WINDOW = timedelta(days=90)
MAX_RECORDS = 1000
# Three decimals of a degree: about 110 m north-south and 75 m east-west in Paris.
PUBLIC_COORDINATE_DECIMALS = 3


def w3c(moment: datetime | None) -> str | None:
    """A W3C date-time with its offset, in Paris time (e.g. 2024-06-21T23:30:00+02:00)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


# --- services ---------------------------------------------------------------------------


def _read_active_category(service_code: str) -> Category | None:
    # The code is unique: no ordering to compile (the model's spans the family's table).
    return next(iter(_active_categories().filter(service_code=service_code).order_by()), None)


def _settings_of(category: Category) -> ServiceSettings | None:
    try:
        return category.open311_settings
    except ServiceSettings.DoesNotExist:
        return None


def _active_categories():
    return (
        Category.objects.filter(is_active=True)
        .select_related("family", "open311_settings")
        .prefetch_related("open311_attributes")
    )


# Active services with their family, settings and attributes, by service code: every request
# names one (cleared with the catalogue's changeset, `open311.receivers`).
SERVICES = ReferentialMemo("open311.services")


def active_category(service_code: str) -> Category:
    """The active category of that service code, with its family, settings and attributes;
    kept a few seconds (core.memo): its two statements were among a filing's eleven."""
    category = SERVICES.get(service_code, lambda: _read_active_category(service_code))
    if category is None:
        raise Open311Error(404, _("service_code inconnu : %(code)s.") % {"code": service_code})
    return category


def service_notice(category: Category) -> str:
    """What the resident can expect: the answer deadline, and when to call or file instead."""
    days = category.answer_deadline_days
    notice = [
        ngettext(
            "Le signalement est transmis au service compétent, qui répond sous %(days)d jour.",
            "Le signalement est transmis au service compétent, qui répond sous %(days)d jours.",
            days,
        )
        % {"days": days}
    ]
    if category.is_emergency:
        notice.insert(0, _("En cas de danger immédiat, appelez le 17 ou le 112."))
    if category.requires_police_complaint:
        notice.append(
            _("Si vous êtes victime d'une infraction, portez plainte au commissariat ou en ligne.")
        )
    return " ".join(notice)


def service_list() -> list[dict]:
    services = []
    for category in _active_categories():
        options = _settings_of(category)
        services.append(
            {
                "service_code": category.service_code,
                "service_name": category.label,
                "description": category.help_text or None,
                "metadata": bool(category.open311_attributes.all()),
                "type": "realtime",
                "keywords": (options.keywords if options else "") or None,
                "group": category.family.label,
            }
        )
    return services


def _attribute(attribute: ServiceAttribute) -> dict:
    item = {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": attribute.description,
    }
    if attribute.values:
        item["values"] = [{"key": str(v["key"]), "name": v["name"]} for v in attribute.values]
    return item


def service_definition(service_code: str) -> dict:
    category = active_category(service_code)
    return {
        "service_code": category.service_code,
        "attributes": [_attribute(a) for a in category.open311_attributes.all()],
    }


# --- POST a request ---------------------------------------------------------------------


def _postal_code_of_ban_id(address_id: str) -> str:
    arrondissement = Arrondissement.objects.filter(insee_code=address_id[:5]).first()
    if arrondissement is None:
        raise Open311Error(
            400, _("address_id : arrondissement inconnu (%(code)s).") % {"code": address_id[:5]}
        )
    return arrondissement.postal_codes.split(",")[0].strip()


def submit_request(
    key: ApiKey,
    data: dict,
    answers: dict[str, list[str]],
    *,
    retry: RetryKey | None = None,
    deadline: float | None = None,
) -> Complaint:
    """File one service request through the intake; `data` is a valid ServiceRequestForm's
    cleaned data, `answers` the attribute[…] parameters. Stores nothing on error. A retry
    (same `retry` key) answers the complaint the first attempt filed; past `deadline`
    (time.monotonic()) nothing is committed."""
    category = active_category(data["service_code"])
    values, errors = clean_attributes(list(category.open311_attributes.all()), answers)
    if errors:
        raise Open311Error(400, *errors)
    postal_code = ""
    if data["address_id"] and data["lat"] is None:
        postal_code = _postal_code_of_ban_id(data["address_id"])
    name = " ".join(part for part in (data["first_name"], data["last_name"]) if part)
    intake = ComplaintInput(
        category=category,
        channel=Channel.OPEN311,
        description=data["description"],
        latitude=data["lat"],
        longitude=data["long"],
        address=data["address_string"],
        postal_code=postal_code,
        # Consent to be contacted again is never implied: GeoReport v2 has no field for it.
        contact=ContactInput(name=name, email=data["email"], phone=data["phone"]),
        source=key.source,
        # Stored as a link for the agents, never fetched by the server.
        media_url=data["media_url"],
        retry=retry,
        deadline=deadline,
    )

    attributes = {"api_key_id": key.pk, "values": values, "address_id": data["address_id"]}
    try:
        # Checked before the transaction opens: no write lock held meanwhile (SQLite). The
        # attributes are stored with the complaint (a retry's has them already).
        complaint = file_complaint(
            check_complaint(intake), along=[(RequestAttributes, [attributes])]
        )
    except IntakeError as exc:
        raise Open311Error(400, *[m for messages in exc.errors.values() for m in messages]) from exc
    return complaint


def post_response(complaint: Complaint) -> list[dict]:
    return [
        {
            "service_request_id": complaint.reference,
            "service_notice": service_notice(complaint.category),
            "account_id": None,
        }
    ]


# --- GET requests -----------------------------------------------------------------------


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


# An unencoded "+" of a time offset arrives as a space: 2024-01-01T00:00:00 01:00.
_LOST_PLUS = re.compile(r" (\d\d:?\d\d)$")


def parse_w3c(value: str, name: str) -> datetime:
    text = _LOST_PLUS.sub(r"+\1", value.strip())
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400,
            _("%(name)s invalide : date W3C attendue (ex. 2024-01-31T00:00:00Z).") % {"name": name},
        )
    if not in_range(moment):
        raise Open311Error(400, out_of_range_message(name))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def date_window(params) -> tuple[datetime, datetime]:
    """The spec's window: 90 days at most, the last 90 days by default."""
    start = parse_w3c(params["start_date"], "start_date") if params.get("start_date") else None
    end = parse_w3c(params["end_date"], "end_date") if params.get("end_date") else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_WINDOW
    if end is None:
        end = start + MAX_WINDOW
    if end < start:
        raise Open311Error(400, _("end_date doit être postérieure à start_date."))
    if end - start > MAX_WINDOW:
        raise Open311Error(400, _("La période demandée ne peut pas dépasser 90 jours."))
    return start, end


def visible_complaints(key: ApiKey | None = None):
    """Complaints the public list may show: not those of unpublished (sensitive) services,
    except to the client that filed them."""
    hidden = ServiceSettings.objects.filter(publish_requests=False).values("category_id")
    # A sensitive category (violence, hate acts, vulnerable people) is never published,
    # whatever its settings say: a category added later cannot leak by omission.
    visible = ~Q(category_id__in=hidden) & Q(category__is_sensitive=False)
    if key is not None:
        visible |= Q(open311__api_key=key)
    return (
        Complaint.objects.filter(visible)
        .select_related("category", "quartier", "arrondissement")
        .order_by("-received_at", "-pk")
    )


def _public_address(complaint: Complaint) -> str | None:
    """Quartier, arrondissement, postal code: never the free-text address, which may name
    people ("chez Mme X, 3e étage") and pinpoints a home."""
    parts = [
        _("quartier %(name)s") % {"name": complaint.quartier.name} if complaint.quartier else "",
        complaint.arrondissement.name if complaint.arrondissement else "",
        _zipcode(complaint) or "",
    ]
    return ", ".join(p for p in parts if p) or None


def _zipcode(complaint: Complaint) -> str | None:
    if complaint.postal_code:
        return complaint.postal_code
    if complaint.arrondissement:
        return complaint.arrondissement.postal_codes.split(",")[0].strip()
    return None


def _blur(value: float | None) -> float | None:
    return None if value is None else round(value, PUBLIC_COORDINATE_DECIMALS)


def _status_note(info: dict) -> str:
    """The public status in words, with the closing reason: never the agents' free-text
    messages, which are written to the reporters and may name them."""
    note = info["status_label"]
    if info["closing_reason"]:
        note = f"{note} : {info['closing_reason']}"
    if info["merged_into"]:
        note = f"{note} " + _("(regroupé avec %(reference)s)") % {"reference": info["merged_into"]}
    return note


def represent_all(complaints) -> list[dict]:
    """Requests as the public sees them, with their case facts read in a few queries."""
    complaints = list(complaints.select_related("category", "arrondissement"))
    infos = public_case_infos(complaints)
    return [represent(complaint, infos[complaint.pk]) for complaint in complaints]


def represent(complaint: Complaint, info: dict) -> dict:
    """One request as the public sees it (no personal data, see the module docstring)."""
    status = open311_status(info["status"])
    closed = status == "closed"
    return {
        "service_request_id": complaint.reference,
        "status": status,
        "status_notes": _status_note(info),
        "service_name": complaint.category.label,
        "service_code": complaint.category.service_code,
        "description": None,
        "agency_responsible": info["desk"] or None,
        "service_notice": service_notice(complaint.category),
        "requested_datetime": w3c(complaint.received_at),
        # Every status change stamps the complaint: a closed one was last updated when it
        # was closed, as the spec wants.
        "updated_datetime": w3c(info["updated_at"]),
        "expected_datetime": None if closed else w3c(info["due_at"]),
        "address": _public_address(complaint),
        "address_id": None,
        "zipcode": _zipcode(complaint),
        "lat": _blur(complaint.latitude),
        "long": _blur(complaint.longitude),
        "media_url": None,
    }


def find_requests(params, key: ApiKey | None = None) -> list[dict]:
    complaints = visible_complaints(key)
    references = _split(params.get("service_request_id"))
    if references:
        # The spec: a list of ids overrides every other argument.
        complaints = complaints.filter(reference__in=references[:MAX_RECORDS])
    else:
        codes = _split(params.get("service_code"))
        if codes:
            known = set(
                Category.objects.filter(service_code__in=codes).values_list(
                    "service_code", flat=True
                )
            )
            unknown = [c for c in codes if c not in known]
            if unknown:
                raise Open311Error(
                    404, _("service_code inconnu : %(code)s.") % {"code": ", ".join(unknown)}
                )
            complaints = complaints.filter(category__service_code__in=codes)
        statuses = _split(params.get("status"))
        if statuses:
            wrong = [s for s in statuses if s not in ("open", "closed")]
            if wrong:
                raise Open311Error(
                    400,
                    _("status invalide : %(status)s (open ou closed).")
                    % {"status": ", ".join(wrong)},
                )
            complaints = complaints.filter(
                status__in=[s for s in Status if open311_status(s) in statuses]
            )
        start, end = date_window(params)
        complaints = complaints.filter(received_at__gte=start, received_at__lte=end)
    return represent_all(complaints[:MAX_RECORDS])


def get_request(reference: str, key: ApiKey | None = None) -> list[dict]:
    found = represent_all(visible_complaints(key).filter(reference=reference))
    if not found:
        raise Open311Error(404, _("service_request_id inconnu : %(id)s.") % {"id": reference})
    return found


# --- discovery --------------------------------------------------------------------------


def discovery(endpoint_url: str) -> dict:
    changeset = w3c(CatalogRevision.current())
    return {
        "changeset": changeset,
        "contact": _(
            "Observatoire parisien de la tranquillité publique, Ville de Paris : %(email)s"
        )
        % {"email": settings.DEFAULT_FROM_EMAIL},
        "key_service": _(
            "Le dépôt de signalements demande une clé d'API, délivrée sur demande par "
            "l'administrateur de cpps (%(email)s). La consultation est libre."
        )
        % {"email": settings.DEFAULT_FROM_EMAIL},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": changeset,
                "type": "test" if settings.DEBUG else "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


# --- service request updates (FixMyStreet's extension) ----------------------------------


def request_updates(params, key: ApiKey | None = None) -> list[dict]:
    """The public status changes of the window, oldest first: what FixMyStreet polls to keep
    its reports in step. `update_id` is the change's rank in the request's public timeline."""
    start, end = date_window(params)
    changed = CaseEvent.objects.filter(is_public=True, at__gte=start, at__lte=end)
    complaints = visible_complaints(key).filter(
        Q(pk__in=changed.values("case_id")) | Q(received_at__gte=start, received_at__lte=end)
    )
    updates = []
    for complaint in complaints[:MAX_RECORDS]:
        for rank, entry in enumerate(public_timeline(complaint)):
            if start <= entry["at"] <= end:
                updates.append(
                    {
                        "update_id": f"{complaint.reference}-{rank}",
                        "service_request_id": complaint.reference,
                        "status": open311_status(entry["status"]),
                        "updated_datetime": entry["at"],
                        "description": entry["status_label"],
                        "media_url": None,
                    }
                )
    updates.sort(key=lambda u: (u["updated_datetime"], u["update_id"]))
    return [{**u, "updated_datetime": w3c(u["updated_datetime"])} for u in updates[:MAX_RECORDS]]

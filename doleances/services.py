"""Filing a complaint: the one rule every intake channel goes through.

Web form, REST API, Open311 and imports all build a `ComplaintInput` and call
`file_complaint` (or `doleances.bulk.file_complaints` for batches). Validation, location,
reference numbering, storage of personal data apart, photos and the `complaint_filed` signal
(routing, notifications) all happen here, in one transaction: either everything is stored or
nothing is.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import in_range, out_of_range_message
from core.db import insert_with_dependents, joined_instances, values_to_save
from core.memo import ReferentialMemo
from doleances.choices import Precision, Status
from doleances.idempotency import RetryConflict, RetryKey, earlier_answer, key_row
from doleances.models import (
    Category,
    Complainant,
    Complaint,
    Family,
    IntakeKey,
    Photo,
    ReferenceCounter,
)
from doleances.models.complaint import EMAIL_MAX_LENGTH, email_too_long_message, format_reference
from doleances.photos import PhotoError, clean_photo
from doleances.signals import complaint_filed
from territory.geocoding import get_geocoder
from territory.services import arrondissement_for_postal_code, locate_many


class IntakeError(Exception):
    """A complaint that cannot be accepted; `errors` maps a field name to French messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass
class ContactInput:
    name: str = ""
    email: str = ""
    phone: str = ""
    consent_contact: bool = False
    consent_victim_support: bool = False

    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone)


@dataclass
class ComplaintInput:
    category: Category | None
    channel: str
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    postal_code: str = ""
    occurred_at: datetime | None = None
    received_at: datetime | None = None
    contact: ContactInput | None = None
    photos: list = field(default_factory=list)
    source: str = ""
    external_id: str = ""
    media_url: str = ""
    status: str = Status.NEW
    # A retry of this request carries the same key (doleances.idempotency).
    retry: RetryKey | None = None
    # time.monotonic() value past which nothing is committed: the client has given up.
    deadline: float | None = None


class IntakeDeadlineExceeded(OperationalError):
    """The request took longer than its client waits: rolled back, the client retries."""


@dataclass(frozen=True)
class ResolvedLocation:
    latitude: float | None
    longitude: float | None
    postal_code: str
    precision: str
    quartier_id: int | None
    arrondissement_id: int | None
    sector_id: int | None
    h3: dict[int, int | None]


def outside_paris_message() -> str:
    return _(
        "Ce lieu est en dehors de Paris : cpps ne reçoit que les signalements situés à Paris. "
        "Adressez-vous à la mairie de la commune concernée."
    )


def _valid_coordinates(lat, lon) -> bool:
    return (
        lat is not None
        and lon is not None
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


def validate_input(data: ComplaintInput) -> dict[str, list[str]]:
    """Field errors that do not need the territory (category, text, dates)."""
    errors: dict[str, list[str]] = {}
    if data.category is None:
        errors["category"] = [_("Choisissez une catégorie.")]
    elif not data.category.is_active:
        errors["category"] = [_("Cette catégorie n'est plus proposée.")]
    limit = settings.CPPS_DESCRIPTION_MAX_LENGTH
    if len(data.description or "") > limit:
        errors["description"] = [
            _("La description ne doit pas dépasser %(limit)d caractères (elle en compte %(n)d).")
            % {"limit": limit, "n": len(data.description)}
        ]
    if "\x00" in (data.description or ""):
        errors["description"] = [_("La description contient des caractères invalides.")]
    now = timezone.now()
    if not in_range(data.occurred_at):
        errors["occurred_at"] = [out_of_range_message(_("Date des faits"))]
    elif data.occurred_at and data.occurred_at > now + timedelta(minutes=5):
        errors["occurred_at"] = [_("La date des faits ne peut pas être dans le futur.")]
    if not in_range(data.received_at):
        errors["received_at"] = [out_of_range_message(_("Date de réception"))]
    email = data.contact.email.strip() if data.contact else ""
    if len(email) > EMAIL_MAX_LENGTH:
        errors["email"] = [email_too_long_message()]
    if (data.latitude is None) != (data.longitude is None) or (
        data.latitude is not None and not _valid_coordinates(data.latitude, data.longitude)
    ):
        errors["location"] = [_("Coordonnées invalides.")]
    return errors


def resolve_locations(items: list[ComplaintInput]) -> list[ResolvedLocation | str]:
    """Locate many inputs at once; an entry is a French error message when it cannot be placed.

    Points are located on the quartier polygons; an address without coordinates goes through
    the geocoder, and at worst its postal code gives the arrondissement (approximate).
    """
    geocoder = get_geocoder()
    lats, lons, precisions, postal_codes = [], [], [], []
    for item in items:
        lat, lon, postal_code = item.latitude, item.longitude, (item.postal_code or "").strip()
        precision = Precision.POINT
        if lat is None and (item.address or postal_code):
            found = geocoder.geocode(item.address, postal_code)
            if found:
                postal_code = postal_code or found.postal_code
                lat, lon = found.latitude, found.longitude
                precision = Precision.ADDRESS if lat is not None else Precision.POSTAL_CODE
        lats.append(math.nan if lat is None else lat)
        lons.append(math.nan if lon is None else lon)
        precisions.append(precision if lat is not None else Precision.POSTAL_CODE)
        postal_codes.append(postal_code)
    located = locate_many(lats, lons)
    # Python ints, converted once per array (`tolist`), not once per element.
    quartier_ids = located.quartier_id.tolist()
    arrondissement_ids = located.arrondissement_id.tolist()
    sector_ids = located.sector_id.tolist()
    h3 = (
        [
            dict(zip(located.h3, cells, strict=True))
            for cells in zip(*(cells.tolist() for cells in located.h3.values()), strict=True)
        ]
        if located.h3
        else [{}] * len(items)
    )
    results: list[ResolvedLocation | str] = []
    for i in range(len(items)):
        lat, lon = lats[i], lons[i]
        if math.isfinite(lat):
            if not quartier_ids[i]:
                results.append(outside_paris_message())
                continue
            results.append(
                ResolvedLocation(
                    latitude=lat,
                    longitude=lon,
                    postal_code=postal_codes[i],
                    precision=precisions[i],
                    quartier_id=quartier_ids[i],
                    arrondissement_id=arrondissement_ids[i],
                    sector_id=sector_ids[i],
                    h3=h3[i],
                )
            )
            continue
        if postal_codes[i]:
            arrondissement = arrondissement_for_postal_code(postal_codes[i])
            if arrondissement is None:
                results.append(
                    outside_paris_message()
                    if not postal_codes[i].startswith("75")
                    else _("Code postal parisien inconnu : %(code)s.") % {"code": postal_codes[i]}
                )
                continue
            results.append(
                ResolvedLocation(
                    latitude=None,
                    longitude=None,
                    postal_code=postal_codes[i],
                    precision=Precision.POSTAL_CODE,
                    quartier_id=None,
                    arrondissement_id=arrondissement.pk,
                    sector_id=arrondissement.sector_id,
                    h3={res: None for res in settings.CPPS_H3_RESOLUTIONS},
                )
            )
            continue
        results.append(
            _("Indiquez le lieu : placez un point sur la carte ou saisissez une adresse à Paris.")
        )
    return results


def complaint_values(
    data: ComplaintInput, where: ResolvedLocation, reference: str
) -> dict[str, object]:
    """The stored values ({attname: value}) of a complaint from a validated input and its
    resolved location; the batch intake writes them as rows, without model instances."""
    return {
        "reference": reference,
        "received_at": data.received_at or timezone.now(),
        "occurred_at": data.occurred_at,
        "category_id": data.category.pk,
        "description": (data.description or "").strip(),
        "channel": data.channel,
        "status": data.status,
        "priority": data.category.default_priority,
        "latitude": where.latitude,
        "longitude": where.longitude,
        "address": (data.address or "").strip()[:300],
        "postal_code": where.postal_code[:5],
        "precision": where.precision,
        "quartier_id": where.quartier_id,
        "arrondissement_id": where.arrondissement_id,
        "sector_id": where.sector_id,
        "h3_r8": where.h3.get(8),
        "h3_r9": where.h3.get(9),
        "h3_r10": where.h3.get(10),
        "h3_r11": where.h3.get(11),
        "source": data.source,
        "external_id": data.external_id,
        "media_url": data.media_url,
    }


def build_complaint(data: ComplaintInput, where: ResolvedLocation, reference: str) -> Complaint:
    """An unsaved Complaint from a validated input and its resolved location."""
    complaint = Complaint(**complaint_values(data, where, reference))
    complaint.category = data.category
    return complaint


def find_existing(source: str, external_id: str) -> Complaint | None:
    if not external_id:
        return None
    # Asked on every filing that names its external id, and nearly always answered "none":
    # the unique key's lookup as a statement of our own costs ~0.01 ms of CPU where the ORM's
    # (compiling a query of every column) cost ~0.4 ms. The statement repeats the partial
    # unique index's own condition word for word: SQLite only uses a partial index when the
    # query states it, and scanned every complaint on each filing without it
    # (tests/doleances/test_doleances_find_existing.py). The complaint is read when found.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Complaint._meta.db_table} "  # noqa: S608 (the model's table)
            "WHERE source = %s AND external_id = %s AND NOT (external_id = '')",
            [source, external_id],
        )
        row = cursor.fetchone()
    return Complaint.objects.get(pk=row[0]) if row else None


# Categories with their family, by code: every API filing names one (cleared on the saves and
# deletions of categories and families, `DoleancesConfig.ready`).
CATEGORIES = ReferentialMemo("doleances.categories")


def category_by_code(code: str) -> Category | None:
    """The category of that code with its family, or None; kept a few seconds (core.memo):
    the statement was one of an API filing's seven on PostgreSQL."""
    return CATEGORIES.get(code, lambda: _read_category(code))


def _read_category(code: str) -> Category | None:
    """What `Category.objects.select_related("family").get(code=code)` reads, in a statement
    of our own: the ORM's lookup (compiling the query, building the instances) was ~0.4 ms of
    an API filing's ~3.5 ms of CPU in-process."""
    category_table, family_table = (
        connection.ops.quote_name(model._meta.db_table) for model in (Category, Family)
    )
    found = joined_instances(
        (Category, Family),
        f"JOIN {family_table} ON {family_table}.id = {category_table}.family_id "
        f"WHERE {category_table}.code = %s",
        [code],
    )
    if found is None:
        return None
    category, family = found
    category.family = family
    return category


@dataclass(frozen=True)
class CheckedInput:
    """An input that passed every check, with its place and its cleaned photos: what
    `file_complaint` stores. Checking needs no transaction: a caller that opens one around
    the filing checks first, so that no write lock (SQLite's is taken at BEGIN) is held
    while the input is validated and located."""

    data: ComplaintInput
    where: ResolvedLocation
    photos: list


def check_complaint(data: ComplaintInput) -> CheckedInput:
    """Validate and locate an input, clean its photos; IntakeError (French) otherwise."""
    errors = validate_input(data)
    cleaned_photos = []
    for upload in data.photos:
        try:
            cleaned_photos.append(clean_photo(upload))
        except PhotoError as exc:
            errors.setdefault("photo", []).append(str(exc))
    if not errors:
        where = resolve_locations([data])[0]
        if isinstance(where, str):
            errors["location"] = [where]
    if errors:
        raise IntakeError(errors)
    return CheckedInput(data, where, cleaned_photos)


def file_complaint(
    data: ComplaintInput | CheckedInput,
    within: Callable[[Complaint], None] | None = None,
    along: Sequence[tuple[type[Model], Sequence[Mapping]]] = (),
) -> Complaint:
    """Validate, locate and store one complaint with its contact and photos; then signal it.

    Raises IntakeError with French messages; stores nothing in that case. A repeated
    (source, external_id) or retry key returns the complaint already stored instead of a
    second copy. `along`: rows of other models that point to the complaint, which its channel
    stores with it (as `core.db.insert_with_dependents` takes them). `within`, if given, is
    called with a new complaint inside the transaction that stores it (its answer built
    before the commit): a caller needs no transaction of its own around this one, nor its
    savepoint.
    """
    checked = data if isinstance(data, CheckedInput) else check_complaint(data)
    data = checked.data
    # A retry is told apart by the unique keys (external id, retry key) when its complaint is
    # written, not by a look-up before: nearly every filing is new, and the look-up was a
    # round trip for each. The retry's transaction is undone, then the earlier answer read.
    try:
        return _store(checked, within, along)
    except IntegrityError:
        existing = _earlier(data)
        if existing:
            return existing
        if data.retry is None:
            raise
    # The retry key had expired (and `_earlier` removed it): the request is a new one.
    return _store(checked, within, along)


def _store(checked: CheckedInput, within, along) -> Complaint:
    data, where = checked.data, checked.where
    received = data.received_at or timezone.now()
    year = timezone.localtime(received).year
    with transaction.atomic():
        [number] = ReferenceCounter.reserve(year, timeout_ms=_remaining_ms(data.deadline))
        complaint = build_complaint(data, where, format_reference(year, number))
        complaint.received_at = received
        complainant = complainant_from(data)
        dependents = [*along]
        if complainant is not None:
            # Its link to the complaint (None yet) is filled in by the statement.
            dependents.append((Complainant, [values_to_save(complainant)]))
        if data.retry:
            dependents.append((IntakeKey, [key_row(data.retry)]))
        # The complaint with its contact, its retry key and its channel's rows: one
        # statement on PostgreSQL (checked by tests/guichet/test_guichet_api_intake_cost.py).
        insert_with_dependents(complaint, dependents)
        if complainant is not None:
            complainant.complaint = complaint
        for photo in checked.photos:
            stored = Photo(
                complaint=complaint,
                sha256=photo.sha256,
                width=photo.width,
                height=photo.height,
                size=len(photo.content),
            )
            stored.image.save(f"{photo.sha256}.jpg", ContentFile(photo.content), save=False)
            stored.save()
        complaint_filed.send(sender=Complaint, complaint=complaint, complainant=complainant)
        if within is not None:
            within(complaint)
        if data.deadline is not None and time.monotonic() > data.deadline:
            raise IntakeDeadlineExceeded("intake past its deadline: rolled back")
    return complaint


def complainant_from(data: ComplaintInput) -> Complainant | None:
    """The person's contact data, stored apart from the complaint (unsaved, its complaint
    still to set); None when none was given. Every intake, one by one or in batches."""
    if not data.contact or data.contact.is_empty():
        return None
    return Complainant(
        name=data.contact.name.strip()[:150],
        email=data.contact.email.strip(),
        phone=data.contact.phone.strip()[:30],
        consent_contact=data.contact.consent_contact,
        # Only offered for sensitive categories (violence, hate acts…).
        consent_victim_support=data.contact.consent_victim_support and data.category.is_sensitive,
    )


def _earlier(data: ComplaintInput) -> Complaint | None:
    """The complaint an earlier attempt of this request filed (same external id, or same
    retry key), or None. Raises IntakeError when a retry key came with another request."""
    existing = find_existing(data.source, data.external_id)
    if existing or data.retry is None:
        return existing
    try:
        return earlier_answer(data.retry)
    except RetryConflict as exc:
        raise IntakeError({"idempotency_key": [str(exc)]}) from None


def _remaining_ms(deadline: float | None) -> int | None:
    """What remains before the deadline, in ms (at least 1): no statement or lock wait of
    the storing transaction outlasts it (PostgreSQL; SQLite has no statement timeout)."""
    if deadline is None:
        return None
    return max(1, int((deadline - time.monotonic()) * 1000))

"""Serializers of the complaints API (French field help, used by the OpenAPI schema)."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.dates import in_range
from doleances.choices import Channel, Precision, Status
from doleances.models import Category, Complaint
from doleances.models.complaint import EMAIL_MAX_LENGTH
from doleances.services import ComplaintInput, ContactInput, category_by_code


class CoordinateField(serializers.FloatField):
    """A float from a JSON number or a numeric string; booleans are not coordinates."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class CodeField(serializers.SlugRelatedField):
    """A referential row designated by its code; only short plain strings are looked up."""

    def to_internal_value(self, data):
        self.check_code(data)
        return super().to_internal_value(data)

    def check_code(self, data):
        if not isinstance(data, str) or len(data) > 60 or "\x00" in data:
            self.fail("invalid")


class CategoryCodeField(CodeField):
    """The category of a filing, with its family (the answer names it), read by
    `category_by_code`: the ORM's lookup was a tenth of an API filing's CPU. Same answers
    and errors as the queryset's lookup; the queryset stays for the schema."""

    def to_internal_value(self, data):
        self.check_code(data)
        category = category_by_code(data)
        if category is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return category


class BoundedDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time between the years every channel accepts (core.dates)."""

    default_error_messages = {
        "overflow": _("Date hors de la période admise (1900 à 2100)."),
    }

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not in_range(moment):
            self.fail("overflow")
        return moment


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text=_("Nom ou prénom.")
    )
    email = serializers.EmailField(
        required=False, allow_blank=True, max_length=EMAIL_MAX_LENGTH, help_text=_("Courriel.")
    )
    phone = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text=_("Téléphone.")
    )
    consent_contact = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("La personne accepte d'être recontactée au sujet du signalement."),
    )


class ComplaintCreateSerializer(serializers.Serializer):
    """A complaint sent by a partner's system; the place is a point or an address."""

    category = CategoryCodeField(
        slug_field="code",
        queryset=Category.objects.select_related("family"),
        help_text=_("Code de la catégorie (voir /api/v1/categories/)."),
        error_messages={
            "required": _("Indiquez la catégorie (code, voir /api/v1/categories/)."),
            "null": _("Indiquez la catégorie (code, voir /api/v1/categories/)."),
            "does_not_exist": _("Catégorie inconnue : « {value} » (voir /api/v1/categories/)."),
            "invalid": _("Indiquez le code de la catégorie (texte)."),
        },
    )
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        help_text=_("Description des faits (4000 caractères au plus)."),
    )
    latitude = CoordinateField(
        required=False, allow_null=True, help_text=_("Latitude WGS84 (degrés décimaux).")
    )
    longitude = CoordinateField(
        required=False, allow_null=True, help_text=_("Longitude WGS84 (degrés décimaux).")
    )
    address = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text=_("Adresse à Paris.")
    )
    postal_code = serializers.RegexField(
        r"^\d{5}$",
        required=False,
        allow_blank=True,
        help_text=_("Code postal (75001 à 75020, 75116)."),
        error_messages={"invalid": _("Le code postal compte 5 chiffres.")},
    )
    occurred_at = BoundedDateTimeField(
        required=False,
        allow_null=True,
        help_text=_("Date et heure des faits (ISO 8601, années 1900 à 2100)."),
    )
    received_at = BoundedDateTimeField(
        required=False,
        allow_null=True,
        help_text=_(
            "Date de réception par le partenaire (ISO 8601, années 1900 à 2100), si le "
            "signalement a été recueilli plus tôt ; par défaut, maintenant."
        ),
    )
    contact = ContactSerializer(
        required=False, help_text=_("Coordonnées du déclarant (facultatives).")
    )
    photo = serializers.FileField(
        required=False,
        help_text=_("Photo (envoi multipart/form-data) ; ses métadonnées EXIF sont supprimées."),
    )
    external_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text=_(
            "Identifiant du signalement dans votre système : un nouvel envoi avec le même "
            "identifiant renvoie le signalement déjà créé (réponse 200) au lieu d'un doublon."
        ),
    )
    media_url = serializers.URLField(
        required=False, allow_blank=True, max_length=500, help_text=_("Lien vers un média.")
    )

    def validate_received_at(self, value):
        if value and value > timezone.now() + timedelta(minutes=5):
            raise serializers.ValidationError(_("La date de réception ne peut pas être future."))
        return value

    def to_input(self, source: str) -> ComplaintInput:
        data = self.validated_data
        contact = data.get("contact") or {}
        return ComplaintInput(
            category=data["category"],
            channel=Channel.API,
            description=data.get("description", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            address=data.get("address", ""),
            postal_code=data.get("postal_code", ""),
            occurred_at=data.get("occurred_at"),
            received_at=data.get("received_at"),
            contact=ContactInput(
                name=contact.get("name", ""),
                email=contact.get("email", ""),
                phone=contact.get("phone", ""),
                consent_contact=contact.get("consent_contact", False),
            ),
            photos=[data["photo"]] if data.get("photo") else [],
            source=source,
            external_id=data.get("external_id", ""),
            media_url=data.get("media_url", ""),
        )


class FamilySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Code de la famille."))
    label = serializers.CharField(help_text=_("Libellé de la famille."))


class CategorySerializer(serializers.ModelSerializer):
    family = FamilySerializer(help_text=_("Famille de la catégorie."))

    class Meta:
        model = Category
        fields = [
            "code",
            "label",
            "family",
            "service_code",
            "help_text",
            "is_emergency",
            "requires_police_complaint",
            "default_priority",
            "answer_deadline_days",
        ]


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Code de la catégorie."))
    label = serializers.CharField(help_text=_("Libellé de la catégorie."))
    family = FamilySerializer(help_text=_("Famille de la catégorie."))


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(source="insee_code", help_text=_("Code INSEE."))
    name = serializers.CharField(help_text=_("Nom."))


class ArrondissementRefSerializer(PlaceSerializer):
    number = serializers.IntegerField(help_text=_("Numéro de l'arrondissement (1 à 20)."))


class SectorRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Code du secteur CSPA."))
    name = serializers.CharField(help_text=_("Nom du secteur CSPA."))


class LocationSerializer(serializers.Serializer):
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    precision = serializers.ChoiceField(
        choices=Precision.choices, help_text=_("Précision de la localisation.")
    )
    postal_code = serializers.CharField(allow_blank=True)
    quartier = PlaceSerializer(allow_null=True)
    arrondissement = ArrondissementRefSerializer(allow_null=True)
    sector = SectorRefSerializer(allow_null=True)


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint without personal data (what lists and every reader may see)."""

    category = CategoryRefSerializer()
    status = serializers.ChoiceField(choices=Status.choices, help_text=_("Statut du dossier."))
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.ChoiceField(choices=Channel.choices, help_text=_("Canal de réception."))
    channel_label = serializers.CharField(source="get_channel_display")
    location = LocationSerializer(source="*")

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "received_at",
            "occurred_at",
            "category",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "priority",
            "location",
            "external_id",
        ]


class ComplaintCreatedSerializer(ComplaintSerializer):
    tracking_url = serializers.SerializerMethodField(
        help_text=_("Lien de suivi privé à transmettre au déclarant.")
    )

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "tracking_url"]

    def get_tracking_url(self, complaint) -> str:
        return complaint.tracking_url(self.context["request"])


_DATETIME = serializers.DateTimeField()


def created_representation(complaint: Complaint, quartier, request) -> dict:
    """What `ComplaintCreatedSerializer` answers for a complaint located on `quartier` (a
    territory index's, its arrondissement and sector loaded) and whose category has its
    family loaded — built from those objects in memory, with no query: the serializer was a
    third of an API filing's cost. tests/guichet/test_guichet_api_created_body.py holds both
    to the same output."""
    category = complaint.category
    arrondissement = quartier.arrondissement
    sector = arrondissement.sector
    return {
        "reference": complaint.reference,
        "received_at": _DATETIME.to_representation(complaint.received_at),
        "occurred_at": (
            _DATETIME.to_representation(complaint.occurred_at) if complaint.occurred_at else None
        ),
        "category": {
            "code": category.code,
            "label": category.label,
            "family": {"code": category.family.code, "label": category.family.label},
        },
        "status": complaint.status,
        "status_label": complaint.get_status_display(),
        "channel": complaint.channel,
        "channel_label": complaint.get_channel_display(),
        "priority": complaint.priority,
        "location": {
            "latitude": None if complaint.latitude is None else float(complaint.latitude),
            "longitude": None if complaint.longitude is None else float(complaint.longitude),
            "precision": complaint.precision,
            "postal_code": complaint.postal_code,
            "quartier": {"id": quartier.pk, "code": quartier.insee_code, "name": quartier.name},
            "arrondissement": {
                "id": arrondissement.pk,
                "code": arrondissement.insee_code,
                "name": arrondissement.name,
                "number": arrondissement.number,
            },
            "sector": {"code": sector.code, "name": sector.name},
        },
        "external_id": complaint.external_id,
        "tracking_url": complaint.tracking_url(request),
    }


class ComplainantSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    consent_contact = serializers.BooleanField()
    is_original_reporter = serializers.BooleanField()


class PhotoSerializer(serializers.Serializer):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    size = serializers.IntegerField(help_text=_("Taille en octets."))
    sha256 = serializers.CharField()


class PersonalDataSerializer(serializers.Serializer):
    """Only for the desk in charge and administrators; each read is audit-logged."""

    description = serializers.CharField()
    address = serializers.CharField()
    complainants = ComplainantSerializer(many=True)
    photos = PhotoSerializer(many=True)


class ComplaintDetailSerializer(ComplaintSerializer):
    personal_data = serializers.SerializerMethodField(
        help_text=_(
            "Description, adresse, déclarants et photos : présents seulement pour le guichet "
            "en charge et les administrateurs (lecture journalisée), sinon null."
        )
    )

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "personal_data"]

    @extend_schema_field(PersonalDataSerializer(allow_null=True))
    def get_personal_data(self, complaint):
        if not self.context.get("with_personal_data"):
            return None
        return PersonalDataSerializer(
            {
                "description": complaint.description,
                "address": complaint.address,
                "complainants": complaint.complainants.filter(erased_at__isnull=True),
                "photos": complaint.photos.all(),
            }
        ).data


def _start_of_day(value) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


class DateOrDateTimeField(BoundedDateTimeField):
    """`2024-05-01` (midnight, Paris time) or a full ISO 8601 date-time."""

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value) == 10:
            date = serializers.DateField().to_internal_value(value)
            if not in_range(date):
                self.fail("overflow")
            return _start_of_day(date)
        return super().to_internal_value(value)


class BBoxField(serializers.CharField):
    default_error_messages = {
        "bbox": _(
            "bbox attend quatre nombres séparés par des virgules : "
            "lon_min,lat_min,lon_max,lat_max (WGS84)."
        )
    }

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            values = [float(part) for part in text.split(",")]
        except ValueError:
            self.fail("bbox")
        if len(values) != 4 or not all(math.isfinite(v) for v in values):
            self.fail("bbox")
        min_lon, min_lat, max_lon, max_lat = values
        if not (min_lon <= max_lon and min_lat <= max_lat):
            self.fail("bbox")
        return values


class ComplaintFilterSerializer(serializers.Serializer):
    """Query parameters of the complaint list."""

    category = CodeField(
        slug_field="code",
        queryset=Category.objects.all(),
        required=False,
        help_text=_("Code de catégorie."),
        error_messages={
            "does_not_exist": _("Catégorie inconnue : « {value} »."),
            "invalid": _("Indiquez le code de la catégorie (texte)."),
        },
    )
    family = serializers.CharField(required=False, max_length=40, help_text=_("Code de famille."))
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    arrondissement = serializers.IntegerField(
        required=False, min_value=1, max_value=20, help_text=_("Numéro d'arrondissement.")
    )
    sector = serializers.CharField(
        required=False, max_length=20, help_text=_("Code du secteur CSPA.")
    )
    received_after = DateOrDateTimeField(
        required=False, help_text=_("Reçues à partir de cette date (incluse).")
    )
    received_before = DateOrDateTimeField(
        required=False, help_text=_("Reçues strictement avant cette date.")
    )
    bbox = BBoxField(
        required=False,
        max_length=200,
        help_text=_("Emprise lon_min,lat_min,lon_max,lat_max (WGS84)."),
    )

    def filter(self, queryset):
        data = self.validated_data
        lookups = {
            "category": "category",
            "family": "category__family__code",
            "status": "status",
            "channel": "channel",
            "arrondissement": "arrondissement__number",
            "sector": "sector__code",
            "received_after": "received_at__gte",
            "received_before": "received_at__lt",
        }
        queryset = queryset.filter(**{lookups[k]: v for k, v in data.items() if k in lookups})
        if "bbox" in data:
            min_lon, min_lat, max_lon, max_lat = data["bbox"]
            queryset = queryset.filter(
                longitude__gte=min_lon,
                longitude__lte=max_lon,
                latitude__gte=min_lat,
                latitude__lte=max_lat,
            )
        return queryset

"""REST API of the orientation records (`/api/v1/victimes/orientations/`): a victim-support
desk's systems list and add their own desk's records. An unknown field (a name, a note…)
is refused with 400: nothing but the record's own fields is ever accepted."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission

from accounts.choices import Role
from accounts.permissions import role_of
from core.api import REFUSALS
from victimes.models import OrientationRecord, Service, TaxonomyTerm
from victimes.orientations import RecordInput, can_record, record, visible_records


class RecordSerializer(serializers.ModelSerializer):
    situations = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=TaxonomyTerm.objects.all()
    )
    services = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Service.objects.all()
    )
    desk = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OrientationRecord
        fields = [
            "id",
            "day",
            "desk",
            "situations",
            "role",
            "age_band",
            "referred_by",
            "services",
            "follow_up",
        ]
        read_only_fields = ["id", "desk"]

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [_("Champ inconnu : un enregistrement est anonyme et fermé.")]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)

    def validate_situations(self, value):
        if not value:
            raise serializers.ValidationError(_("Au moins une situation est nécessaire."))
        return value


class IsVictimSupportDesk(BasePermission):
    message = _("Réservé aux intervenant·es d'aide aux victimes rattaché·es à un guichet.")

    def has_permission(self, request, view):
        if request.method == "GET":
            return can_record(request.user) or role_of(request.user) == Role.ADMINISTRATOR
        return can_record(request.user)


@extend_schema_view(
    get=extend_schema(responses={200: RecordSerializer(many=True), **REFUSALS}),
    post=extend_schema(
        responses={
            201: RecordSerializer,
            400: OpenApiResponse(description=_("Erreurs par champ : {champ: [messages]}.")),
            **REFUSALS,
        }
    ),
)
class RecordList(generics.ListCreateAPIView):
    serializer_class = RecordSerializer
    permission_classes = [IsVictimSupportDesk]

    def get_queryset(self):
        return visible_records(self.request.user).prefetch_related("situations", "services")

    def perform_create(self, serializer):
        data = serializer.validated_data
        (created,) = record(
            self.request.user,
            [
                RecordInput(
                    day=data["day"],
                    situations=tuple(data["situations"]),
                    role=data["role"],
                    age_band=data["age_band"],
                    referred_by=data["referred_by"],
                    services=tuple(data.get("services") or ()),
                    follow_up=data.get("follow_up", False),
                )
            ],
        )
        serializer.instance = created

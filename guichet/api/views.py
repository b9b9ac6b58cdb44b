"""REST API for partners' systems: file complaints, read and list them within one's scope."""

import time

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.audit import log_personal_data_read
from accounts.choices import Role
from accounts.permissions import profile_of, role_of
from core.api import DETAIL, ERRORS
from doleances.idempotency import RetryConflict
from doleances.models import Category, Complaint
from doleances.services import IntakeError, check_complaint, file_complaint
from guichet.api.errors import PayloadTooLarge, api_exception_handler
from guichet.api.serializers import (
    CategorySerializer,
    ComplaintCreatedSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintFilterSerializer,
    ComplaintSerializer,
    created_representation,
)
from guichet.services import retry_key
from territory.services import territory_index
from traitement.scope import can_view_personal_data, visible_complaints

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Clé unique choisie par le client pour ce dépôt (255 caractères au plus) : un nouvel "
        "envoi avec la même clé et le même contenu, dans les 24 heures, renvoie la doléance "
        "déjà créée (200) au lieu d'un doublon."
    ),
    type={"type": "string", "maxLength": 255, "pattern": "^[!-~]+$"},
)


class IsPartnerSystem(BasePermission):
    """Filing through the API is for partners' systems, authenticated by a token."""

    message = _(
        "Seuls les systèmes des partenaires, authentifiés par jeton, déposent des doléances par "
        "l'API. Les habitants utilisent le formulaire /signaler/."
    )

    def has_permission(self, request, view):
        if not isinstance(request.successful_authenticator, TokenAuthentication):
            return False
        if role_of(request.user) == Role.ADMINISTRATOR:
            return True
        profile = profile_of(request.user)
        return profile is not None and profile.partner_id is not None


class ComplaintPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = _("Cette page n'existe pas.")


class GuichetAPIView(generics.GenericAPIView):
    def get_exception_handler(self):
        return api_exception_handler


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def api_source(user) -> str:
    """Provenance of API complaints: external ids are unique per partner system account."""
    return f"api:{user.get_username()}"[:60]


class ComplaintListCreateView(GuichetAPIView):
    parser_classes = [JSONParser, MultiPartParser]
    pagination_class = ComplaintPagination
    serializer_class = ComplaintSerializer

    def get_permissions(self):
        return [IsPartnerSystem()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_queryset(self):
        return visible_complaints(
            self.request.user,
            Complaint.objects.select_related(
                "category__family", "quartier", "arrondissement", "sector"
            ).order_by("-received_at", "-pk"),
        )

    @extend_schema(
        summary=_("Lister les doléances"),
        description=_(
            "Les doléances visibles par le compte (son guichet et son territoire), les plus "
            "récentes d'abord, paginées. Jamais de données personnelles dans la liste."
        ),
        parameters=[ComplaintFilterSerializer],
        responses={
            200: ComplaintSerializer(many=True),
            400: ERRORS,
            401: DETAIL,
            404: OpenApiResponse(DETAIL, description=_("Cette page n'existe pas.")),
        },
    )
    def get(self, request):
        filters = ComplaintFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(filters.filter(self.get_queryset()))
        return self.get_paginated_response(ComplaintSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Déposer une doléance"),
        description=_(
            "Réservé aux systèmes des partenaires (authentification par jeton : en-tête "
            "« Authorization: Token <clé> »). Le lieu est un point (latitude, longitude) ou une "
            "adresse avec son code postal ; il doit être à Paris. Envoyez du JSON, ou du "
            "multipart/form-data pour joindre une photo (champs du déclarant : contact.name, "
            "contact.email...). Avec `external_id`, un nouvel envoi renvoie la doléance déjà "
            "créée (200) : les nouvelles tentatives après une coupure ne créent pas de doublon."
        ),
        request={
            "application/json": ComplaintCreateSerializer,
            "multipart/form-data": ComplaintCreateSerializer,
        },
        responses={
            201: ComplaintCreatedSerializer,
            200: OpenApiResponse(
                ComplaintCreatedSerializer,
                description=_("Déjà reçue sous le même external_id : la doléance existante."),
            ),
            400: ERRORS,
            401: DETAIL,
            403: DETAIL,
            413: ERRORS,
            503: OpenApiResponse(
                DETAIL,
                description=_(
                    "Base momentanément indisponible : rien n'a été enregistré, réessayez "
                    "(avec la même clé d'idempotence)."
                ),
            ),
        },
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request):
        if _content_length(request) > (
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.CPPS_PHOTO_MAX_BYTES
        ):
            raise PayloadTooLarge
        payload = ComplaintCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.to_input(source=api_source(request.user))
        data.deadline = time.monotonic() + settings.CPPS_INTAKE_DEADLINE_SECONDS
        answer = {}

        def build_answer(complaint):
            # In the transaction that stores the complaint: if the database fails while the
            # answer is built, nothing was stored (a 5xx means "not stored").
            quartier = territory_index().quartiers.get(complaint.quartier_id)
            answer["body"] = (
                created_representation(complaint, quartier, request)
                if quartier is not None
                else _read_back(complaint, request)
            )

        try:
            data.retry = retry_key(request, f"api:{request.user.pk}")
            # Checked before the transaction opens: no write lock held meanwhile (SQLite).
            complaint = file_complaint(check_complaint(data), within=build_answer)
        except RetryConflict as exc:
            raise serializers.ValidationError({"idempotency_key": [str(exc)]}) from exc
        except IntakeError as exc:
            raise serializers.ValidationError(exc.errors) from exc
        if "body" in answer:
            return Response(answer["body"], status=status.HTTP_201_CREATED)
        # A retry answers with the complaint stored by an earlier request.
        return Response(_read_back(complaint, request), status=status.HTTP_200_OK)


def _read_back(complaint: Complaint, request) -> dict:
    """The answer from the stored rows: a retry's complaint, or one placed by its postal
    code only (no quartier in the territory index to name)."""
    complaint = Complaint.objects.select_related(
        "category__family", "quartier", "arrondissement", "sector"
    ).get(pk=complaint.pk)
    return ComplaintCreatedSerializer(complaint, context={"request": request}).data


class ComplaintDetailView(GuichetAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ComplaintDetailSerializer

    @extend_schema(
        summary=_("Lire une doléance"),
        description=_(
            "Une doléance visible par le compte. Les données personnelles (description, "
            "adresse, déclarants, photos) ne sont fournies qu'au guichet en charge et aux "
            "administrateurs ; chaque lecture est inscrite au journal d'audit."
        ),
        responses={200: ComplaintDetailSerializer, 401: DETAIL, 404: DETAIL},
    )
    def get(self, request, reference):
        complaint = (
            visible_complaints(
                request.user,
                Complaint.objects.select_related(
                    "category__family", "quartier", "arrondissement", "sector"
                ),
            )
            .filter(reference=reference)
            .first()
        )
        if complaint is None:
            raise Http404
        with_personal_data = can_view_personal_data(request.user, complaint)
        body = ComplaintDetailSerializer(
            complaint, context={"request": request, "with_personal_data": with_personal_data}
        ).data
        if with_personal_data:
            log_personal_data_read(request.user, complaint, request, {"via": "api"})
        return Response(body)


class CategoryListView(GuichetAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    pagination_class = None
    serializer_class = CategorySerializer

    @extend_schema(
        summary=_("Catégories de doléances"),
        description=_("Les catégories proposées, par famille (public)."),
        responses={200: CategorySerializer(many=True)},
    )
    def get(self, request):
        categories = Category.objects.filter(is_active=True).select_related("family")
        return Response(CategorySerializer(categories, many=True).data)

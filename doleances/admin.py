"""Back office of the taxonomy and of filed complaints.

Complaints are filed only through the intake service (every channel), so the admin can neither
add nor delete one, and the location fields it derives stay read-only. The complainant's
personal data (identity, free text, link to a media) appear only to administrators, and each
display is written to the audit trail.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils.translation import gettext_lazy as _

from accounts.audit import log_personal_data_read
from accounts.choices import Role
from accounts.permissions import role_of
from core.admin import ReadOnlyAdminMixin
from doleances.models import Category, Complainant, Complaint, DansMaRueType, Family, Photo


def _is_administrator(request) -> bool:
    return role_of(request.user) == Role.ADMINISTRATOR


class CategoryInline(admin.TabularInline):
    model = Category
    fields = ("code", "label", "default_priority", "answer_deadline_days", "is_active", "order")
    extra = 0
    show_change_link = True


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "order", "for_city_services")
    list_editable = ("order",)
    search_fields = ("label", "code")
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "label",
        "code",
        "family",
        "default_priority",
        "answer_deadline_days",
        "is_emergency",
        "is_active",
    )
    list_editable = ("default_priority", "answer_deadline_days", "is_active")
    list_filter = ("family", "is_active", "is_emergency", "requires_police_complaint")
    list_select_related = ("family",)
    search_fields = ("label", "code", "service_code")


@admin.register(DansMaRueType)
class DansMaRueTypeAdmin(admin.ModelAdmin):
    list_display = ("path", "dmr_id", "category", "is_active")
    list_filter = ("category__family", "category", "is_active")
    list_select_related = ("category",)
    search_fields = ("path", "label", "=dmr_id")
    autocomplete_fields = ("category",)
    raw_id_fields = ("parent",)


class ComplainantInline(admin.StackedInline):
    model = Complainant
    fields = (
        "name",
        "email",
        "phone",
        "consent_contact",
        "is_original_reporter",
        "created_at",
        "erased_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = Photo
    fields = ("sha256", "width", "height", "size", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


LOCATION_FIELDS = (
    "latitude",
    "longitude",
    "address",
    "postal_code",
    "precision",
    "quartier",
    "arrondissement",
    "sector",
    "h3_r8",
    "h3_r9",
    "h3_r10",
    "h3_r11",
)
PROVENANCE_FIELDS = ("source", "external_id", "created_at", "updated_at")
PERSONAL_FIELDS = ("description", "media_url")


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("reference", "received_at", "category", "arrondissement", "status", "channel")
    list_filter = (
        "status",
        "channel",
        "category__family",
        "category",
        "arrondissement",
        "precision",
    )
    list_select_related = ("category", "arrondissement")
    search_fields = ("reference",)
    date_hierarchy = "received_at"
    # Counting millions of rows twice per page is the slow part of a large change list.
    show_full_result_count = False
    readonly_fields = (
        "reference",
        "received_at",
        "media_url",
        *LOCATION_FIELDS,
        *PROVENANCE_FIELDS,
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": (
                        "reference",
                        "received_at",
                        "occurred_at",
                        "category",
                        "channel",
                        "status",
                        "priority",
                    )
                },
            ),
            (_("Localisation"), {"fields": LOCATION_FIELDS}),
            (_("Provenance"), {"fields": PROVENANCE_FIELDS}),
        ]
        if _is_administrator(request):
            fieldsets.insert(1, (_("Données personnelles"), {"fields": PERSONAL_FIELDS}))
        return fieldsets

    def get_inlines(self, request, obj):
        return [ComplainantInline, PhotoInline] if _is_administrator(request) else []

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and _is_administrator(request):
            complaint = self.get_object(request, unquote(object_id))
            if complaint is not None:
                log_personal_data_read(request.user, complaint, request, {"via": "admin"})
        return response


@admin.register(Photo)
class PhotoAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Metadata only: the picture itself is shown in case work, where its reads are logged."""

    list_display = ("complaint", "width", "height", "size", "created_at")
    list_select_related = ("complaint",)
    search_fields = ("complaint__reference", "=sha256")
    fields = ("complaint", "sha256", "width", "height", "size", "created_at")
    readonly_fields = fields

"""Admin screens of the help directory and of the orientation records (in French)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from victimes.models import (
    Accessibility,
    Address,
    Attribute,
    CategoryBridge,
    CostOption,
    Language,
    Location,
    Organization,
    OrientationRecord,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)


class ToCheckFilter(admin.SimpleListFilter):
    title = _("vérification")
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("a-verifier", _("à vérifier")), ("a-jour", _("à jour"))]

    def queryset(self, request, queryset):
        if self.value() == "a-verifier":
            return queryset.to_check()
        if self.value() == "a-jour":
            return queryset.checked_since()
        return queryset


class PhoneInline(admin.TabularInline):
    model = Phone
    fk_name = "service"
    fields = ["number", "type", "description"]
    extra = 0


class ScheduleInline(admin.TabularInline):
    model = Schedule
    fk_name = "service"
    fields = ["byday", "opens_at", "closes_at", "description"]
    extra = 0


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0


class LanguageInline(admin.TabularInline):
    model = Language
    fk_name = "service"
    fields = ["name", "code", "note"]
    extra = 0


class CostOptionInline(admin.TabularInline):
    model = CostOption
    extra = 0


class AttributeInline(admin.TabularInline):
    model = Attribute
    fields = ["taxonomy_term", "relevance"]
    extra = 0
    autocomplete_fields = ["taxonomy_term"]


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "reach", "status", "assured_date", "check_state"]
    list_filter = [ToCheckFilter, "reach", "status", "is_example"]
    search_fields = ["name", "description", "organization__name"]
    inlines = [
        AttributeInline,
        PhoneInline,
        ScheduleInline,
        ServiceAreaInline,
        LanguageInline,
        CostOptionInline,
        ServiceAtLocationInline,
    ]

    @admin.display(description=_("état"))
    def check_state(self, obj):
        return _("à vérifier") if obj.to_check else _("à jour")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "is_example"]
    search_fields = ["name"]


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


class AccessibilityInline(admin.TabularInline):
    model = Accessibility
    extra = 0


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "location_type"]
    search_fields = ["name"]
    inlines = [AddressInline, AccessibilityInline]


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "version"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "order"]
    search_fields = ["name", "code"]
    list_filter = ["taxonomy"]


@admin.register(OrientationRecord)
class OrientationRecordAdmin(admin.ModelAdmin):
    list_display = ["day", "desk", "role", "age_band", "referred_by", "follow_up", "source"]
    list_filter = ["desk", "role", "age_band", "referred_by", "source"]
    date_hierarchy = "day"
    filter_horizontal = ["situations", "services"]


@admin.register(CategoryBridge)
class CategoryBridgeAdmin(admin.ModelAdmin):
    list_display = ["category", "copy_desk", "is_active"]
    filter_horizontal = ["situations"]

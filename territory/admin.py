"""Territory referential screens. Outlines come from the official files (`cpps territory load`);
they are shown shortened and read-only, never edited as raw GeoJSON text."""

from django.contrib import admin
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from territory.models import Arrondissement, Quartier, Sector

PREVIEW_CHARS = 120


class GeometryPreviewMixin:
    """The GeoJSON outline, shortened, in place of the editable text field."""

    exclude = ("geometry",)
    readonly_fields = ("geometry_preview",)

    @admin.display(description=_("géométrie (GeoJSON)"))
    def geometry_preview(self, obj):
        text = obj.geometry or ""
        if not text:
            return _("aucune (chargez les contours : cpps territory load)")
        if len(text) <= PREVIEW_CHARS:
            return text
        return _("%(start)s… (%(size)s caractères)") % {
            "start": text[:PREVIEW_CHARS],
            "size": f"{len(text):,}".replace(",", "\u202f"),
        }


class ArrondissementInline(admin.TabularInline):
    model = Arrondissement
    fields = ("number", "name", "population")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name", "arrondissement_count", "total_population")
    list_display_links = ("code", "name")
    search_fields = ("code", "name", "arrondissements__name", "arrondissements__official_name")
    inlines = [ArrondissementInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                arrondissement_count=Count("arrondissements", distinct=True),
                total_population=Sum("arrondissements__population"),
            )
        )

    @admin.display(description=_("arrondissements"), ordering="arrondissement_count")
    def arrondissement_count(self, sector):
        return sector.arrondissement_count

    @admin.display(description=_("population légale"), ordering="total_population")
    def total_population(self, sector):
        return sector.total_population or 0


@admin.register(Arrondissement)
class ArrondissementAdmin(GeometryPreviewMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "name",
        "official_name",
        "insee_code",
        "postal_codes",
        "population",
        "sector",
        "has_outline",
    )
    list_display_links = ("number", "name")
    list_filter = ("sector",)
    list_select_related = ("sector",)
    search_fields = ("name", "official_name", "insee_code", "postal_codes")

    @admin.display(description=_("contour"), boolean=True)
    def has_outline(self, obj):
        return bool(obj.geometry)


@admin.register(Quartier)
class QuartierAdmin(GeometryPreviewMixin, admin.ModelAdmin):
    list_display = ("number", "name", "insee_code", "arrondissement", "area_ha")
    list_display_links = ("number", "name")
    list_filter = ("arrondissement__sector", "arrondissement")
    list_select_related = ("arrondissement",)
    search_fields = ("name", "insee_code", "arrondissement__name")

    @admin.display(description=_("surface (ha)"), ordering="area_m2")
    def area_ha(self, obj):
        return round(obj.area_m2 / 10_000, 1)

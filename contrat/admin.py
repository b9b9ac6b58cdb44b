"""Back office of the contract: everything the public synthesis does not give (actions,
leads, indicators, targets, decisions, declinations) is entered here or imported."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contrat.models import (
    Action,
    Axis,
    ComputedRefresh,
    Contract,
    Decision,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Priority,
    SectorDeclination,
)


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0
    fields = ("number", "title")
    show_change_link = True


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sector", "start_year", "end_year")
    search_fields = ("name", "code")
    filter_horizontal = ("signatories", "partners")
    inlines = [AxisInline]


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0
    fields = ("code", "rank", "title")
    show_change_link = True


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ("__str__", "contract")
    inlines = [PriorityInline]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ("code", "title", "sector", "owner", "due_date", "status", "done_on")


class DeclinationInline(admin.TabularInline):
    model = SectorDeclination
    extra = 0


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ("date", "body", "sector", "text")


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "axis")
    list_filter = ("axis",)
    search_fields = ("code", "title")
    filter_horizontal = ("lead_partners", "associate_partners")
    inlines = [ActionInline, DeclinationInline, DecisionInline]

    def save_formset(self, request, form, formset, change):
        # Decisions entered here are recorded under the administrator's name.
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Decision) and instance.recorded_by_id is None:
                instance.recorded_by = request.user
            instance.save()
        for removed in formset.deleted_objects:
            removed.delete()
        formset.save_m2m()


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "priority", "sector", "owner", "due_date", "status")
    list_filter = ("status", "priority__axis", "sector")
    search_fields = ("code", "title")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("date", "body", "priority", "sector")
    list_filter = ("priority__axis", "sector")
    readonly_fields = ("recorded_by",)

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "priority", "source", "responsible_partner", "by_sector")
    list_filter = ("source", "by_sector", "priority__axis")
    search_fields = ("code", "name")
    inlines = [TargetInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "priority",
                    "code",
                    "name",
                    "description",
                    "unit",
                    "value_kind",
                    "direction",
                )
            },
        ),
        (_("Suivi"), {"fields": ("frequency", "by_sector", "baseline_value", "baseline_year")}),
        (
            _("Source des valeurs"),
            {"fields": ("source", "responsible_partner", "measure", "measure_params")},
        ),
    )


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "sector", "period_start", "value", "is_computed", "entered_by")
    list_filter = ("is_computed", "indicator", "sector")
    readonly_fields = ("is_computed", "entered_by", "entered_at")

    def save_model(self, request, obj, form, change):
        obj.entered_by, obj.entered_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(ComputedRefresh)
class ComputedRefreshAdmin(admin.ModelAdmin):
    list_display = ("at", "store_refreshed_at", "values")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

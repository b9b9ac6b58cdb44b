from django.contrib import admin

from prevention import models


@admin.register(models.GroupTerritory)
class GroupTerritoryAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "label")
    filter_horizontal = ("arrondissements",)


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("day", "slot", "kind", "quartier", "reporting_partner", "follow_up")
    list_filter = ("kind", "reporting_partner", "weapon")
    date_hierarchy = "day"
    filter_horizontal = ("territories",)


@admin.register(models.MonthlyCount)
class MonthlyCountAdmin(admin.ModelAdmin):
    list_display = ("month", "territory", "kind", "count")


@admin.register(models.TensionParameters)
class TensionParametersAdmin(admin.ModelAdmin):
    list_display = ("code", "window_days", "min_events", "calming_days")


@admin.register(models.TensionPair)
class TensionPairAdmin(admin.ModelAdmin):
    list_display = ("first", "second", "state", "events", "last_event", "active_since")
    list_filter = ("state",)


@admin.register(models.AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("partner", "arrondissement", "is_active")
    list_filter = ("partner", "is_active")


class AcknowledgementInline(admin.TabularInline):
    model = models.Acknowledgement
    extra = 0


@admin.register(models.Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("pk", "level", "raised_by", "raised_at", "expires_at", "outcome")
    list_filter = ("level", "outcome")
    inlines = [AcknowledgementInline]


class MilestoneInline(admin.TabularInline):
    model = models.ActionMilestone
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = models.SessionAttendance
    extra = 0


@admin.register(models.PreventionAction)
class PreventionActionAdmin(admin.ModelAdmin):
    list_display = ("code", "type", "operator", "start", "end", "status", "progress")
    list_filter = ("type", "status")
    filter_horizontal = ("territories",)
    inlines = [MilestoneInline, AttendanceInline]


@admin.register(models.TigPostsYear)
class TigPostsYearAdmin(admin.ModelAdmin):
    list_display = ("host", "year", "posts_offered", "posts_filled", "partner")
    list_select_related = ("host", "partner")


@admin.register(models.RadicalisationTraining)
class RadicalisationTrainingAdmin(admin.ModelAdmin):
    list_display = ("year", "partner", "sector", "sessions", "professionals_trained")


@admin.register(models.SchoolHoliday)
class SchoolHolidayAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "start", "end")

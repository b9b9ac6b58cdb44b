from django.contrib import admin

from operations.models import OutgoingMail, ScheduledTask, WorkerHeartbeat


@admin.register(ScheduledTask)
class ScheduledTaskAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "task_path",
        "every",
        "interval_seconds",
        "at",
        "enabled",
        "next_run_at",
    )
    list_filter = ("enabled", "every")
    list_editable = ("enabled",)
    readonly_fields = ("last_enqueued_at",)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    # Addresses and bodies are personal data: the list shows only the delivery state.
    list_display = ("pk", "created_at", "attempts", "next_attempt_at", "sent_at", "last_error")
    list_filter = ("sent_at",)
    fields = ("created_at", "attempts", "next_attempt_at", "sent_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "hostname", "pid", "backend", "started_at", "seen_at")

    def has_add_permission(self, request):
        return False

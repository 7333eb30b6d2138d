from django.contrib import admin

from .models import Deadline, Notification, Reminder


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "due", "state", "responsible", "district")
    list_filter = ("state", "kind", "district")
    list_select_related = ("responsible", "district")
    raw_id_fields = ("responsible", "created_by")
    readonly_fields = (
        "content_type",
        "object_id",
        "created_at",
        "created_by",
        "met_at",
        "cancelled_at",
    )
    date_hierarchy = "due"


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("deadline", "kind", "state", "attempts", "claimed_at", "sent_at")
    list_filter = ("state", "kind")
    list_select_related = ("deadline",)
    readonly_fields = (
        "deadline",
        "kind",
        "created_at",
        "claimed_at",
        "notified_at",
        "sent_at",
        "attempts",
        "last_error",
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "message", "created_at", "read_at")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient", "reminder")

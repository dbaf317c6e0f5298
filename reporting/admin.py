from django.contrib import admin

from notifications.admin import ReadOnlyAdmin

from .models import MonthlyReport, Reminder


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["month", "version", "compiled_at", "compiled_by_label"]
    list_filter = ["month"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["object_type", "object_id", "department", "deadline", "sent_at"]
    list_filter = ["object_type", "department"]

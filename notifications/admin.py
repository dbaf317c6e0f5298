from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Delivery,
    DeliveryStatus,
    Feedback,
    FeedbackReply,
    Notification,
    OverdueRecord,
    Push,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services: the admin shows them, never edits them."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class FeedbackInline(admin.TabularInline):
    model = Feedback
    fields = ["raised_by_label", "raised_at", "status", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Push)
class PushAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "title", "sender", "receiver", "sent_at", "deadline", "state"]
    list_filter = ["state", "kind", "overdue", "sender", "receiver"]
    search_fields = ["title", "counterparty_name", "counterparty_code", "reference_no"]
    date_hierarchy = "sent_at"
    list_select_related = ["sender", "receiver"]
    show_full_result_count = False
    inlines = [FeedbackInline]


class FeedbackReplyInline(admin.TabularInline):
    model = FeedbackReply
    fields = ["replied_by_label", "replied_at", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["id", "push", "raised_by_label", "raised_at", "status", "answer_deadline"]
    list_filter = ["status"]
    search_fields = ["text", "push__title"]
    list_select_related = ["push"]
    inlines = [FeedbackReplyInline]


@admin.register(FeedbackReply)
class FeedbackReplyAdmin(ReadOnlyAdmin):
    list_display = ["id", "feedback", "replied_by_label", "replied_at"]
    search_fields = ["text"]


@admin.register(OverdueRecord)
class OverdueRecordAdmin(ReadOnlyAdmin):
    list_display = ["department", "obligation", "object_type", "object_id", "deadline"]
    list_filter = ["obligation", "department"]
    date_hierarchy = "deadline"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "title", "created_at", "read_at"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "channel", "address", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["channel", "status", "department"]
    search_fields = ["address", "subject"]
    actions = ["redeliver"]

    @admin.action(description=_("Deliver again"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        from .tasks import deliveries_send_pending

        count = queryset.update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now())
        deliveries_send_pending.delay()
        self.message_user(
            request,
            ngettext("%(n)d delivery queued again.", "%(n)d deliveries queued again.", count)
            % {"n": count},
            messages.SUCCESS,
        )

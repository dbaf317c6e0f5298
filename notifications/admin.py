from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from linzi_platform.admin import PlatformModelAdmin, PlatformTabularInline

from .kinds import push_kind_choices, push_kind_shown
from .models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    Feedback,
    FeedbackReply,
    Notification,
    OverdueRecord,
    Push,
    SmsDelivery,
    SmsStatus,
    WebhookEndpoint,
)


class ReadOnlyAdmin(PlatformModelAdmin):
    """Records written only by services: the admin shows them, never edits them."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class FeedbackInline(PlatformTabularInline):
    model = Feedback
    fields = ["raised_by_label", "raised_at", "status", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PushKindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return push_kind_choices()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Push]) -> QuerySet[Push]:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Push)
class PushAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "title", "sender", "receiver", "sent_at", "deadline", "state"]
    list_filter = ["state", PushKindFilter, "overdue", "sender", "receiver"]
    search_fields = ["title", "counterparty_name", "counterparty_code", "reference_no"]
    date_hierarchy = "sent_at"
    list_select_related = ["sender", "receiver"]
    show_full_result_count = False
    inlines = [FeedbackInline]
    shown_as = {"kind": "kind_label"}

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj: Push) -> str:
        return str(push_kind_shown(obj.kind).label)


class FeedbackReplyInline(PlatformTabularInline):
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


class DeliveryAttemptInline(PlatformTabularInline):
    model = DeliveryAttempt
    fields = ["at", "url", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-at", "-id"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "channel", "address", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["channel", "status", "department"]
    search_fields = ["address", "subject"]
    actions = ["redeliver"]
    inlines = [DeliveryAttemptInline]

    @admin.action(description=_("Deliver again"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        from .tasks import deliveries_send_pending, send_pending_webhooks

        now = timezone.now()
        # A webhook starts a new round: a fresh backoff and another 24 hours of retries.
        queryset.filter(channel=DeliveryChannel.WEBHOOK).update(attempts=0, first_attempt_at=None)
        count = queryset.update(status=DeliveryStatus.PENDING, next_attempt_at=now)
        # robust: the rows are pending again; a broker outage only waits for the beat sweep.
        transaction.on_commit(deliveries_send_pending.delay, robust=True)
        transaction.on_commit(send_pending_webhooks.delay, robust=True)
        self.message_user(
            request,
            ngettext("%(n)d delivery queued again.", "%(n)d deliveries queued again.", count)
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ["delivery", "at", "url", "status_code", "duration_ms"]
    list_filter = ["status_code"]
    search_fields = ["url", "error"]
    date_hierarchy = "at"
    show_full_result_count = False


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("callback URL"), max_length=300, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ["department", "url", "active"]

    def clean_url(self) -> str:
        from .webhooks import webhook_url_check

        try:
            return webhook_url_check(self.cleaned_data["url"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["url"]) from None


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(PlatformModelAdmin):
    """Writes go through the webhook services; the secret is shown once, in a message."""

    form = WebhookEndpointForm
    list_display = ["department", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["department__name", "department__code", "url"]
    list_select_related = ["department"]
    actions = ["rotate_secret"]

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> list[str]:
        if obj is None:
            return ["department", "url"]
        return ["department", "url", "active", "secret_hint", "created_at"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: WebhookEndpoint | None = None
    ) -> list[str]:
        if obj is None:
            return []
        return ["department", "secret_hint", "created_at"]

    @admin.display(description=_("signing secret"))
    def secret_hint(self, obj: WebhookEndpoint) -> str:
        return gettext("%(start)s… (shown once; rotate to get a new one)") % {
            "start": obj.secret[:4]
        }

    def _show_secret(self, request: HttpRequest, endpoint: WebhookEndpoint, secret: str) -> None:
        self.message_user(
            request,
            gettext(
                "Signing secret for %(department)s — copy it now, it is not shown again: %(secret)s"
            )
            % {"department": endpoint.department.name, "secret": secret},
            messages.WARNING,
        )

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        from .webhooks import webhook_register, webhook_update

        if change:
            webhook_update(endpoint=obj, url=obj.url, active=obj.active, actor=request.user)
            return
        endpoint, secret = webhook_register(
            department=obj.department, url=obj.url, actor=request.user
        )
        obj.pk = endpoint.pk
        obj.secret = endpoint.secret
        obj.created_at = endpoint.created_at
        obj._state.adding = False
        self._show_secret(request, endpoint, secret)

    @admin.action(description=_("Rotate the signing secret"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        from .webhooks import webhook_secret_rotate

        for endpoint in queryset.select_related("department"):
            secret = webhook_secret_rotate(endpoint=endpoint, actor=request.user)
            self._show_secret(request, endpoint, secret)


@admin.register(SmsDelivery)
class SmsDeliveryAdmin(ReadOnlyAdmin):
    """The SMS outbox: what went out, what is waiting for office hours, and what the gateway
    refused for good with its reason (filter by status)."""

    list_display = [
        "created_at",
        "recipient",
        "department",
        "phone",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind", "department"]
    search_fields = ["phone", "recipient__first_name", "recipient__last_name", "last_error"]
    list_select_related = ["department"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = [
        "recipient",
        "department",
        "phone",
        "kind",
        "template_id",
        "params",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "gateway_message_id",
        "created_at",
        "sent_at",
    ]
    actions = ["send_again"]

    @admin.action(description=_("Send again (failed or refused ones)"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[SmsDelivery]) -> None:
        from .sms.outbox import sms_deliveries_retry

        ids = list(
            queryset.filter(status__in=[SmsStatus.FAILED, SmsStatus.REFUSED]).values_list(
                "pk", flat=True
            )
        )
        count = sms_deliveries_retry(ids=ids, now=timezone.now())
        self.message_user(
            request,
            ngettext("%(n)d message queued again.", "%(n)d messages queued again.", count)
            % {"n": count},
            messages.SUCCESS,
        )

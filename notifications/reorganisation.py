"""What a merged department hands over from the push engine (R21), registered with
`organizations.reorganisation` in AppConfig.ready().

- pending pushes it has to claim move to the successor with their claim deadline; those
  already past the deadline are auto-claimed first and stay charged to it (R4, Art. 15);
- open feedback it has to answer moves (its answer deadline too); the pushes it sent stay
  its own, since the sender of a push is history;
- its webhook endpoint moves, with the deliveries still waiting for it, unless the
  successor has one of its own: then the old one is switched off.
Claimed and auto-claimed pushes and overdue records never move.
"""

import datetime
from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from organizations.models import Department
from organizations.reorganisation import (
    MovedRecord,
    OpenWorkKind,
    move_open_rows,
    register_open_work,
)

from .feedback.services import feedback_mark_overdue
from .models import (
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Feedback,
    FeedbackStatus,
    Push,
    PushState,
    WebhookEndpoint,
)
from .services import pushes_auto_claim_overdue


def _pending_pushes(department: Department, now: datetime.datetime) -> QuerySet[Push]:
    return Push.objects.filter(
        receiver=department, state=PushState.PENDING, deadline__gte=now
    ).order_by("deadline", "pk")


def _settle_pushes(department: Department, now: datetime.datetime) -> None:
    overdue = list(
        Push.objects.filter(
            receiver=department, state=PushState.PENDING, deadline__lt=now
        ).values_list("pk", flat=True)
    )
    if overdue:
        pushes_auto_claim_overdue(now=now, only_ids=overdue)


def _move_pushes(
    department: Department, successor: Department, now: datetime.datetime
) -> Sequence[MovedRecord]:
    # Locked (waiting for, not skipping, a claim in flight): whatever that claim decides,
    # the UPDATE only takes rows still pending.
    return move_open_rows(
        _pending_pushes(department, now),
        to={"receiver": successor},
        object_type="notifications.push",
        details={"deadline": "deadline"},
    )


def _open_feedback(department: Department, now: datetime.datetime) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(answering_department=department, status=FeedbackStatus.OPEN)
        .select_related("push")
        .order_by("answer_deadline", "pk")
    )


def _move_feedback(
    department: Department, successor: Department, now: datetime.datetime
) -> Sequence[MovedRecord]:
    return move_open_rows(
        _open_feedback(department, now),
        to={"answering_department": successor},
        object_type="notifications.feedback",
        details={"push": "push_id", "answer_deadline": "answer_deadline"},
    )


def _webhook_endpoints(department: Department, now: datetime.datetime) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(department=department, active=True)


def _move_webhook_endpoint(
    department: Department, successor: Department, now: datetime.datetime
) -> Sequence[MovedRecord]:
    endpoint = _webhook_endpoints(department, now).select_for_update().first()
    if endpoint is None:
        return []
    if WebhookEndpoint.objects.filter(department=successor).exists():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
        return [
            MovedRecord(
                "notifications.webhookendpoint",
                str(endpoint.pk),
                {"url": endpoint.url, "switched_off": True},
            )
        ]
    WebhookEndpoint.objects.filter(pk=endpoint.pk, department=department).update(
        department=successor
    )
    # The deliveries still waiting go to the same system, now the successor's.
    Delivery.objects.filter(
        channel=DeliveryChannel.WEBHOOK, department=department, status=DeliveryStatus.PENDING
    ).update(department=successor)
    return [MovedRecord("notifications.webhookendpoint", str(endpoint.pk), {"url": endpoint.url})]


def _settle_feedback(department: Department, now: datetime.datetime) -> None:
    feedback_mark_overdue(now=now)


def _describe_push(push: Push) -> str:
    return f"#{push.pk} {push.title}"


def _describe_feedback(feedback: Feedback) -> str:
    return f"#{feedback.pk} {feedback.push.title}"


def _describe_endpoint(endpoint: WebhookEndpoint) -> str:
    return endpoint.url


def register() -> None:
    register_open_work(
        OpenWorkKind(
            key="pushes",
            label=_("Pushes awaiting claim"),
            open_work=_pending_pushes,
            move=_move_pushes,
            settle=_settle_pushes,
            describe=_describe_push,
        )
    )
    register_open_work(
        OpenWorkKind(
            key="feedback",
            label=_("Feedback it must answer"),
            open_work=_open_feedback,
            move=_move_feedback,
            settle=_settle_feedback,
            describe=_describe_feedback,
        )
    )
    register_open_work(
        OpenWorkKind(
            key="webhooks",
            label=_("Webhook endpoint"),
            open_work=_webhook_endpoints,
            move=_move_webhook_endpoint,
            describe=_describe_endpoint,
            blocks_deactivation=False,
        )
    )

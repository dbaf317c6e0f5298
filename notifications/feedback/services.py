"""Feedback on a push (R5): the receiver's query or dispute within one working day, the
sender's answer, and the sweep that charges unanswered feedback as overdue."""

import datetime

from django.db import transaction
from django.db.models import (
    CharField,
    Exists,
    OuterRef,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from notifications.models import (
    Feedback,
    FeedbackReply,
    FeedbackStatus,
    NoticeKind,
    NoticeResolution,
    Notification,
    Obligation,
    OverdueRecord,
    Push,
)
from notifications.services import (
    FEEDBACK_WORKING_DAYS,
    PushConflict,
    _actor_user,
    department_notify,
    local_time,
)
from organizations.scoping import Actor
from organizations.selectors import departments_in_office
from workdays.calendar import add_working_days


class FeedbackWindowClosed(PushConflict):
    """Feedback after the 1-working-day window (R5)."""


def feedback_raise(*, push: Push, actor: Actor, text: str) -> Feedback:
    """The receiver's query or dispute, allowed until the close of the first working day
    after receipt (R5); later it is refused with the deadline named."""
    text = text.strip()
    if not text:
        raise ValueError(_("Feedback text is required."))
    now = timezone.now()
    window_closes = push.deadline
    if now > window_closes:
        raise FeedbackWindowClosed(
            _(
                "Feedback had to be sent by %(deadline)s (1 working day after receipt); it is "
                "now closed."
            )
            % {"deadline": local_time(window_closes)}
        )
    with transaction.atomic():
        # The sender answers; if it has been merged since, its successor does (R21).
        answering = departments_in_office([push.sender]) or [push.sender]
        feedback = Feedback.objects.create(
            push=push,
            text=text,
            answering_department=answering[0],
            raised_by=_actor_user(actor),
            raised_by_label=actor.label,
            raised_at=now,
            answer_deadline=add_working_days(now, FEEDBACK_WORKING_DAYS),
        )
        audit_record(
            actor=actor,
            action="push.feedback",
            obj=feedback,
            details={"push": push.pk, "text": text[:500]},
            at=now,
        )
        department_notify(
            department=feedback.answering_department,
            title=_("Feedback from %(receiver)s on %(title)s")
            % {"receiver": push.receiver.name, "title": push.title},
            body=text[:1000],
            url=reverse("notifications:push-detail", args=[push.pk]),
            now=now,
            push=push,
            kind=NoticeKind.FEEDBACK,
        )
    return feedback


def feedback_reply(*, feedback: Feedback, actor: Actor, text: str) -> FeedbackReply:
    """The sender answers feedback in the same thread; everything is kept."""
    text = text.strip()
    if not text:
        raise ValueError(_("Reply text is required."))
    now = timezone.now()
    push = feedback.push
    with transaction.atomic():
        reply = FeedbackReply.objects.create(
            feedback=feedback,
            text=text,
            replied_by=_actor_user(actor),
            replied_by_label=actor.label,
            replied_at=now,
        )
        Feedback.objects.filter(pk=feedback.pk, status=FeedbackStatus.OPEN).update(
            status=FeedbackStatus.ANSWERED, answered_at=now
        )
        # The answering department's notices of this feedback are done: they stop nagging.
        Notification.objects.filter(
            push=push,
            kind=NoticeKind.FEEDBACK,
            user__membership__department_id=feedback.answering_department_id,
            resolved_at__isnull=True,
        ).update(resolved_at=now, resolution=NoticeResolution.ANSWERED)
        if now > feedback.answer_deadline:
            OverdueRecord.objects.bulk_create(
                [
                    OverdueRecord(
                        department_id=feedback.answering_department_id,
                        obligation=Obligation.FEEDBACK_ANSWER,
                        object_type="notifications.feedback",
                        object_id=str(feedback.pk),
                        deadline=feedback.answer_deadline,
                        recorded_at=now,
                    )
                ],
                ignore_conflicts=True,
            )
        audit_record(
            actor=actor,
            action="push.feedback_reply",
            obj=reply,
            details={"push": push.pk, "feedback": feedback.pk, "text": text[:500]},
            at=now,
        )
        department_notify(
            department=push.receiver,
            title=_("%(sender)s answered your feedback on %(title)s")
            % {"sender": push.sender.name, "title": push.title},
            body=text[:1000],
            url=reverse("notifications:push-detail", args=[push.pk]),
            now=now,
            push=push,
            kind=NoticeKind.FEEDBACK,
        )
    feedback.refresh_from_db()
    return reply


def feedback_mark_overdue(*, now: datetime.datetime | None = None) -> int:
    """Charge feedback left unanswered past its answer deadline to the department that must
    answer it (set-based; the unique record makes it safe to run twice)."""
    now = now or timezone.now()
    late = list(
        Feedback.objects.filter(status=FeedbackStatus.OPEN, answer_deadline__lt=now)
        .exclude(
            Exists(
                OverdueRecord.objects.filter(
                    obligation=Obligation.FEEDBACK_ANSWER,
                    object_type="notifications.feedback",
                    object_id=Cast(OuterRef("pk"), output_field=CharField()),
                )
            )
        )
        .values_list("pk", "answering_department_id", "answer_deadline")
    )
    OverdueRecord.objects.bulk_create(
        [
            OverdueRecord(
                department_id=sender_id,
                obligation=Obligation.FEEDBACK_ANSWER,
                object_type="notifications.feedback",
                object_id=str(pk),
                deadline=deadline,
                recorded_at=now,
            )
            for pk, sender_id, deadline in late
        ],
        ignore_conflicts=True,
    )
    return len(late)

"""One reminder to the responsible department's staff 2 working hours before a deadline
(pending push, open feedback, pending verification, open inquiry), sent only within office
hours and exactly once: a unique Reminder row per object decides who sends it."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.models import Inquiry, InquiryState
from credit.models import Verification, VerificationState
from notifications.models import Feedback, FeedbackStatus, NoticeKind, Push, PushState, SmsKind
from notifications.services import DepartmentNotice, departments_notify
from notifications.sms.outbox import sms_day_label, sms_departments_record
from organizations.models import Department
from workdays.calendar import CALENDAR_TZ, is_office_hours, subtract_working_minutes

from .models import Reminder

REMIND_BEFORE_MINUTES = 120
# Office hours in a day never exceed this, so 2 working hours always lie within 3 days
# (plus the longest holiday run); candidates are read with this wide, indexed window.
LOOKAHEAD = datetime.timedelta(days=12)


@dataclass(frozen=True)
class Due:
    object_type: str
    object_id: str
    department_id: int
    deadline: datetime.datetime
    title: str
    url: str


def _candidates(now: datetime.datetime, horizon: datetime.datetime | None = None) -> Iterable[Due]:
    horizon = horizon or now + LOOKAHEAD
    for push in Push.objects.filter(
        state=PushState.PENDING, deadline__gt=now, deadline__lte=horizon
    ).only("pk", "receiver_id", "deadline", "title"):
        yield Due(
            "notifications.push",
            str(push.pk),
            push.receiver_id,
            push.deadline,
            _("Claim due at %(deadline)s: %(title)s"),
            reverse("notifications:push-detail", args=[push.pk]),
        )
    for feedback in Feedback.objects.filter(
        status=FeedbackStatus.OPEN, answer_deadline__gt=now, answer_deadline__lte=horizon
    ).select_related("push"):
        yield Due(
            "notifications.feedback",
            str(feedback.pk),
            feedback.answering_department_id,
            feedback.answer_deadline,
            _("Feedback to answer by %(deadline)s: %(title)s"),
            reverse("notifications:push-detail", args=[feedback.push_id]),
        )
    for verification in Verification.objects.filter(
        state=VerificationState.PENDING, deadline__gt=now, deadline__lte=horizon
    ).select_related("licence"):
        yield Due(
            "credit.verification",
            str(verification.pk),
            verification.department_id,
            verification.deadline,
            _("Credit verification due at %(deadline)s: %(title)s"),
            reverse("credit:verification-detail", args=[verification.pk]),
        )
    for inquiry in Inquiry.objects.filter(
        state=InquiryState.OPEN, deadline__gt=now, deadline__lte=horizon
    ):
        yield Due(
            "coordination.inquiry",
            str(inquiry.pk),
            inquiry.receiver_id,
            inquiry.deadline,
            _("Inquiry to answer by %(deadline)s: %(title)s"),
            reverse("coordination:inquiry-detail", args=[inquiry.pk]),
        )


def _subject(due: Due) -> str:
    if due.object_type == "notifications.push":
        return Push.objects.values_list("title", flat=True).get(pk=due.object_id)
    if due.object_type == "notifications.feedback":
        return Feedback.objects.values_list("push__title", flat=True).get(pk=due.object_id)
    if due.object_type == "credit.verification":
        return str(Verification.objects.select_related("licence").get(pk=due.object_id).licence)
    return Inquiry.objects.values_list("subject", flat=True).get(pk=due.object_id)


def reminders_send_due(*, now: datetime.datetime | None = None) -> int:
    """Send every reminder that is due now; returns how many were sent."""
    now = now or timezone.now()
    if not is_office_hours(now):
        return 0
    sms_deadlines_today_record(now=now)
    already = set(
        Reminder.objects.filter(sent_at__gte=now - LOOKAHEAD * 2).values_list(
            "object_type", "object_id"
        )
    )
    departments = {d.pk: d for d in Department.objects.filter(active=True)}
    sent = 0
    for due in _candidates(now):
        if (due.object_type, due.object_id) in already or due.department_id not in departments:
            continue
        if subtract_working_minutes(due.deadline, REMIND_BEFORE_MINUTES) > now:
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    object_type=due.object_type,
                    object_id=due.object_id,
                    department_id=due.department_id,
                    deadline=due.deadline,
                    sent_at=now,
                )
                notice = DepartmentNotice(
                    department_id=departments[due.department_id].pk,
                    title=due.title
                    % {
                        "deadline": due.deadline.astimezone(CALENDAR_TZ).strftime("%Y-%m-%d %H:%M"),
                        "title": _subject(due),
                    },
                    body=_("2 working hours are left before the deadline."),
                    url=due.url,
                    # A claim reminder is resolved with the push's own notice.
                    push_id=int(due.object_id) if due.object_type == "notifications.push" else None,
                    kind=NoticeKind.REMINDER,
                )
                departments_notify(notices=[notice], now=now)
        except IntegrityError:
            continue  # another sweep sent this one
        sent += 1
    return sent


def sms_deadlines_today_record(*, now: datetime.datetime) -> int:
    """One text message a day to each opted-in staff member of a department with deadlines
    due today (claims, feedback answers, verifications, inquiry replies): how many. The
    subject "deadline-today:<date>" keeps it to one per person per day, however often the
    beat runs; the first run of the day in office hours records them."""
    today = now.astimezone(CALENDAR_TZ).date()
    midnight = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(0), tzinfo=CALENDAR_TZ
    )
    counts = Counter(due.department_id for due in _candidates(now, horizon=midnight))
    departments = dict(
        Department.objects.filter(pk__in=list(counts), active=True).values_list("pk", "name")
    )
    with transaction.atomic():
        return sms_departments_record(
            kind=SmsKind.DEADLINE_TODAY,
            params={
                pk: {"department": name, "count": str(counts[pk]), "date": sms_day_label(now)}
                for pk, name in departments.items()
            },
            subject_key=f"deadline-today:{today.isoformat()}",
            now=now,
        )

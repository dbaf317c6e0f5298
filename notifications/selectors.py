"""Every non-trivial read of pushes: scoped to the actor's department first, always."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from organizations.scoping import Actor, scope_to_department
from workdays.calendar import CALENDAR_TZ, working_days_between

from .models import Feedback, FeedbackStatus, Notification, Push, PushState

INBOX_ORDER = (("state_rank", False), ("sent_at", True), ("id", True))
OUTBOX_ORDER = (("sent_at", True), ("id", True))
URGENT = datetime.timedelta(hours=2)


def pushes_inbox(*, actor: Actor) -> QuerySet[Push]:
    """Pushes the actor's department received (platform admins: everyone's)."""
    return scope_to_department(
        Push.objects.select_related("sender", "receiver"), actor=actor, via=["receiver"]
    )


def pushes_outbox(*, actor: Actor) -> QuerySet[Push]:
    return scope_to_department(
        Push.objects.select_related("sender", "receiver"), actor=actor, via=["sender"]
    )


def pushes_visible(*, actor: Actor) -> QuerySet[Push]:
    """Pushes the actor's department sent or received: anything else is not found (404)."""
    return scope_to_department(
        Push.objects.select_related("sender", "receiver", "claimed_by"),
        actor=actor,
        via=["sender", "receiver"],
    )


def push_detail(*, actor: Actor, pk: int) -> Push:
    """One visible push with its feedback thread; raises Push.DoesNotExist otherwise. The
    successor of a merged sender sees the pushes whose feedback it now answers (R21)."""
    pushes = Push.objects.select_related("sender", "receiver", "claimed_by")
    if not actor.is_platform_admin:
        department = actor.department
        if department is None:
            return pushes.none().get(pk=pk)
        pushes = pushes.filter(
            Q(sender=department)
            | Q(receiver=department)
            | Exists(Feedback.objects.filter(push=OuterRef("pk"), answering_department=department))
        )
    return pushes.prefetch_related(
        Prefetch(
            "feedback",
            queryset=Feedback.objects.order_by("raised_at", "id").prefetch_related("replies"),
        )
    ).get(pk=pk)


STATE_COUNT_CAP = 1000


def push_state_counts(
    *, queryset: QuerySet[Push], cap: int = STATE_COUNT_CAP
) -> dict[str, int | str]:
    """How many pushes per state, counted up to `cap` ("1000+" beyond): each count reads at
    most cap + 1 index entries, so a box page costs the same with a million rows as with a
    hundred (a full COUNT per page would grow with the department's history)."""
    base = queryset.order_by()
    counts: dict[str, int | str] = {}
    for state in PushState.values:
        n = base.filter(state=state)[: cap + 1].count()
        counts[state] = n if n <= cap else f"{cap}+"
    return counts


def feedback_open(*, actor: Actor) -> QuerySet[Feedback]:
    """Open feedback the actor's department raised or must answer."""
    return scope_to_department(
        Feedback.objects.filter(status=FeedbackStatus.OPEN).select_related(
            "push", "push__sender", "push__receiver"
        ),
        actor=actor,
        via=["answering_department", "push__receiver"],
    ).order_by("answer_deadline", "id")


def notifications_unread_count(*, user: object) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class TimeLeft:
    text: str
    urgent: bool
    passed: bool


def time_left(*, deadline: datetime.datetime, now: datetime.datetime, memo: dict) -> TimeLeft:
    """ "2 小时 10 分" on the deadline's day, otherwise whole working days; `memo` caches the
    working-day count per date so a page of rows costs a query or two, not one per row."""
    from django.utils.translation import gettext as _

    remaining = deadline - now
    if remaining <= datetime.timedelta(0):
        return TimeLeft(text=_("overdue"), urgent=True, passed=True)
    today = now.astimezone(CALENDAR_TZ).date()
    due_day = deadline.astimezone(CALENDAR_TZ).date()
    if due_day == today:
        hours, seconds = divmod(int(remaining.total_seconds()), 3600)
        text = _("%(h)d h %(m)d min left") % {"h": hours, "m": seconds // 60}
        return TimeLeft(text=text, urgent=remaining < URGENT, passed=False)
    key = (today, due_day)
    if key not in memo:
        memo[key] = working_days_between(today, due_day)
    days = memo[key]
    return TimeLeft(
        text=_("%(n)d working day(s) left") % {"n": days},
        urgent=remaining < URGENT,
        passed=False,
    )


def annotate_time_left(pushes: list[Push], *, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    memo: dict = {}
    for push in pushes:
        push.time_left = (
            time_left(deadline=push.deadline, now=now, memo=memo)
            if push.state == PushState.PENDING
            else None
        )


def counterparty_push_exists(*, actor: Actor, counterparty_code: str) -> bool:
    """Whether the actor's department holds a push about this counterparty (phone rule)."""
    if actor.is_platform_admin:
        return True
    if actor.department is None or not counterparty_code:
        return False
    return Push.objects.filter(
        Q(sender=actor.department) | Q(receiver=actor.department),
        counterparty_code=counterparty_code,
    ).exists()


@dataclass(frozen=True)
class DashboardCard:
    label: str
    value: int
    url: str
    alert: bool = False

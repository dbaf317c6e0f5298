"""Every non-trivial read of pushes: scoped to the actor's department first, always."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from organizations.scoping import Actor, scope_to_department
from workdays.calendar import CALENDAR_TZ, working_days_between

from .models import Feedback, FeedbackStatus, NoticeKind, Notification, Push, PushState

INBOX_ORDER = (("state_rank", False), ("sent_at", True), ("id", True))
# The outbox shows what still awaits the other side first, like the inbox (push_outbox_pending_idx).
OUTBOX_ORDER = (("state_rank", False), ("sent_at", True), ("id", True))


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
    """How many pushes per state, and in all ("all"), counted up to `cap` ("1000+" beyond):
    each count reads at most cap + 1 index entries, so a box page costs the same with a
    million rows as with a hundred (a full COUNT would grow with the department's history)."""
    base = queryset.order_by()
    groups = {state: base.filter(state=state) for state in PushState.values}
    groups["all"] = base
    counts: dict[str, int | str] = {}
    for key, rows in groups.items():
        n = rows[: cap + 1].count()
        counts[key] = n if n <= cap else f"{cap}+"
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


def notifications_unread(*, user: object) -> QuerySet[Notification]:
    """Notices still asking for attention: unread, and their work not done yet (a claimed
    push's notice stops counting, R3)."""
    return Notification.objects.filter(user=user, read_at__isnull=True, resolved_at__isnull=True)


def notifications_unread_count(*, user: object) -> int:
    return notifications_unread(user=user).count()


def notification_counts(
    *, user: object, unread_only: bool, cap: int = STATE_COUNT_CAP
) -> dict[str, int | str]:
    """The notice centre's counts, capped like the push boxes' ("1000+"): unread, all, and
    per kind within the chosen scope. A fixed number of bounded COUNTs over the user's index."""
    mine = Notification.objects.filter(user=user).order_by()
    unread = notifications_unread(user=user).order_by()
    scope = unread if unread_only else mine
    groups = {"unread": unread, "all": mine}
    groups.update({kind: scope.filter(kind=kind) for kind in NoticeKind.values})
    counts: dict[str, int | str] = {}
    for key, rows in groups.items():
        n = rows[: cap + 1].count()
        counts[key] = n if n <= cap else f"{cap}+"
    return counts


@dataclass(frozen=True)
class TimeLeft:
    """What a list shows under a deadline: the text, and whether it is due today or overdue
    (the only cases shown in red, always with the text beside the colour)."""

    text: str
    urgent: bool
    passed: bool


def time_left(*, deadline: datetime.datetime, now: datetime.datetime, memo: dict) -> TimeLeft:
    """The time left in the working-day calendar (R0): "今日 17:30 截止" on the deadline's
    day, "剩余 2 个工作日" before it, "已超期 3 个工作日" after it. `memo` caches the working-day
    count per pair of dates, so a page of rows costs a query or two, not one per row."""
    from django.utils.translation import gettext as _

    today = now.astimezone(CALENDAR_TZ).date()
    local_deadline = deadline.astimezone(CALENDAR_TZ)
    due_day = local_deadline.date()
    clock = local_deadline.strftime("%H:%M")
    if deadline <= now:
        key = (due_day, today)
        if key not in memo:
            memo[key] = working_days_between(due_day, today)
        late = memo[key]
        if late == 0 and due_day == today:
            text = _("Overdue: was due today at %(time)s") % {"time": clock}
        elif late == 0:  # a day off since the deadline: no working day missed yet
            text = _("Overdue: was due %(when)s") % {"when": local_deadline.strftime("%m-%d %H:%M")}
        else:
            text = _("Overdue by %(n)d working day(s)") % {"n": late}
        return TimeLeft(text=text, urgent=True, passed=True)
    if due_day == today:
        return TimeLeft(
            text=_("Due today at %(time)s") % {"time": clock}, urgent=True, passed=False
        )
    key = (today, due_day)
    if key not in memo:
        memo[key] = working_days_between(today, due_day)
    return TimeLeft(
        text=_("%(n)d working day(s) left") % {"n": memo[key]}, urgent=False, passed=False
    )


def _open_push_deadline(push: Push) -> datetime.datetime | None:
    return push.deadline if push.state == PushState.PENDING else None


def annotate_time_left(
    rows: Iterable[Any],
    *,
    now: datetime.datetime | None = None,
    deadline_of: Callable[[Any], datetime.datetime | None] = _open_push_deadline,
) -> None:
    """Set `row.time_left` on every row of a list with deadlines (pushes by default; other
    apps pass how to read a row's open deadline, None once the row is done). The one place
    that words a deadline, so every list says it the same way."""
    now = now or timezone.now()
    memo: dict = {}
    for row in rows:
        deadline = deadline_of(row)
        row.time_left = time_left(deadline=deadline, now=now, memo=memo) if deadline else None


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

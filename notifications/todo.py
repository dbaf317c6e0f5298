"""The to-do list of a staff member's home page: what their department must act on.

Each domain app registers one provider in its `AppConfig.ready()`; a provider returns its
department's open items with indexed, LIMITed queries (the most urgent few, plus a per-kind
count capped like the inbox's "1000+"), so the home page costs the same whatever the size of
the department's history. The home view merges them by deadline and never imports an app.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.scoping import Actor
from workdays.calendar import CALENDAR_TZ, working_days_counter

from .models import Feedback, FeedbackStatus, Push, PushState

# How many items each provider lists per kind, and how many the home page shows in all.
TODO_LIMIT = 50
# Counts stop here ("1000+"): each reads at most this many index entries.
TODO_COUNT_CAP = 1000


@dataclass(frozen=True)
class TodoAction:
    """The row's one action: a link (GET) or a small form (POST, with CSRF); `confirm` is asked
    before an irreversible POST."""

    label: str
    url: str
    method: str = "get"
    confirm: str = ""
    # Extra hidden fields of a POST form, e.g. where to come back to.
    fields: tuple[tuple[str, str], ...] = ()


@dataclass
class TodoItem:
    kind: str  # what it is, in Chinese ("待认领推送")
    title: str
    counterparty: str
    deadline: datetime.datetime | None
    url: str
    action: TodoAction | None = None
    # Filled in by todo_list(): the time left in the working-day calendar.
    time_left: str = ""
    due_today: bool = False
    overdue: bool = False

    @property
    def red(self) -> bool:
        """Red means due today or overdue, nothing else."""
        return self.due_today or self.overdue


@dataclass(frozen=True)
class TodoCount:
    kind: str
    count: int | str  # "1000+" beyond the cap
    url: str


@dataclass
class TodoBatch:
    items: list[TodoItem] = field(default_factory=list)
    counts: list[TodoCount] = field(default_factory=list)


TodoProvider = Callable[[Actor, datetime.datetime], TodoBatch]
_PROVIDERS: dict[str, TodoProvider] = {}


def todo_provider_register(name: str, provider: TodoProvider) -> None:
    """Called from an app's `AppConfig.ready()`; registering the same name again replaces it."""
    _PROVIDERS[name] = provider


def todo_providers() -> dict[str, TodoProvider]:
    return dict(_PROVIDERS)


def capped_count(queryset: QuerySet, *, cap: int = TODO_COUNT_CAP) -> int | str:
    n = queryset.order_by()[: cap + 1].count()
    return n if n <= cap else f"{cap}+"


@dataclass
class TodoList:
    items: list[TodoItem]
    counts: list[TodoCount]

    @property
    def red_count(self) -> int:
        return sum(1 for item in self.items if item.red)


def _no_deadline_last(item: TodoItem) -> tuple[int, datetime.datetime]:
    if item.deadline is None:
        return (1, datetime.datetime.max.replace(tzinfo=datetime.UTC))
    return (0, item.deadline)


def todo_list(
    *, actor: Actor, now: datetime.datetime | None = None, limit: int = TODO_LIMIT
) -> TodoList:
    """Every registered provider's items for the actor's department, merged by deadline
    (items without a deadline last), with the time left in the working-day calendar (R0)."""
    now = now or timezone.now()
    if actor.department is None:
        return TodoList(items=[], counts=[])
    items: list[TodoItem] = []
    counts: list[TodoCount] = []
    for provider in _PROVIDERS.values():
        batch = provider(actor, now)
        items += batch.items
        counts += [count for count in batch.counts if count.count]
    items.sort(key=_no_deadline_last)
    items = items[:limit]
    annotate_todo_time_left(items, now=now)
    return TodoList(items=items, counts=counts)


def annotate_todo_time_left(items: list[TodoItem], *, now: datetime.datetime) -> None:
    """ "今日 17:30 截止", "剩余 2 个工作日" or "已超期"; the working days of every row come
    from one read of the calendar's overrides."""
    today = now.astimezone(CALENDAR_TZ).date()
    due_days = [
        item.deadline.astimezone(CALENDAR_TZ).date()
        for item in items
        if item.deadline is not None and item.deadline > now
    ]
    count_to = working_days_counter(today, max(due_days)) if due_days else None
    for item in items:
        if item.deadline is None:
            item.time_left = _("no deadline")
            continue
        local = item.deadline.astimezone(CALENDAR_TZ)
        if item.deadline <= now:
            item.overdue = True
            item.time_left = _("Overdue, was due %(when)s") % {
                "when": local.strftime("%Y-%m-%d %H:%M")
            }
        elif local.date() == today:
            item.due_today = True
            item.time_left = _("Due today at %(time)s") % {"time": local.strftime("%H:%M")}
        else:
            days = count_to(local.date()) if count_to else 0
            item.time_left = _("%(n)d working day(s) left") % {"n": days}


# --- this app's provider: pushes to claim, feedback to answer ---------------------------------

PUSHES_TO_CLAIM = gettext_lazy("Push to claim")
FEEDBACK_TO_ANSWER = gettext_lazy("Feedback to answer")


def pushes_todo(actor: Actor, now: datetime.datetime) -> TodoBatch:
    """Pending pushes the department received, oldest first (a push's deadline follows its send
    time, so the inbox state index gives the most urgent without sorting the history), and
    open feedback the department must answer."""
    department = actor.department
    pending = Push.objects.filter(receiver=department, state=PushState.PENDING)
    inbox_url = reverse("notifications:inbox")
    items = [
        TodoItem(
            kind=str(PUSHES_TO_CLAIM),
            title=push.title,
            counterparty=push.counterparty_name or push.sender.name,
            deadline=push.deadline,
            url=reverse("notifications:push-detail", args=[push.pk]),
            action=TodoAction(
                label=_("Claim"),
                url=reverse("notifications:claim", args=[push.pk]),
                method="post",
                confirm=_("Claim this push? A claim cannot be undone."),
                fields=(("next", "home"),),
            ),
        )
        for push in pending.select_related("sender").order_by("sent_at", "id")[:TODO_LIMIT]
    ]
    feedback = Feedback.objects.filter(
        status=FeedbackStatus.OPEN, answering_department=department
    ).select_related("push__receiver")
    items += [
        TodoItem(
            kind=str(FEEDBACK_TO_ANSWER),
            title=item.push.title,
            counterparty=item.push.receiver.name,
            deadline=item.answer_deadline,
            url=reverse("notifications:push-detail", args=[item.push_id]),
            action=TodoAction(
                label=_("Answer"),
                url=reverse("notifications:push-detail", args=[item.push_id]),
            ),
        )
        for item in feedback.order_by("answer_deadline", "id")[:TODO_LIMIT]
    ]
    counts = [
        TodoCount(str(PUSHES_TO_CLAIM), capped_count(pending), f"{inbox_url}?state=pending"),
        TodoCount(str(FEEDBACK_TO_ANSWER), capped_count(feedback), inbox_url),
    ]
    return TodoBatch(items=items, counts=counts)


def register() -> None:
    todo_provider_register("notifications", pushes_todo)

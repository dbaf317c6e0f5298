"""What the home pages add to the to-do list: a head's timeliness figures (R18) and the
platform admin's overview. Figures over a month of pushes are cached for a few minutes — a head
needs this month's rate, not this second's — so opening the home page costs indexed reads of
open work, whatever the size of the history."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import (
    Delivery,
    DeliveryStatus,
    Feedback,
    Obligation,
    OverdueRecord,
    Push,
    PushState,
    SmsDelivery,
    SmsStatus,
)
from notifications.todo import TODO_COUNT_CAP, capped_count
from organizations.models import Department
from workdays.calendar import CALENDAR_TZ

from .models import MonthlyReport

FIGURES_CACHE_SECONDS = 300
TREND_MONTHS = 12
OVERDUE_SHOWN = 50
FAILED_SHOWN = 20
SYSTEM_LABEL = "system"


def month_start(moment: datetime.datetime) -> datetime.datetime:
    local = moment.astimezone(CALENDAR_TZ)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _months_back(first: datetime.date, n: int) -> list[datetime.date]:
    months = []
    year, month = first.year, first.month
    for _i in range(n):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


@dataclass(frozen=True)
class MonthRate:
    month: datetime.date
    department: float | None  # on-time claim rate, 0..1; None when nothing was due
    platform: float | None
    from_report: bool

    @property
    def department_percent(self) -> int | None:
        return None if self.department is None else round(100 * self.department)

    @property
    def platform_percent(self) -> int | None:
        return None if self.platform is None else round(100 * self.platform)


def _rate(on_time: int, auto: int) -> float | None:
    done = on_time + auto
    return on_time / done if done else None


def _rates_from_reports(
    department: Department, months: list[datetime.date]
) -> dict[datetime.date, tuple[float | None, float | None]]:
    """The compiled monthly reports' figures (latest version of each month): only the push
    rows are read out of the snapshot, never its accountability list."""
    rates: dict[datetime.date, tuple[float | None, float | None]] = {}
    rows = (
        MonthlyReport.objects.filter(month__in=months)
        .order_by("month", "-version")
        .values_list("month", "data__pushes")
    )
    for month, pushes in rows:
        if month in rates or not isinstance(pushes, list):
            continue
        on_time = auto = 0
        mine: float | None = None
        for row in pushes:
            if row.get("received") is None:
                continue
            on_time += row.get("claimed_on_time") or 0
            auto += row.get("auto_claimed") or 0
            if row.get("department") == department.code:
                mine = _rate(row.get("claimed_on_time") or 0, row.get("auto_claimed") or 0)
        rates[month] = (mine, _rate(on_time, auto))
    return rates


def _due_ranges(
    months: list[datetime.date], now: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The months as deadline ranges up to `now`, neighbouring months merged into one range
    (one index range scan instead of one per month)."""
    ranges: list[tuple[datetime.datetime, datetime.datetime]] = []
    for month in sorted(months):
        start = datetime.datetime.combine(month, datetime.time(), tzinfo=CALENDAR_TZ)
        end = min((start + datetime.timedelta(days=32)).replace(day=1), now)
        if start >= end:
            continue
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


MonthCounts = dict[datetime.date, dict[int, tuple[int, int]]]


def _month_counts(months: list[datetime.date], now: datetime.datetime) -> MonthCounts:
    """Per month and receiving department: claimed on time, auto-claimed (R4), as the monthly
    report counts them. One grouped query over the pushes due in `months` (up to now) that
    reads the (deadline, receiver, state) index alone; shared by every department's head for
    a few minutes, since it holds all departments' figures at once."""
    key = f"home:on-time-months:{now.astimezone(CALENDAR_TZ):%Y-%m}:" + ",".join(
        f"{m:%Y-%m}" for m in sorted(months)
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    due = Q(pk__in=[])
    for start, end in _due_ranges(months, now):
        due |= Q(deadline__gte=start, deadline__lt=end)
    rows = (
        Push.objects.filter(due, state__in=[PushState.CLAIMED, PushState.AUTO_CLAIMED])
        .annotate(month=TruncMonth("deadline", tzinfo=CALENDAR_TZ))
        .values_list("month", "receiver_id", "state")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts: dict[datetime.date, dict[int, list[int]]] = {}
    for month, receiver_id, state, n in rows:
        month = month.date() if isinstance(month, datetime.datetime) else month
        pair = counts.setdefault(month, {}).setdefault(receiver_id, [0, 0])
        pair[0 if state == PushState.CLAIMED else 1] += n
    result = {
        month: {receiver: (pair[0], pair[1]) for receiver, pair in by_receiver.items()}
        for month, by_receiver in counts.items()
    }
    cache.set(key, result, FIGURES_CACHE_SECONDS)
    return result


def _rates_computed(
    department: Department, months: list[datetime.date], now: datetime.datetime
) -> dict[datetime.date, tuple[float | None, float | None]]:
    """The department's and the platform's on-time rate of each month: on time = claimed
    before the deadline, late = auto-claimed (R4), as the monthly report counts them."""
    if not months:
        return {}
    rates: dict[datetime.date, tuple[float | None, float | None]] = {}
    for month, by_receiver in _month_counts(months, now).items():
        on_time = sum(pair[0] for pair in by_receiver.values())
        auto = sum(pair[1] for pair in by_receiver.values())
        mine = by_receiver.get(department.pk, (0, 0))
        rates[month] = (_rate(*mine), _rate(on_time, auto))
    return rates


def on_time_trend(*, department: Department, now: datetime.datetime) -> list[MonthRate]:
    """The department's and the platform's on-time claim rate for this month (so far) and the
    11 before it: compiled monthly reports where they exist, otherwise computed in one grouped
    query. Cached for a few minutes per department."""
    this_month = month_start(now).date()
    key = f"home:on-time-trend:{department.pk}:{this_month:%Y-%m}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    months = _months_back(this_month, TREND_MONTHS)
    reported = _rates_from_reports(department, [m for m in months if m != this_month])
    computed = _rates_computed(department, [m for m in months if m not in reported], now)
    trend = []
    for month in months:
        if month in reported:
            mine, platform = reported[month]
        else:
            mine, platform = computed.get(month, (None, None))
        trend.append(MonthRate(month, mine, platform, from_report=month in reported))
    cache.set(key, trend, FIGURES_CACHE_SECONDS)
    return trend


@dataclass(frozen=True)
class OverdueRow:
    what: str
    title: str
    counterparty: str
    deadline: datetime.datetime
    held_by: str
    url: str


def overdue_this_month(
    *, department: Department, now: datetime.datetime, limit: int = OVERDUE_SHOWN
) -> tuple[list[OverdueRow], int | str]:
    """The department's accountability records due this month (R4, R18): the push or feedback
    with its counterparty and deadline and who held it — the claimer, or 系统自动 when the
    platform claimed it at the deadline. Three queries whatever the number of rows."""
    records = OverdueRecord.objects.filter(
        department=department, deadline__gte=month_start(now), deadline__lt=now
    )
    shown = list(records.order_by("-deadline", "-id")[:limit])
    ids = {
        object_type: [int(r.object_id) for r in shown if r.object_type == object_type]
        for object_type in ("notifications.push", "notifications.feedback")
    }
    pushes = Push.objects.select_related("sender", "claimed_by").in_bulk(ids["notifications.push"])
    feedback = Feedback.objects.select_related("push", "push__receiver").in_bulk(
        ids["notifications.feedback"]
    )
    rows = []
    for record in shown:
        what = Obligation(record.obligation).label
        title, counterparty, held_by, url = "", "", "", ""
        if record.object_type == "notifications.push" and int(record.object_id) in pushes:
            push = pushes[int(record.object_id)]
            title = push.title
            counterparty = push.counterparty_name or push.sender.name
            held_by = _claimer(push)
            url = reverse("notifications:push-detail", args=[push.pk])
        elif record.object_type == "notifications.feedback" and int(record.object_id) in feedback:
            item = feedback[int(record.object_id)]
            title = item.push.title
            counterparty = item.push.receiver.name
            held_by = department.name
            url = reverse("notifications:push-detail", args=[item.push_id])
        else:
            held_by = department.name
        rows.append(OverdueRow(str(what), title, counterparty, record.deadline, held_by, url))
    return rows, capped_count(records)


def _claimer(push: Push) -> str:
    if push.claimed_by_id is None or push.claimed_by_label == SYSTEM_LABEL:
        return _("Auto-claimed by the system")
    user = push.claimed_by
    return user.get_full_name() or push.claimed_by_label


# --- the platform admin ----------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentLoad:
    department: Department
    overdue: int
    pending: int


def departments_by_load(*, now: datetime.datetime) -> list[DepartmentLoad]:
    """Active departments ranked by this month's overdue records, then by pushes waiting to be
    claimed: two grouped queries over this month's records and the open pushes."""
    overdue = dict(
        OverdueRecord.objects.filter(deadline__gte=month_start(now), deadline__lt=now)
        .values_list("department_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    pending = dict(
        Push.objects.filter(state=PushState.PENDING)
        .values_list("receiver_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    loads = [
        DepartmentLoad(d, overdue.get(d.pk, 0), pending.get(d.pk, 0))
        for d in Department.objects.filter(active=True).order_by("kind", "code")
    ]
    loads.sort(key=lambda load: (-load.overdue, -load.pending))
    return loads


def deliveries_failed(*, limit: int = FAILED_SHOWN) -> tuple[list[Delivery], int | str]:
    """E-mail and webhook deliveries that gave up, newest first, for the admin to look at."""
    failed = Delivery.objects.filter(status=DeliveryStatus.FAILED)
    rows = list(failed.select_related("department").order_by("-created_at", "-id")[:limit])
    return rows, capped_count(failed, cap=TODO_COUNT_CAP)


def sms_undelivered(*, limit: int = FAILED_SHOWN) -> tuple[list[SmsDelivery], int | str]:
    """Text messages the gateway refused for good or kept failing on, newest first, and how
    many ("20+" past the rows shown): one query."""
    undelivered = SmsDelivery.objects.filter(status__in=[SmsStatus.REFUSED, SmsStatus.FAILED])
    rows = list(
        undelivered.select_related("recipient", "department").order_by("-created_at", "-id")[
            : limit + 1
        ]
    )
    return rows[:limit], len(rows) if len(rows) <= limit else f"{limit}+"

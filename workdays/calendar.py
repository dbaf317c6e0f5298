"""The working-day calendar (R0) and deadline arithmetic (R0.1).

Sources for one date, strongest first:
1. an admin's ``WorkdayOverride`` for that date;
2. the State Council calendar shipped in the ``chinese-calendar`` package (its years only);
3. Monday to Friday. A year covered neither by the package nor by a ``CalendarYear`` row is
   "uncovered": deadlines still compute, but admins are warned (see ``checks.py``).
"""

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as package_data
from django.conf import settings
from django.utils import timezone

from .models import CalendarYear, WorkdayOverride

# R0 fixes the calendar's zone, whatever the deployment's TIME_ZONE says.
CALENDAR_TZ = ZoneInfo("Asia/Shanghai")
ONE_DAY = dt.timedelta(days=1)

# The package refuses dates outside [first holiday year, last holiday year]; mirror that.
PACKAGE_YEARS = range(min(package_data.holidays).year, max(package_data.holidays).year + 1)


def calendar_today() -> dt.date:
    """Today's date in the calendar's zone (Asia/Shanghai)."""
    return timezone.now().astimezone(CALENDAR_TZ).date()


def package_covers(year: int) -> bool:
    """Whether the installed chinese-calendar package knows the official calendar of `year`."""
    return year in PACKAGE_YEARS


def package_is_working_day(day: dt.date) -> bool | None:
    """The package's answer for `day`, or None when it has no data for that year."""
    if not package_covers(day.year):
        return None
    return bool(chinese_calendar.is_workday(day))


def _default_is_working_day(day: dt.date) -> bool:
    official = package_is_working_day(day)
    if official is None:
        return day.weekday() < 5
    return official


def _require_date(day: dt.date, name: str) -> None:
    # A datetime is a date subclass, but comparing it with DateField values silently misleads.
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(day).__name__}")


def _overrides_between(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """Every admin override with first <= date <= last, in one query."""
    rows = WorkdayOverride.objects.filter(date__range=(first, last)).values_list(
        "date", "is_working_day"
    )
    return dict(rows)


def _working_days_after(day: dt.date, *, chunk_days: int) -> Iterator[dt.date]:
    """Yield the working days strictly after `day`, in order.

    Overrides are fetched one chunk of `chunk_days` days at a time, so a deadline costs one
    query unless an unusually long run of days off pushes it past the first chunk.
    """
    first = day + ONE_DAY
    while True:
        last = first + dt.timedelta(days=chunk_days - 1)
        overrides = _overrides_between(first, last)
        current = first
        while current <= last:
            working = overrides.get(current)
            if working is None:
                working = _default_is_working_day(current)
            if working:
                yield current
            current += ONE_DAY
        first = last + ONE_DAY


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a working day: admin override, else the package, else Monday–Friday."""
    _require_date(day, "day")
    override = (
        WorkdayOverride.objects.filter(date=day).values_list("is_working_day", flat=True).first()
    )
    if override is not None:
        return override
    return _default_is_working_day(day)


def add_working_days(start: dt.datetime, n: int) -> dt.datetime:
    """The deadline "within `n` working days" of an event at `start` (R0.1).

    The day of `start` (in Asia/Shanghai) never counts, whatever the hour and whether or not
    it is a working day (Civil Code Art. 201); the deadline is the close of office hours
    (``settings.WORKDAY_CLOSE``) of the n-th working day after it (Art. 203). Returns an aware
    datetime in Asia/Shanghai. Raises ValueError for a naive `start` or for n < 1.
    """
    if not isinstance(start, dt.datetime):
        raise TypeError(f"start must be a datetime.datetime, not {type(start).__name__}")
    if timezone.is_naive(start):
        raise ValueError("start must be an aware datetime")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    event_day = start.astimezone(CALENDAR_TZ).date()
    # Twice n plus a month leaves room for the longest holiday runs (Spring Festival).
    working_days = _working_days_after(event_day, chunk_days=2 * n + 31)
    last_day = next(itertools.islice(working_days, n - 1, None))
    return dt.datetime.combine(last_day, settings.WORKDAY_CLOSE, tzinfo=CALENDAR_TZ)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The number of working days d with start < d <= end; 0 when end <= start.

    `start` itself is excluded, like the day of an event under R0.1, so
    ``working_days_between(event_day, deadline_day) == n`` for a deadline computed by
    ``add_working_days(event, n)`` — handy for "how many working days has this taken".
    """
    _require_date(start, "start")
    _require_date(end, "end")
    if end <= start:
        return 0
    overrides = _overrides_between(start + ONE_DAY, end)
    count = 0
    current = start + ONE_DAY
    while current <= end:
        working = overrides.get(current)
        if working is None:
            working = _default_is_working_day(current)
        if working:
            count += 1
        current += ONE_DAY
    return count


def uncovered_years(years: Iterable[int]) -> list[int]:
    """The years, sorted and without repeats, covered neither by the package nor by an
    imported or admin-registered ``CalendarYear``. One query at most."""
    wanted = sorted({year for year in years if not package_covers(year)})
    if not wanted:
        return []
    loaded = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in loaded]


def _office_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(day, settings.WORKDAY_OPEN, tzinfo=CALENDAR_TZ),
        dt.datetime.combine(day, settings.WORKDAY_CLOSE, tzinfo=CALENDAR_TZ),
    )


def working_minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Minutes of office hours (WORKDAY_OPEN–WORKDAY_CLOSE on working days) between two aware
    moments; 0 when end <= start. One query for the overrides of the whole span."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("start and end must be aware datetimes")
    if end <= start:
        return 0
    first = start.astimezone(CALENDAR_TZ).date()
    last = end.astimezone(CALENDAR_TZ).date()
    overrides = _overrides_between(first, last)
    total = 0.0
    day = first
    while day <= last:
        working = overrides.get(day)
        if working is None:
            working = _default_is_working_day(day)
        if working:
            opens, closes = _office_window(day)
            overlap = min(end, closes) - max(start, opens)
            if overlap > dt.timedelta(0):
                total += overlap.total_seconds() / 60
        day += ONE_DAY
    return int(total)


def subtract_working_minutes(moment: dt.datetime, minutes: int) -> dt.datetime:
    """The moment `minutes` of office hours before `moment` (e.g. a reminder 2 working hours
    before a deadline at 17:30 falls at 15:30 the same working day)."""
    if timezone.is_naive(moment):
        raise ValueError("moment must be an aware datetime")
    remaining = dt.timedelta(minutes=minutes)
    current = moment.astimezone(CALENDAR_TZ)
    day = current.date()
    overrides = _overrides_between(day - dt.timedelta(days=60), day)
    for _step in range(400):
        working = overrides.get(day)
        if working is None:
            working = _default_is_working_day(day)
        if working:
            opens, closes = _office_window(day)
            available_end = min(current, closes)
            if available_end > opens:
                span = available_end - opens
                if span >= remaining:
                    return available_end - remaining
                remaining -= span
        day -= ONE_DAY
        current = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=CALENDAR_TZ)
    raise ValueError("no working time found within 400 days")


def is_office_hours(moment: dt.datetime) -> bool:
    """Whether `moment` falls within office hours of a working day (reminders go out only then)."""
    local = moment.astimezone(CALENDAR_TZ)
    if not is_working_day(local.date()):
        return False
    opens, closes = _office_window(local.date())
    return opens <= local <= closes

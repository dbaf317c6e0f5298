"""The working-day calendar (R0) and deadline arithmetic (R0.1).

Sources for one date, strongest first:
1. an admin's ``WorkdayOverride`` for that date;
2. the State Council calendar shipped in the ``chinese-calendar`` package (its years only);
3. for a year whose notice has been loaded (a ``CalendarYear`` row): Monday to Friday, since
   the notice's days are overrides already;
4. for a year covered by neither ("uncovered"): weekends and the statutory holidays of the law
   (``statutory.py``) are days off. These holidays are provisional and the notice's adjusted
   working weekends (调休) unknown, so admins are warned until it is loaded (``checks.py``).
"""

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as package_data
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import CalendarYear
from .statutory import FIRST_YEAR as STATUTORY_RULES_FIRST_YEAR
from .statutory import statutory_holidays

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


def provisional_holidays(year: int) -> Mapping[dt.date, str]:
    """The statutory holidays that stand in for `year`'s notice while it is not loaded: empty
    for a year the package covers and for years before the 2024 holiday rules."""
    if package_covers(year) or year < STATUTORY_RULES_FIRST_YEAR:
        return {}
    return statutory_holidays(year)


def _require_date(day: dt.date, name: str) -> None:
    # A datetime is a date subclass, but comparing it with DateField values silently misleads.
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(day).__name__}")


# WorkdayOverride's table and columns (a test holds them to the model).
_OVERRIDES_SQL = (
    'SELECT "date", "is_working_day" FROM "workdays_workdayoverride" WHERE "date" BETWEEN %s AND %s'
)


def _overrides_between(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """Every admin override with first <= date <= last, in one query. Written out once
    rather than built by the ORM for each call: every push's deadline reads it, and
    building the query took longer than running it (make bench, P1)."""
    with connection.cursor() as cursor:
        cursor.execute(_OVERRIDES_SQL, [first, last])
        return {_as_date(day): bool(working) for day, working in cursor.fetchall()}


def _as_date(value: dt.date | str) -> dt.date:
    # SQLite returns the stored ISO text; PostgreSQL a date.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class _DayRules:
    """Decides whether each day is a working day, from the admin overrides of one span (read
    at once) down to the provisional holidays.

    Whether a year's notice is loaded matters only on a provisional holiday that falls on a
    weekday, so it is asked for then, once per year: a deadline that meets none costs nothing
    more than its overrides.
    """

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self._overrides = _overrides_between(first, last)
        self._notice_loaded: dict[int, bool] = {}

    def is_working(self, day: dt.date) -> bool:
        override = self._overrides.get(day)
        if override is not None:
            return override
        official = package_is_working_day(day)
        if official is not None:
            return official
        if day.weekday() >= 5:
            return False
        if day not in provisional_holidays(day.year):
            return True
        # A loaded notice is authoritative: its holidays are overrides, its other days work.
        return self._is_notice_loaded(day.year)

    def _is_notice_loaded(self, year: int) -> bool:
        if year not in self._notice_loaded:
            self._notice_loaded[year] = CalendarYear.objects.filter(year=year).exists()
        return self._notice_loaded[year]


def _working_days_after(day: dt.date, *, chunk_days: int) -> Iterator[dt.date]:
    """Yield the working days strictly after `day`, in order.

    Overrides are fetched one chunk of `chunk_days` days at a time, so a deadline costs one
    query unless an unusually long run of days off pushes it past the first chunk.
    """
    first = day + ONE_DAY
    while True:
        last = first + dt.timedelta(days=chunk_days - 1)
        rules = _DayRules(first, last)
        current = first
        while current <= last:
            if rules.is_working(current):
                yield current
            current += ONE_DAY
        first = last + ONE_DAY


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a working day: admin override, else the package, else Monday–Friday
    less (while the year's notice is not loaded) the statutory holidays."""
    _require_date(day, "day")
    return _DayRules(day, day).is_working(day)


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
    rules = _DayRules(start + ONE_DAY, end)
    count = 0
    current = start + ONE_DAY
    while current <= end:
        if rules.is_working(current):
            count += 1
        current += ONE_DAY
    return count


def working_days_counter(start: dt.date, last: dt.date) -> Callable[[dt.date], int]:
    """``working_days_between(start, d)`` for every d up to `last`, from one read of the
    overrides: a page that shows many deadlines pays one query, not one per distinct day.
    Days past `last` count as `last` does (callers pass the furthest day they show)."""
    _require_date(start, "start")
    _require_date(last, "last")
    counts: dict[dt.date, int] = {}
    if last > start:
        rules = _DayRules(start + ONE_DAY, last)
        count = 0
        current = start + ONE_DAY
        while current <= last:
            count += rules.is_working(current)
            counts[current] = count
            current += ONE_DAY

    def count_to(day: dt.date) -> int:
        if day <= start:
            return 0
        return counts.get(min(day, last), 0)

    return count_to


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
    _require_aware(start, end)
    if end <= start:
        return 0
    rules = _DayRules(start.astimezone(CALENDAR_TZ).date(), end.astimezone(CALENDAR_TZ).date())
    return _office_minutes(start, end, rules)


def working_minutes_counter(
    first: dt.date, last: dt.date
) -> Callable[[dt.datetime, dt.datetime], int]:
    """``working_minutes_between`` for many spans within the days first..last, from one read
    of the overrides (a report with many late records pays one query, not one per record)."""
    _require_date(first, "first")
    _require_date(last, "last")
    rules = _DayRules(first, last)

    def between(start: dt.datetime, end: dt.datetime) -> int:
        _require_aware(start, end)
        if end <= start:
            return 0
        if (
            start.astimezone(CALENDAR_TZ).date() < first
            or end.astimezone(CALENDAR_TZ).date() > last
        ):
            return working_minutes_between(start, end)  # outside the span read at once
        return _office_minutes(start, end, rules)

    return between


def _require_aware(*moments: dt.datetime) -> None:
    if any(timezone.is_naive(moment) for moment in moments):
        raise ValueError("start and end must be aware datetimes")


def _office_minutes(start: dt.datetime, end: dt.datetime, rules: "_DayRules") -> int:
    total = 0.0
    day = start.astimezone(CALENDAR_TZ).date()
    last = end.astimezone(CALENDAR_TZ).date()
    while day <= last:
        if rules.is_working(day):
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
    rules = _DayRules(day - dt.timedelta(days=60), day)
    for _step in range(400):
        if rules.is_working(day):
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


def office_hours_next(moment: dt.datetime) -> dt.datetime:
    """`moment` itself within office hours, else the next opening (WORKDAY_OPEN of the next
    working day, or of this one when it has not opened yet): when a message that may go out
    only in office hours waits until."""
    if timezone.is_naive(moment):
        raise ValueError("moment must be an aware datetime")
    local = moment.astimezone(CALENDAR_TZ)
    day = local.date()
    if is_working_day(day):
        opens, closes = _office_window(day)
        if local < opens:
            return opens
        if local <= closes:
            return moment
    following = next(_working_days_after(day, chunk_days=14))
    return _office_window(following)[0]

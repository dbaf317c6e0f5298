"""Reads about the calendar's coverage, shared by the system check, the admin and the pages."""

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext

from .calendar import calendar_today, provisional_holidays, uncovered_years
from .statutory import statutory_holiday_runs

# Staff pages show the warning on every request; recomputing it at most this often is plenty.
COVERAGE_CACHE_SECONDS = 600


def calendar_years_ahead() -> list[int]:
    """The years deadlines are being computed into now: this year and the next."""
    this_year = calendar_today().year
    return [this_year, this_year + 1]


def _coverage_cache_key(this_year: int) -> str:
    return f"workdays:uncovered-years-ahead:{this_year}"


def calendar_uncovered_years_ahead(*, use_cache: bool = False) -> list[int]:
    """This year and next year, when neither the package nor a loaded notice covers them."""
    years = calendar_years_ahead()
    if not use_cache:
        return uncovered_years(years)
    key = _coverage_cache_key(years[0])
    cached = cache.get(key)
    if cached is None:
        cached = uncovered_years(years)
        cache.set(key, cached, COVERAGE_CACHE_SECONDS)
    return list(cached)


def calendar_forget_cached_coverage(**kwargs: Any) -> None:
    """Drop the cached coverage (connected to CalendarYear's post_save and post_delete)."""
    cache.delete(_coverage_cache_key(calendar_today().year))


def _month_day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def provisional_days_text(year: int) -> str:
    """The provisional days off of an uncovered `year`, festival by festival, in Chinese
    ("元旦 1月1日、春节 2月5日至8日、…"); empty when no statutory rules apply to it."""
    if not provisional_holidays(year):
        return ""
    runs = []
    for festival, first, last in statutory_holiday_runs(year):
        if first == last:
            runs.append(f"{festival} {_month_day(first)}")
        elif first.month == last.month:
            runs.append(f"{festival} {_month_day(first)}至{last.day}日")
        else:
            runs.append(f"{festival} {_month_day(first)}至{_month_day(last)}")
    return "、".join(runs)


def calendar_warning_text(year: int) -> str:
    """The warning shown to admins for a year without an official calendar: which days off
    are provisional, until the year's notice is loaded."""
    days = provisional_days_text(year)
    if not days:
        return gettext(
            "The public holidays of %(year)s have not been loaded: working days in %(year)s "
            "are counted Monday to Friday for now. Import the State Council holiday notice."
        ) % {"year": year}
    return gettext(
        "The State Council holiday notice for %(year)s has not been loaded. These days off "
        "are provisional, worked out from the national holiday regulations: %(days)s. "
        "Adjusted working days are unknown; every other Monday to Friday counts as a working "
        "day for now. Import the notice."
    ) % {"year": year, "days": days}

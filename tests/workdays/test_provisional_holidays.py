"""A year with neither package data nor a loaded notice: 2027, as seen on 2026-11-25."""

import datetime as dt

import pytest

from tests.workdays.helpers import at, close_of
from workdays.calendar import (
    add_working_days,
    is_working_day,
    package_covers,
    working_days_between,
    working_minutes_between,
)
from workdays.csv_import import OverrideRow
from workdays.models import CalendarYear, WorkdayOverride
from workdays.services import calendar_import_notice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_2026_11_25")]

D = dt.date


def test_2027_is_simulated_as_a_year_the_package_does_not_cover():
    assert package_covers(2026)
    assert not package_covers(2027)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Fri Jan 1 is 元旦, Jan 2-3 a weekend: never due on New Year's Day.
        ("2026-12-31T10:00", 1, "2027-01-04"),
        ("2026-12-31T10:00", 2, "2027-01-05"),
        ("2026-12-30T16:00", 1, "2026-12-31"),
        ("2026-12-30T16:00", 2, "2027-01-04"),
        # 春节: Fri Feb 5 (除夕) to Mon Feb 8 (初三), around a weekend.
        ("2027-02-04T10:00", 1, "2027-02-09"),
        ("2027-02-03T10:00", 2, "2027-02-09"),
        ("2027-02-05T10:00", 1, "2027-02-09"),
        # 清明: Mon Apr 5.
        ("2027-04-02T10:00", 1, "2027-04-06"),
        # 劳动节 May 1-2 falls on a weekend; the notice may add a day, the law does not.
        ("2027-04-30T10:00", 1, "2027-05-03"),
        # 端午 Wed Jun 9, 中秋 Wed Sep 15.
        ("2027-06-08T10:00", 1, "2027-06-10"),
        ("2027-09-14T10:00", 1, "2027-09-16"),
        # 国庆: Fri Oct 1 to Sun Oct 3.
        ("2027-09-30T10:00", 1, "2027-10-04"),
    ],
)
def test_a_deadline_in_an_uncovered_year_skips_its_statutory_holidays(start: str, n: int, due: str):
    """R0, R0.1: without a notice the law's holidays are still days off, not Monday–Friday."""
    assert add_working_days(at(start), n) == close_of(due)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2027, 1, 1), False),  # 元旦, a Friday
        (D(2027, 1, 2), False),  # Saturday
        (D(2027, 1, 4), True),  # an ordinary Monday
        (D(2027, 2, 5), False),  # 除夕
        (D(2027, 2, 8), False),  # 正月初三
        (D(2027, 2, 9), True),  # 正月初四
        (D(2027, 4, 5), False),  # 清明
        (D(2027, 6, 9), False),  # 端午
        (D(2027, 9, 15), False),  # 中秋
        (D(2027, 10, 4), True),  # the law gives National Day three days only
    ],
)
def test_an_uncovered_year_is_weekends_and_statutory_holidays_off(day: dt.date, working: bool):
    """R0: only the 调休 swaps stay unknown; the statutory holidays are known."""
    assert is_working_day(day) is working


def test_working_days_across_an_uncovered_spring_festival_count_none_of_its_days():
    """R0: Feb 4 (Thu), then Feb 9-12: the festival and its weekend are not counted."""
    assert working_days_between(D(2027, 2, 3), D(2027, 2, 12)) == 5


def test_no_office_minutes_are_counted_on_a_provisional_holiday():
    """R0: reminders and durations see the same days off as deadlines."""
    assert working_minutes_between(at("2027-04-05T08:00"), at("2027-04-05T18:00")) == 0


def test_an_override_wins_over_a_provisional_holiday():
    """R0: an admin override decides its date, whatever the law's holidays would give."""
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_working_day=True, note="test")
    assert is_working_day(D(2027, 1, 1)) is True
    assert add_working_days(at("2026-12-31T10:00"), 1) == close_of("2027-01-01")


def test_once_the_notice_is_imported_it_alone_decides_the_year():
    """R0: the imported notice is authoritative; its 调休 days count and the provisional rule
    stops for 2027, so a date it does not name is an ordinary day."""
    rows = [
        OverrideRow(line=2, date=D(2027, 2, 5), is_working_day=False, note="春节"),
        OverrideRow(line=3, date=D(2027, 2, 8), is_working_day=False, note="春节"),
        OverrideRow(line=4, date=D(2027, 2, 9), is_working_day=False, note="春节"),
        OverrideRow(line=5, date=D(2027, 2, 20), is_working_day=True, note="春节调休上班"),
    ]
    calendar_import_notice(rows=rows, by=None, source="test.csv")
    assert add_working_days(at("2027-02-04T10:00"), 1) == close_of("2027-02-10")
    assert is_working_day(D(2027, 2, 20)) is True
    assert is_working_day(D(2027, 4, 5)) is True


def test_a_year_registered_as_loaded_is_no_longer_provisional():
    """R0: a CalendarYear row marks the notice as loaded, imported or entered by hand."""
    CalendarYear.objects.create(year=2027, note="国务院办公厅通知已登记")
    assert is_working_day(D(2027, 1, 1)) is True


def test_a_deadline_that_meets_no_provisional_holiday_costs_one_query(
    django_assert_num_queries,
):
    """R0.1: whether the notice is loaded is asked only on a provisional weekday holiday."""
    with django_assert_num_queries(1):
        assert add_working_days(at("2027-03-01T10:00"), 5) == close_of("2027-03-08")


def test_a_deadline_across_provisional_holidays_asks_once_whether_the_notice_is_loaded(
    django_assert_num_queries,
):
    """R0.1: Jan 1 and the Spring Festival days share one look-up of 2027's notice."""
    with django_assert_num_queries(2):
        add_working_days(at("2026-12-31T10:00"), 30)


def test_years_before_the_2024_rules_without_package_data_stay_monday_to_friday():
    """R0: the statutory holidays computed are those of the 2024 rules, from 2025 on."""
    assert not package_covers(2003)
    assert is_working_day(D(2003, 1, 1)) is True

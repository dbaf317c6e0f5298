import datetime as dt

import pytest

from tests.workdays.helpers import at, close_of
from workdays.calendar import (
    add_working_days,
    is_working_day,
    uncovered_years,
    working_days_between,
)
from workdays.models import CalendarYear, WorkdayOverride

pytestmark = pytest.mark.django_db


# National Day 2026 (the spec example): Oct 1-7 off, Sat Oct 10 an adjusted working day.


def test_a_push_on_national_day_eve_is_due_on_thursday_october_8_at_close_of_office():
    deadline = add_working_days(at("2026-09-30T10:00"), 1)
    assert deadline == close_of("2026-10-08")
    assert deadline.isoformat() == "2026-10-08T17:30:00+08:00"


def test_ten_working_days_after_national_day_eve_include_the_adjusted_saturday():
    # Oct 8, 9, 10 (Sat, adjusted), 12, 13, 14, 15, 16, 19, 20.
    assert add_working_days(at("2026-09-30T10:00"), 10) == close_of("2026-10-20")


def test_an_event_during_the_national_day_holiday_counts_from_the_next_working_day():
    assert add_working_days(at("2026-10-03T11:00"), 1) == close_of("2026-10-08")


def test_the_adjusted_working_saturday_after_national_day_is_a_working_day():
    assert is_working_day(dt.date(2026, 10, 10)) is True
    assert is_working_day(dt.date(2026, 10, 11)) is False


# Spring Festival 2026: Feb 15-23 off, Saturdays Feb 14 and Feb 28 are working days.


def test_spring_festival_2026_adjusted_saturdays_are_working_days():
    assert is_working_day(dt.date(2026, 2, 14)) is True
    assert is_working_day(dt.date(2026, 2, 28)) is True
    assert [is_working_day(dt.date(2026, 2, day)) for day in range(15, 24)] == [False] * 9


def test_a_friday_event_before_spring_festival_is_due_on_the_adjusted_saturday():
    assert add_working_days(at("2026-02-13T09:00"), 1) == close_of("2026-02-14")


def test_an_event_on_the_adjusted_saturday_skips_the_whole_spring_festival():
    assert add_working_days(at("2026-02-14T15:00"), 1) == close_of("2026-02-24")


def test_the_second_adjusted_saturday_after_spring_festival_counts_too():
    assert add_working_days(at("2026-02-27T10:00"), 1) == close_of("2026-02-28")
    # Feb 14, 24, 25, 26, 27, 28, Mar 2, 3, 4, 5.
    assert add_working_days(at("2026-02-13T10:00"), 10) == close_of("2026-03-05")


# The day of the event never counts (Civil Code Art. 201), whatever the hour.


def test_a_weekend_event_is_due_at_close_of_the_next_monday():
    assert add_working_days(at("2026-03-07T10:00"), 1) == close_of("2026-03-09")
    assert add_working_days(at("2026-03-08T23:00"), 1) == close_of("2026-03-09")


def test_an_event_after_office_hours_is_due_the_next_working_day():
    assert add_working_days(at("2026-03-04T18:45"), 1) == close_of("2026-03-05")


def test_an_event_before_office_hours_still_does_not_count_its_own_day():
    assert add_working_days(at("2026-03-04T07:00"), 1) == close_of("2026-03-05")


def test_an_event_at_23_59_is_due_the_next_working_day_not_two_days_later():
    assert add_working_days(at("2026-03-04T23:59:59"), 1) == close_of("2026-03-05")


def test_the_event_day_is_taken_in_beijing_time_not_utc():
    # 16:30 UTC on Mar 4 is 00:30 on Thu Mar 5 in Beijing: Mar 5 is the event day.
    start = dt.datetime(2026, 3, 4, 16, 30, tzinfo=dt.UTC)
    deadline = add_working_days(start, 1)
    assert deadline == close_of("2026-03-06")
    assert deadline.utcoffset() == dt.timedelta(hours=8)


def test_the_deadline_falls_at_the_configured_close_of_office(settings):
    settings.WORKDAY_CLOSE = dt.time(17, 0)
    assert add_working_days(at("2026-09-30T10:00"), 1) == at("2026-10-08T17:00")


# Years the package does not cover: see test_provisional_holidays.py.


# Admin overrides win over the package, both ways.


def test_an_override_turns_a_holiday_into_a_working_day():
    WorkdayOverride.objects.create(date=dt.date(2026, 10, 5), is_working_day=True, note="test")
    assert is_working_day(dt.date(2026, 10, 5)) is True
    assert add_working_days(at("2026-09-30T10:00"), 1) == close_of("2026-10-05")


def test_an_override_turns_a_working_day_into_a_holiday():
    WorkdayOverride.objects.create(date=dt.date(2026, 10, 8), is_working_day=False, note="test")
    assert is_working_day(dt.date(2026, 10, 8)) is False
    assert add_working_days(at("2026-09-30T10:00"), 1) == close_of("2026-10-09")


@pytest.mark.usefixtures("package_stops_at_2026")
def test_an_override_also_wins_in_a_year_without_data():
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, note="元旦")
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 2), is_working_day=True, note="调休")
    assert add_working_days(at("2026-12-31T10:00"), 1) == close_of("2027-01-02")
    assert add_working_days(at("2026-12-31T10:00"), 2) == close_of("2027-01-04")


def test_a_deadline_costs_one_query_however_many_days_it_spans(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert add_working_days(at("2026-09-30T10:00"), 10) == close_of("2026-10-20")


def test_a_run_of_days_off_longer_than_the_first_chunk_is_still_crossed():
    first = dt.date(2026, 3, 2)
    WorkdayOverride.objects.bulk_create(
        WorkdayOverride(date=first + dt.timedelta(days=i), is_working_day=False) for i in range(60)
    )
    # Mar 2 to Apr 30 are overridden off and May 1-5 is the Labour Day holiday.
    assert add_working_days(at("2026-03-01T10:00"), 1) == close_of("2026-05-06")


# Refused input.


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_days(dt.datetime(2026, 9, 30, 10, 0), 1)


@pytest.mark.parametrize("n", [0, -1])
def test_fewer_than_one_working_day_is_refused(n: int):
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(at("2026-09-30T10:00"), n)


def test_is_working_day_refuses_a_datetime():
    with pytest.raises(TypeError):
        is_working_day(at("2026-09-30T10:00"))


# working_days_between counts start < d <= end.


def test_working_days_between_excludes_the_start_and_includes_the_end():
    assert working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 8)) == 1
    assert working_days_between(dt.date(2026, 9, 29), dt.date(2026, 9, 30)) == 1
    assert working_days_between(dt.date(2026, 10, 1), dt.date(2026, 10, 7)) == 0


def test_working_days_between_counts_the_spring_festival_adjusted_saturdays():
    # Feb 14, 24, 25, 26, 27, 28.
    assert working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 28)) == 6


def test_working_days_between_is_zero_when_the_end_is_not_after_the_start():
    assert working_days_between(dt.date(2026, 10, 8), dt.date(2026, 10, 8)) == 0
    assert working_days_between(dt.date(2026, 10, 9), dt.date(2026, 10, 8)) == 0


def test_working_days_between_honours_overrides():
    WorkdayOverride.objects.create(date=dt.date(2026, 10, 3), is_working_day=True)
    assert working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 8)) == 2


@pytest.mark.parametrize("n", [1, 2, 5, 10, 30])
def test_working_days_between_the_event_day_and_its_deadline_is_n(n: int):
    start = at("2026-09-30T10:00")
    deadline = add_working_days(start, n)
    assert working_days_between(start.date(), deadline.date()) == n


# Coverage.


@pytest.mark.usefixtures("package_stops_at_2026")
def test_uncovered_years_are_those_neither_the_package_nor_an_import_covers():
    assert uncovered_years([2026, 2027, 2003, 2027]) == [2003, 2027]
    CalendarYear.objects.create(year=2027, note="loaded")
    assert uncovered_years([2026, 2027, 2003]) == [2003]
    assert uncovered_years([]) == []


def test_the_written_out_overrides_query_names_the_models_table_and_columns():
    """calendar._OVERRIDES_SQL is plain SQL (every deadline runs it): it must name what the
    model (and its migrations) make."""
    from workdays import calendar

    meta = WorkdayOverride._meta
    names = (meta.db_table, meta.get_field("date").column, meta.get_field("is_working_day").column)
    for name in names:
        assert f'"{name}"' in calendar._OVERRIDES_SQL

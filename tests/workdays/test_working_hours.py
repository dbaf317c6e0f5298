import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from workdays.calendar import (
    is_office_hours,
    subtract_working_minutes,
    working_minutes_between,
    working_minutes_counter,
)
from workdays.models import WorkdayOverride

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_working_minutes_count_only_office_hours_of_working_days():
    assert working_minutes_between(at("2026-11-24T09:00"), at("2026-11-24T10:30")) == 90
    # Friday 16:30 → Monday 09:30: one hour Friday, one hour Monday.
    assert working_minutes_between(at("2026-11-27T16:30"), at("2026-11-30T09:30")) == 120
    # Sent at night: counting starts at 08:30 next morning.
    assert working_minutes_between(at("2026-11-24T22:00"), at("2026-11-25T09:00")) == 30
    # Across National Day 2026: Sep 30 17:00 → Oct 8 09:00 = 30 + 30 minutes.
    assert working_minutes_between(at("2026-09-30T17:00"), at("2026-10-08T09:00")) == 60
    assert working_minutes_between(at("2026-11-24T10:00"), at("2026-11-24T09:00")) == 0


def test_two_working_hours_before_a_deadline():
    assert subtract_working_minutes(at("2026-11-25T17:30"), 120) == at("2026-11-25T15:30")
    # Deadline at 09:00 on Monday: 30 minutes on Monday morning, 90 on Friday afternoon.
    assert subtract_working_minutes(at("2026-11-30T09:00"), 120) == at("2026-11-27T16:00")
    # After National Day: Oct 8 09:30 minus 2 h → Sep 30 16:30.
    assert subtract_working_minutes(at("2026-10-08T09:30"), 120) == at("2026-09-30T16:30")


def test_office_hours_exclude_nights_weekends_and_holidays():
    assert is_office_hours(at("2026-11-24T10:00"))
    assert not is_office_hours(at("2026-11-24T20:00"))
    assert not is_office_hours(at("2026-11-28T10:00"))  # Saturday
    assert not is_office_hours(at("2026-10-02T10:00"))  # National Day
    assert is_office_hours(at("2026-10-10T10:00"))  # adjusted working Saturday


def test_the_minutes_counter_agrees_with_one_span_at_a_time_from_one_query(
    django_assert_num_queries,
):
    """R0.1: a report's late records share one read of the overrides, with the same answers
    as each span computed on its own (across the National Day holidays and an override)."""
    WorkdayOverride.objects.create(date=dt.date(2026, 10, 9), is_working_day=False, note="测试")
    spans = [
        (at("2026-09-30T17:30"), at("2026-10-08T09:00")),
        (at("2026-10-08T17:30"), at("2026-10-12T10:00")),
        (at("2026-10-12T10:00"), at("2026-10-12T09:00")),
    ]
    expected = [working_minutes_between(start, end) for start, end in spans]
    assert expected[2] == 0 and expected[1] > 0
    with django_assert_num_queries(1):
        between = working_minutes_counter(dt.date(2026, 9, 30), dt.date(2026, 10, 12))
        assert [between(start, end) for start, end in spans] == expected

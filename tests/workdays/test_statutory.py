import datetime as dt

import chinese_calendar
import pytest

from workdays.calendar import PACKAGE_YEARS
from workdays.statutory import FIRST_YEAR, statutory_holiday_runs, statutory_holidays

D = dt.date

# Years the package covers under the 2024 amendment: the official notices to check against.
PACKAGE_YEARS_UNDER_THE_2024_RULES = [year for year in PACKAGE_YEARS if year >= FIRST_YEAR]


def test_the_statutory_holidays_of_2027_are_the_thirteen_days_of_the_law():
    """R0: 元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3."""
    assert statutory_holiday_runs(2027) == [
        ("元旦", D(2027, 1, 1), D(2027, 1, 1)),
        ("春节", D(2027, 2, 5), D(2027, 2, 8)),
        ("清明节", D(2027, 4, 5), D(2027, 4, 5)),
        ("劳动节", D(2027, 5, 1), D(2027, 5, 2)),
        ("端午节", D(2027, 6, 9), D(2027, 6, 9)),
        ("中秋节", D(2027, 9, 15), D(2027, 9, 15)),
        ("国庆节", D(2027, 10, 1), D(2027, 10, 3)),
    ]
    assert len(statutory_holidays(2027)) == 13


@pytest.mark.parametrize(
    ("year", "new_year_eve", "lunar_new_year"),
    [
        # Lunar month 12 of 2024 had 29 days: 除夕 was the 29th.
        (2025, D(2025, 1, 28), D(2025, 1, 29)),
        (2026, D(2026, 2, 16), D(2026, 2, 17)),
        (2027, D(2027, 2, 5), D(2027, 2, 6)),
        # An early lunar new year: 除夕 still falls in the same Gregorian year.
        (2028, D(2028, 1, 25), D(2028, 1, 26)),
    ],
)
def test_the_spring_festival_runs_four_days_from_new_years_eve(
    year: int, new_year_eve: dt.date, lunar_new_year: dt.date
):
    """R0: 春节 is 除夕 (the last day of lunar month 12, the 29th or 30th) to 正月初三."""
    spring_festival = [day for day, name in statutory_holidays(year).items() if name == "春节"]
    assert spring_festival == [new_year_eve + dt.timedelta(days=i) for i in range(4)]
    assert spring_festival[1] == lunar_new_year


@pytest.mark.parametrize(
    ("year", "qingming"),
    [(2025, D(2025, 4, 4)), (2026, D(2026, 4, 5)), (2028, D(2028, 4, 4)), (2030, D(2030, 4, 5))],
)
def test_qingming_is_the_day_of_the_solar_term_which_moves_between_april_4_and_5(
    year: int, qingming: dt.date
):
    """R0: 清明节 is the day the Qingming solar term begins, not a fixed date."""
    assert [day for day, name in statutory_holidays(year).items() if name == "清明节"] == [qingming]


@pytest.mark.parametrize("year", PACKAGE_YEARS_UNDER_THE_2024_RULES)
def test_every_computed_statutory_holiday_is_a_day_off_in_the_official_calendar(year: int):
    """R0: the law's days are a subset of each State Council notice the package ships."""
    working = [
        f"{day} {name}"
        for day, name in statutory_holidays(year).items()
        if not chinese_calendar.is_holiday(day)
    ]
    assert working == []


def test_the_package_covers_at_least_one_year_under_the_2024_rules():
    """R0: otherwise the subset check above would check nothing."""
    assert PACKAGE_YEARS_UNDER_THE_2024_RULES


def test_years_before_the_2024_amendment_are_refused():
    """R0: before 2025 the Spring Festival had 3 days and Labour Day 1; those are not computed."""
    with pytest.raises(ValueError, match="from 2025"):
        statutory_holidays(2024)


def test_the_cached_holidays_cannot_be_changed_by_a_caller():
    holidays = statutory_holidays(2027)
    with pytest.raises(TypeError):
        holidays[D(2027, 3, 1)] = "植树节"  # type: ignore[index]
    assert statutory_holidays(2027) is holidays

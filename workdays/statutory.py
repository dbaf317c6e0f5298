"""The statutory holidays of a year, computed from the law alone (R0).

《全国年节及纪念日放假办法》 as amended by the State Council in 2024 (in force from 2025): 元旦
1 day, 春节 4 days (除夕 to 正月初三), 清明节 1 (the Qingming solar term), 劳动节 2 (May 1–2),
端午节 1 (lunar 5/5), 中秋节 1 (lunar 8/15), 国庆节 3 (October 1–3). What the law does not fix —
the adjusted working weekends (调休) and the bridging days a notice adds — only a year's State
Council notice can tell, so for a year without one these days are the provisional days off.

Lunar dates and the solar term come from lunar-python, not from tables of our own.
"""

import datetime as dt
import functools
import itertools
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from lunar_python import Lunar, Solar

# The 2024 amendment applies from 1 January 2025; earlier years had other holidays.
FIRST_YEAR = 2025

NEW_YEARS_DAY = "元旦"
SPRING_FESTIVAL = "春节"
QINGMING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"

SPRING_FESTIVAL_DAYS = 4  # 除夕, 初一, 初二, 初三


def _lunar_to_solar(year: int, month: int, day: int) -> dt.date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> dt.date:
    # The Qingming term always begins on April 4, 5 or 6 (Beijing time).
    for day in (4, 5, 6):
        if Solar.fromYmd(year, 4, day).getLunar().getJieQi() == "清明":
            return dt.date(year, 4, day)
    raise ValueError(f"no Qingming solar term found in April {year}")


def _days(first: dt.date, count: int) -> Iterator[dt.date]:
    return (first + dt.timedelta(days=offset) for offset in range(count))


@functools.lru_cache(maxsize=64)
def statutory_holidays(year: int) -> Mapping[dt.date, str]:
    """Every statutory holiday of Gregorian `year`, mapped to its festival's Chinese name.

    The Spring Festival counted is the one whose 除夕 falls in `year` (the day before lunar
    new year, so always between January 20 and February 19). Raises ValueError for a year
    before the 2024 amendment took effect. The mapping is read-only: it is cached.
    """
    if year < FIRST_YEAR:
        raise ValueError(f"the 2024 holiday rules apply from {FIRST_YEAR}, not to {year}")
    new_year_eve = _lunar_to_solar(year, 1, 1) - dt.timedelta(days=1)
    festivals = [
        (NEW_YEARS_DAY, _days(dt.date(year, 1, 1), 1)),
        (SPRING_FESTIVAL, _days(new_year_eve, SPRING_FESTIVAL_DAYS)),
        (QINGMING, _days(_qingming(year), 1)),
        (LABOUR_DAY, _days(dt.date(year, 5, 1), 2)),
        (DRAGON_BOAT, _days(_lunar_to_solar(year, 5, 5), 1)),
        (MID_AUTUMN, _days(_lunar_to_solar(year, 8, 15), 1)),
        (NATIONAL_DAY, _days(dt.date(year, 10, 1), 3)),
    ]
    holidays: dict[dt.date, str] = {}
    for name, days in festivals:
        for day in days:
            # In the rare year 中秋 falls on October 1–3 the two share a day; which day the
            # notice adds then is unknown, so provisionally there is no extra one.
            holidays[day] = name
    return MappingProxyType(dict(sorted(holidays.items())))


def statutory_holiday_runs(year: int) -> list[tuple[str, dt.date, dt.date]]:
    """The statutory holidays of `year` as (festival, first day, last day), in date order."""
    runs: list[tuple[str, dt.date, dt.date]] = []
    for name, group in itertools.groupby(statutory_holidays(year).items(), key=lambda i: i[1]):
        days = [day for day, _name in group]
        runs.append((name, days[0], days[-1]))
    return runs

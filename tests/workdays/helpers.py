"""Helpers shared by the calendar tests."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from workdays import calendar

BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(text: str) -> dt.datetime:
    """An aware datetime; text without an offset is Beijing time."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment


def close_of(day: str) -> dt.datetime:
    """17:30 Beijing time on `day` (YYYY-MM-DD), the default close of office hours."""
    return at(f"{day}T17:30")


@contextmanager
def package_data_until(last_year: int) -> Iterator[None]:
    """Make the chinese-calendar package look as if its data stopped at `last_year`, so a
    later year stays uncovered whatever version of the package is installed."""
    years = range(calendar.PACKAGE_YEARS.start, last_year + 1)
    with mock.patch.object(calendar, "PACKAGE_YEARS", years):
        yield

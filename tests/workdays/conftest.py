import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.cache import cache

from tests.workdays.helpers import BEIJING, package_data_until


@pytest.fixture(autouse=True)
def _forget_cached_coverage() -> Iterator[None]:
    # Rolled-back test transactions never fire post_delete, so the cache would outlive them.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def package_stops_at_2026() -> Iterator[None]:
    """The calendar package knows 2026 at most, even once a release covers 2027."""
    with package_data_until(2026):
        yield


@pytest.fixture
def on_2026_11_25(package_stops_at_2026: None) -> Iterator[None]:
    """The day the calendar package stops at 2026 and 2027's notice is not out yet."""
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=BEIJING), tick=False):
        yield

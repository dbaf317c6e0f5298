"""Fixtures of the import of licences in force (存量许可导入)."""

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.approvals.import_helpers import TODAY
from tests.factories import ApprovalItemFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def import_today() -> Iterator[datetime.datetime]:
    """A Tuesday morning, so the rows' dates (2024–2029) are in force."""
    moment = datetime.datetime.combine(TODAY, datetime.time(10, 0), tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture
def food_item(supervision_department):
    return ApprovalItemFactory(
        code="food-import",
        name="食品经营许可",
        official_code="370305-XK-001",
        supervision_departments=[supervision_department],
    )

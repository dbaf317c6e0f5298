"""The notification tests' fixtures (a food item with two receivers, the `decide` helper),
also used by tests/performance; registered for the whole suite by `pytest_plugins` in
tests/conftest.py. A folder's own conftest.py may override one (tests/credit has its own
`decide`)."""

import datetime

import pytest

from approvals.services import DecisionInput, licence_decide
from organizations.scoping import actor_for_user
from tests.factories import ApprovalItemFactory, DepartmentFactory, StaffFactory, valid_credit_code
from tests.helpers import fan_out as fan_out_pushes


@pytest.fixture
def second_supervision_department(db):
    return DepartmentFactory(code="wsjk-test", name="测试卫生健康局")


@pytest.fixture
def food_item(supervision_department, second_supervision_department):
    return ApprovalItemFactory(
        code="food",
        name="食品经营许可",
        supervision_departments=[supervision_department, second_supervision_department],
    )


@pytest.fixture
def decide(approval_clerk, food_item):
    """Record a decision as the approval clerk and, unless `fan_out=False`, fan its pushes
    out as the after-commit task would; returns the licence."""
    counter = iter(range(1, 10_000))

    def _decide(*, fan_out: bool = True, **overrides):
        n = next(counter)
        arguments = {
            "item": food_item,
            "counterparty": {
                "name": f"临淄测试食品有限公司{n}",
                "credit_code": valid_credit_code(f"91370305MA3C{n:04d}"),
                "contact_name": "张三",
                "contact_phone": "13812345678",
            },
            "licence_no": f"JY13703050{n:05d}",
            "licence_date": datetime.date(2026, 9, 30),
            "valid_from": datetime.date(2026, 9, 30),
            "valid_to": datetime.date(2031, 9, 29),
        }
        arguments.update(overrides)
        licence = licence_decide(
            actor=actor_for_user(approval_clerk), decision=DecisionInput(**arguments)
        )
        if fan_out:  # as the task queued by the commit would, right after it
            fan_out_pushes(licence.pushes_created)
        return licence

    return _decide


@pytest.fixture
def receiver_clerk(supervision_department):
    return StaffFactory(department=supervision_department).user

import datetime

import pytest

from approvals.models import CreditMode
from approvals.services import DecisionInput, licence_decide
from organizations.models import StaffRole
from organizations.scoping import actor_for_user
from tests.credit.helpers import commitment
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    StaffFactory,
    valid_credit_code,
)


@pytest.fixture
def second_supervision_department(db):
    return DepartmentFactory(code="wsjk-test", name="测试卫生健康局")


@pytest.fixture
def unrelated_supervision_department(db):
    return DepartmentFactory(code="jtys-test", name="测试交通运输局")


@pytest.fixture
def unrelated_supervision_clerk(unrelated_supervision_department):
    return StaffFactory(department=unrelated_supervision_department, role=StaffRole.CLERK).user


@pytest.fixture
def other_approval_department(db):
    return ApprovalDepartmentFactory(code="xzsp-other", name="另一行政审批服务局")


@pytest.fixture
def other_approval_clerk(other_approval_department):
    return StaffFactory(department=other_approval_department, role=StaffRole.CLERK).user


@pytest.fixture
def post_item(supervision_department, second_supervision_department):
    return ApprovalItemFactory(
        code="pharmacy-credit",
        name="药品零售企业经营许可",
        credit_mode=CreditMode.POST_VERIFICATION,
        supervision_departments=[supervision_department, second_supervision_department],
    )


@pytest.fixture
def exempt_item(supervision_department):
    return ApprovalItemFactory(
        code="food-credit",
        name="食品经营许可",
        credit_mode=CreditMode.EXEMPT,
        supervision_departments=[supervision_department],
    )


@pytest.fixture
def plain_item(supervision_department):
    return ApprovalItemFactory(
        code="plain-item", name="建筑工程施工许可", supervision_departments=[supervision_department]
    )


@pytest.fixture
def decide(approval_clerk, post_item):
    """Record a decision as the approval clerk (a post-verification credit decision unless
    told otherwise); returns the licence."""
    counter = iter(range(1, 10_000))

    def _decide(**overrides):
        n = next(counter)
        arguments = {
            "item": post_item,
            "counterparty": {
                "name": f"临淄康泰大药房有限公司{n}",
                "credit_code": valid_credit_code(f"91370305MA3D{n:04d}"),
                "contact_name": "王建",
                "contact_phone": "13805331234",
            },
            "licence_no": f"鲁CB53300{n:03d}",
            "licence_date": datetime.date(2026, 9, 30),
            "valid_from": datetime.date(2026, 9, 30),
            "valid_to": datetime.date(2031, 9, 29),
            "commitment": commitment(),
        }
        arguments.update(overrides)
        return licence_decide(
            actor=actor_for_user(approval_clerk), decision=DecisionInput(**arguments)
        )

    return _decide

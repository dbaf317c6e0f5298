import datetime

import pytest

from approvals.services import DecisionInput, licence_decide
from organizations.scoping import actor_for_user
from tests.factories import ApprovalItemFactory, DepartmentFactory, StaffFactory, valid_credit_code


@pytest.fixture
def other_supervision_department(db):
    return DepartmentFactory(code="yjgl-test", name="测试应急管理局")


@pytest.fixture
def other_supervision_clerk(other_supervision_department):
    return StaffFactory(department=other_supervision_department).user


@pytest.fixture
def shared_item(supervision_department, other_supervision_department):
    return ApprovalItemFactory(
        code="hazchem",
        name="危险化学品经营许可",
        supervision_departments=[supervision_department, other_supervision_department],
    )


@pytest.fixture
def licence(approval_clerk, shared_item):
    return licence_decide(
        actor=actor_for_user(approval_clerk),
        decision=DecisionInput(
            item=shared_item,
            counterparty={
                "name": "临淄化工贸易有限公司",
                "credit_code": valid_credit_code("91370305MA3CUP01"),
                "contact_name": "孙七",
                "contact_phone": "13700000001",
            },
            licence_no="鲁淄危化经字〔2026〕000123",
            licence_date=datetime.date(2026, 11, 2),
            valid_from=datetime.date(2026, 11, 2),
            valid_to=datetime.date(2029, 11, 1),
        ),
    )

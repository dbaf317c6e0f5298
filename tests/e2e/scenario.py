"""The small world the browser tests walk through: two departments, their clerks, a
告知承诺 item and an ordinary one, and licences recorded through the service."""

import datetime
from dataclasses import dataclass
from itertools import count
from zoneinfo import ZoneInfo

from approvals.models import ApprovalItem, Licence
from approvals.services import DecisionInput, licence_decide
from organizations.models import Department, StaffRole
from organizations.scoping import actor_for_user
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    StaffFactory,
    valid_credit_code,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
APPROVAL_NAME = "临淄区行政审批服务局"
SUPERVISION_NAME = "临淄区市场监督管理局"
_numbers = count(1)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@dataclass
class World:
    approval: Department
    supervision: Department
    approval_clerk: object
    supervision_clerk: object
    commitment_item: ApprovalItem
    food_item: ApprovalItem


def world_build() -> World:
    approval = ApprovalDepartmentFactory(code="xzsp-e2e", name=APPROVAL_NAME)
    supervision = DepartmentFactory(code="scjg-e2e", name=SUPERVISION_NAME)
    approval_clerk = StaffFactory(
        department=approval, role=StaffRole.CLERK, user__username="spy-e2e"
    ).user
    supervision_clerk = StaffFactory(
        department=supervision, role=StaffRole.CLERK, user__username="jgy-e2e"
    ).user
    commitment_item = ApprovalItemFactory(
        code="e2e-commitment",
        name="公共场所卫生许可",
        notification_commitment=True,
        supervision_departments=[supervision],
    )
    food_item = ApprovalItemFactory(
        code="e2e-food", name="食品经营许可", supervision_departments=[supervision]
    )
    return World(
        approval=approval,
        supervision=supervision,
        approval_clerk=approval_clerk,
        supervision_clerk=supervision_clerk,
        commitment_item=commitment_item,
        food_item=food_item,
    )


def licence_record(world: World, *, name: str | None = None) -> Licence:
    """A decision on the food item recorded through the service, as the API would."""
    n = next(_numbers)
    today = datetime.date.today()
    return licence_decide(
        actor=actor_for_user(world.approval_clerk),
        decision=DecisionInput(
            item=world.food_item,
            counterparty={
                "name": name or f"临淄齐都食品有限公司{n}",
                "credit_code": valid_credit_code(f"91370305MA3E{n:04d}"),
                "contact_name": "李四",
                "contact_phone": "13912345678",
            },
            licence_no=f"JY23703050{n:05d}",
            licence_date=today,
            valid_from=today,
            valid_to=today + datetime.timedelta(days=5 * 365),
        ),
    )

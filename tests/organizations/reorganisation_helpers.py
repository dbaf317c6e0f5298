"""A reorganised supervision department's records (R21), shared by the service, admin and
report tests."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from coordination.models import Inquiry
from notifications.models import Feedback, Push, PushState, WebhookEndpoint
from organizations.models import Department
from tests.factories import ApprovalItemFactory, DepartmentFactory
from workdays.calendar import add_working_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Wednesday 14 October 2026, 10:00: the merge happens here.
MERGE_AT = datetime.datetime(2026, 10, 14, 10, 0, tzinfo=SHANGHAI)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def push(sender: Department, receiver: Department, when: str, **fields: object) -> Push:
    sent_at = at(when)
    return Push.objects.create(
        kind="approval_decision",
        sender=sender,
        receiver=receiver,
        sent_at=sent_at,
        sent_by_label="test",
        deadline=add_working_days(sent_at, 1),
        title=f"推送 {when}",
        payload={},
        subject_type="test.subject",
        subject_id=when,
        **fields,
    )


def inquiry(sender: Department, receiver: Department, when: str, subject: str) -> Inquiry:
    sent_at = at(when)
    return Inquiry.objects.create(
        sender=sender,
        receiver=receiver,
        subject=subject,
        question="请答复",
        reply_working_days=5,
        sent_by_label="test",
        sent_at=sent_at,
        deadline=add_working_days(sent_at, 5),
    )


@dataclass
class Reorganisation:
    """Before the merge: `old` holds open work and history; `successor` takes it over."""

    approval: Department
    old: Department
    successor: Department
    pending: Push
    claimed: Push
    late: Push
    sent_by_old: Push
    feedback: Feedback
    inquiry_to_old: Inquiry
    inquiry_from_old: Inquiry
    only_item: object
    shared_item: object
    endpoint: WebhookEndpoint


def reorganisation_scene(approval: Department) -> Reorganisation:
    """Records as they stand at MERGE_AT (make them under time-machine at MERGE_AT)."""
    old = DepartmentFactory(code="old-scjg", name="原市场监督管理局")
    successor = DepartmentFactory(code="new-scjg", name="新市场监督管理局")
    pending = push(approval, old, "2026-10-14T09:00")  # due Oct 15 17:30
    claimed = push(approval, old, "2026-10-13T09:00")
    Push.objects.filter(pk=claimed.pk).update(
        state=PushState.CLAIMED, state_rank=1, claimed_at=at("2026-10-13T10:00")
    )
    late = push(approval, old, "2026-10-12T09:00")  # due Oct 13 17:30, not yet swept
    sent_by_old = push(old, approval, "2026-10-14T09:30")
    feedback = Feedback.objects.create(
        push=sent_by_old,
        answering_department=old,
        text="许可证号有误",
        raised_by_label="test",
        raised_at=at("2026-10-14T09:45"),
        answer_deadline=add_working_days(at("2026-10-14T09:45"), 1),
    )
    endpoint = WebhookEndpoint.objects.create(
        department=old, url="https://old.example.gov.cn/hook", secret="s", created_at=MERGE_AT
    )
    return Reorganisation(
        approval=approval,
        old=old,
        successor=successor,
        pending=pending,
        claimed=claimed,
        late=late,
        sent_by_old=sent_by_old,
        feedback=feedback,
        inquiry_to_old=inquiry(approval, old, "2026-10-14T08:00", "关于食品经营许可的函询"),
        inquiry_from_old=inquiry(old, approval, "2026-10-14T08:30", "原部门发出的函询"),
        only_item=ApprovalItemFactory(
            code="food-r21", name="食品经营许可", supervision_departments=[old]
        ),
        shared_item=ApprovalItemFactory(
            code="drug-r21", name="药品零售许可", supervision_departments=[old, successor]
        ),
        endpoint=endpoint,
    )

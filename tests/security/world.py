"""A small two-by-two world for the security tests: approval departments A1 and A2,
supervision departments S1 and S2, and one record of every kind made by A1 and S1 through the
services (so they are what production would hold). A2 and S2 are the strangers."""

import datetime
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from approvals.models import CreditMode, ItemSampleText, Licence
from approvals.services import DecisionInput, licence_decide
from coordination.files.services import consultation_record, important_file_create
from coordination.inquiries.services import inquiry_send
from coordination.inspections.services import (
    inspection_confirm,
    inspection_report_draft,
    inspection_schedule,
)
from coordination.meetings.services import meeting_convene
from credit.models import Verification, VerificationFile
from credit.services import breach_report, verification_record
from notifications.feedback.services import feedback_raise
from notifications.models import Push
from organizations.models import ApiClient, Department, StaffRole
from organizations.scoping import actor_for_user
from supervision.actions.services import supervision_action_record
from supervision.cases.services import case_issue_opinion, case_open
from supervision.letters.services import letter_send
from supervision.listings.services import listing_add
from supervision.models import Evidence
from tests.clients import sign_in
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    StaffFactory,
    UserFactory,
    valid_credit_code,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Tuesday: the feedback window (1 working day) is open and a meeting two days later may be
# scheduled (at least 1 working day ahead, R15).
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


# Usernames without digits, so that a page showing one instead of the name is caught by the
# page-language test (tests/platform/latin_text.py leaves words with digits as values).
CLERKS = {
    "A1": ("xzsp_clerk", "王丽华"),
    "A2": ("xzsp_clerk_yi", "李建国"),
    "S1": ("scjg_clerk", "张敏"),
    "S2": ("scjg_clerk_yi", "刘洋"),
}


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 security test", content_type="application/pdf")


@dataclass
class World:
    departments: dict[str, Department]
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)
    _api_keys: dict[str, str] = field(default_factory=dict)
    _web_clients: dict[str, Client] = field(default_factory=dict)

    def web(self, who: str) -> Client:
        """One logged-in client per user: logging in is itself audited, so a fresh login per
        request would make "nothing was written" checks meaningless."""
        if who not in self._web_clients:
            client = Client()
            sign_in(client, self.users[who])
            self._web_clients[who] = client
        return self._web_clients[who]

    def api(self, who: str) -> APIClient:
        if who not in self._api_keys:
            _, key = ApiClient.objects.create_key(
                name=f"{who} 系统", department=self.departments[who]
            )
            self._api_keys[who] = key
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {self._api_keys[who]}")
        return client

    def reset_throttles(self) -> None:
        """Time stands still in these tests, so every request falls in one throttle window:
        forget the keys' request history (only theirs: the cache may be shared)."""
        for key in self._api_keys.values():
            prefix = key.split(".", 1)[0]
            cache.delete(f"throttle_api_client_{prefix}")

    def pk(self, key: str) -> Any:
        obj = self.objects[key]
        return obj if isinstance(obj, (int, str)) else obj.pk


def build_world() -> World:
    a1 = ApprovalDepartmentFactory(code="xzsp-jia", name="甲行政审批服务局")
    a2 = ApprovalDepartmentFactory(code="xzsp-yi", name="乙行政审批服务局")
    s1 = DepartmentFactory(code="scjg-jia", name="甲市场监督管理局")
    s2 = DepartmentFactory(code="scjg-yi", name="乙市场监督管理局")
    departments = {"A1": a1, "A2": a2, "S1": s1, "S2": s2}
    users = {
        who: StaffFactory(
            user=UserFactory(username=username, first_name=name),
            department=departments[who],
            role=StaffRole.CLERK,
        ).user
        for who, (username, name) in CLERKS.items()
    }
    world = World(departments=departments, users=users)
    a1_actor = actor_for_user(users["A1"])
    s1_actor = actor_for_user(users["S1"])

    credit_item = ApprovalItemFactory(
        code="sec-pharmacy",
        name="药品零售企业经营许可",
        credit_mode=CreditMode.POST_VERIFICATION,
        supervision_departments=[s1],
    )
    important_item = ApprovalItemFactory(
        code="sec-hazchem",
        name="危险化学品仓储经营许可",
        important_category="work_safety",
        supervision_departments=[s1],
    )
    world.objects["item"] = credit_item
    world.objects["sample"] = ItemSampleText.objects.create(
        item=credit_item, title="申请书示范文本", file=pdf("sample.pdf")
    )
    world.objects["important_item"] = important_item

    licence: Licence = licence_decide(
        actor=a1_actor,
        decision=DecisionInput(
            item=credit_item,
            counterparty={
                "name": "临淄安全测试大药房有限公司",
                "credit_code": valid_credit_code("91370305MA3CX001"),
                "contact_name": "王建",
                "contact_phone": "13805331234",
            },
            licence_no="鲁CB5330001",
            licence_date=NOW.date(),
            valid_from=NOW.date(),
            valid_to=NOW.date().replace(year=2031),
            commitment={
                "text": "本单位郑重承诺：所提交材料真实有效。",
                "signed_at": NOW.isoformat(),
                "signer": "王建",
            },
            commitment_scan=pdf("commitment.pdf"),
        ),
    )
    world.objects["licence"] = licence
    world.objects["counterparty"] = licence.counterparty
    push = Push.objects.get(receiver=s1, subject_id=str(licence.pk))
    world.objects["push"] = push
    world.objects["feedback"] = feedback_raise(push=push, actor=s1_actor, text="许可证有效期有误？")

    verification = Verification.objects.get(licence=licence)
    verification_record(
        actor=a1_actor, verification=verification, met=True, notes="核验通过", files=[pdf()]
    )
    world.objects["verification"] = verification
    world.objects["verification_file"] = VerificationFile.objects.get(verification=verification)

    action = supervision_action_record(
        actor=s1_actor,
        kind="penalty",
        document_no="临市监罚〔2026〕1号",
        decided_on=NOW.date(),
        summary="未按规定储存药品",
        licence=licence,
        attachments=[pdf("penalty.pdf")],
    )
    world.objects["action"] = action
    world.objects["action_evidence"] = Evidence.objects.get(action=action)
    # The listing comes with A1's penalty and so travels in its push to A1 only: a listing on
    # its own reaches every approval department (R6), which would make the counterparty
    # known to the stranger A2 as well.
    world.objects["listing"] = listing_add(
        actor=s1_actor,
        counterparty=licence.counterparty,
        listing_type="anomaly",
        source_document="临市监异〔2026〕1号",
        until=None,
        action=action,
    )
    letter = letter_send(
        actor=s1_actor,
        licence=licence,
        action="revoke",
        document_no="临市监函〔2026〕1号",
        legal_basis="《药品管理法》第一百二十五条",
        penalty_result="吊销许可证",
        attachments=[pdf("letter.pdf")],
    )
    world.objects["letter"] = letter
    world.objects["letter_evidence"] = Evidence.objects.get(letter=letter)
    case = case_open(
        actor=a1_actor,
        supervision_department=s1,
        title="历史遗留：仓库消防验收",
        description="2015年建成仓库未办理消防验收",
    )
    case_issue_opinion(
        actor=s1_actor,
        case=case,
        opinion="需整改后办理",
        requires_rectification=True,
        attachments=[pdf("opinion.pdf")],
    )
    world.objects["case"] = case
    world.objects["case_evidence"] = Evidence.objects.get(case=case)
    world.objects["revocation"] = breach_report(
        actor=s1_actor, licence=licence, reason="现场检查发现承诺不实"
    )

    world.objects["inquiry"] = inquiry_send(
        actor=a1_actor, receiver=s1, subject="关于仓储条件的函询", question="是否符合条件？"
    )
    file = important_file_create(actor=a1_actor, item=important_item, project_name="危化品仓库")
    world.objects["file"] = file
    world.objects["consultation"] = consultation_record(
        actor=s1_actor, file=file, opinion="同意", document=pdf("consultation.pdf")
    )
    in_two_days = NOW + datetime.timedelta(days=2)
    world.objects["meeting"] = meeting_convene(
        actor=a1_actor,
        topic="联席会议",
        location="三楼会议室",
        scheduled_at=in_two_days,
        invitees=[s1],
        important_file=file,
    )
    inspection = inspection_schedule(
        actor=a1_actor,
        kind="site_inspection",
        title="联合踏勘",
        location="项目现场",
        scheduled_at=in_two_days,
        invitees=[s1],
        important_file=file,
    )
    inspection_confirm(actor=s1_actor, inspection=inspection)
    # The joint report can only be drafted after the visit.
    with time_machine.travel(in_two_days + datetime.timedelta(hours=3), tick=False):
        inspection_report_draft(
            actor=a1_actor, inspection=inspection, findings="场地符合要求", conclusion="同意"
        )
    inspection.refresh_from_db()
    world.objects["inspection"] = inspection
    return world

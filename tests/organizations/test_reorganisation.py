"""Reorganised departments (机构改革, R21; policy Art. 15): what a merge moves, what stays,
and what is refused."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from coordination.models import InquiryState
from notifications.models import Obligation, OverdueRecord, Push, PushState, WebhookEndpoint
from notifications.services import push_send
from organizations.models import Department
from organizations.scoping import Actor
from organizations.services import department_deactivate, department_merge, department_open_work
from tests.factories import DepartmentFactory
from tests.organizations.reorganisation_helpers import MERGE_AT, reorganisation_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(approval_department):
    with time_machine.travel(MERGE_AT, tick=False):
        return reorganisation_scene(approval_department)


@pytest.fixture
def merged(scene, platform_admin):
    with time_machine.travel(MERGE_AT, tick=False):
        result = department_merge(
            department=scene.old, successor=scene.successor, by=platform_admin
        )
    return scene, result


def _reload(record):
    record.refresh_from_db()
    return record


@pytest.mark.parametrize(
    ("record", "field", "goes_to"),
    [
        ("pending", "receiver", "successor"),
        ("claimed", "receiver", "old"),
        ("late", "receiver", "old"),
        ("sent_by_old", "sender", "old"),
        ("feedback", "answering_department", "successor"),
        ("inquiry_to_old", "receiver", "successor"),
        ("inquiry_from_old", "sender", "old"),
        ("endpoint", "department", "successor"),
    ],
)
def test_a_merge_moves_open_work_and_leaves_history_where_it_happened(
    merged, record, field, goes_to
):
    """R21: open work moves to the successor; claims, auto-claims and what the old
    department sent stay with it."""
    scene, _result = merged
    assert getattr(_reload(getattr(scene, record)), field) == getattr(scene, goes_to)


@pytest.mark.parametrize("record", ["pending", "feedback", "inquiry_to_old"])
def test_moved_work_keeps_its_deadline(scene, platform_admin, record):
    """R21: open work moves with the deadline it was given (R0.1: never recomputed)."""
    obj = getattr(scene, record)
    field = "answer_deadline" if record == "feedback" else "deadline"
    before = getattr(obj, field)
    with time_machine.travel(MERGE_AT, tick=False):
        department_merge(department=scene.old, successor=scene.successor, by=platform_admin)
    assert getattr(_reload(obj), field) == before


def test_a_push_past_its_deadline_is_auto_claimed_against_the_old_department(merged):
    """R4, R21: lateness before the merge stays charged to the old department."""
    scene, _result = merged
    assert _reload(scene.late).state == PushState.AUTO_CLAIMED
    assert OverdueRecord.objects.filter(
        department=scene.old, obligation=Obligation.CLAIM, object_id=str(scene.late.pk)
    ).exists()
    assert _reload(scene.inquiry_to_old).state == InquiryState.OPEN


def test_a_merge_records_one_audit_event_per_moved_record_and_a_summary(merged):
    """R20, R21: one event per moved record, one summary event."""
    scene, result = merged
    assert result.moved == {
        "catalog": 2,
        "pushes": 1,
        "feedback": 1,
        "webhooks": 1,
        "verifications": 0,
        "revocations": 0,
        "inquiries": 1,
    }
    moves = AuditEvent.objects.filter(action="department.merge.move")
    assert moves.count() == sum(result.moved.values())
    assert set(moves.values_list("object_type", "object_id")) >= {
        ("notifications.push", str(scene.pending.pk)),
        ("notifications.feedback", str(scene.feedback.pk)),
        ("coordination.inquiry", str(scene.inquiry_to_old.pk)),
    }
    summary = AuditEvent.objects.get(action="department.merge")
    assert summary.object_id == str(scene.old.pk)
    assert summary.details["successor"] == "new-scjg"


def test_the_catalog_responsibilities_move_to_the_successor(merged):
    """R21: the items the old department supervised are now the successor's, once each."""
    scene, _result = merged
    assert list(scene.only_item.supervision_departments.all()) == [scene.successor]
    assert list(scene.shared_item.supervision_departments.all()) == [scene.successor]


def test_the_old_department_is_deactivated_and_remembers_its_successor(merged):
    scene, _result = merged
    old = _reload(scene.old)
    assert not old.active
    assert old.successor == scene.successor
    assert old.deactivated_at == MERGE_AT


def test_a_push_addressed_to_a_merged_department_goes_to_its_successor(merged):
    """R21: an inactive department receives no new pushes."""
    scene, _result = merged
    gone = DepartmentFactory(code="gone", name="已撤销部门", active=False)
    with time_machine.travel(MERGE_AT, tick=False):
        pushes = push_send(
            kind="approval_decision",
            sender=scene.approval,
            receivers=[_reload(scene.old), scene.successor, gone],
            payload=_decision_payload(),
            subject=_subject(),
            actor=Actor(department=scene.approval, role="clerk"),
        )
    assert [p.receiver for p in pushes] == [scene.successor]


def test_a_successor_with_its_own_webhook_keeps_it_and_the_old_one_is_switched_off(
    scene, platform_admin
):
    mine = WebhookEndpoint.objects.create(
        department=scene.successor,
        url="https://new.example.gov.cn/hook",
        secret="t",
        created_at=MERGE_AT,
    )
    with time_machine.travel(MERGE_AT, tick=False):
        department_merge(department=scene.old, successor=scene.successor, by=platform_admin)
    assert _reload(mine).department == scene.successor
    old_endpoint = _reload(scene.endpoint)
    assert (old_endpoint.department, old_endpoint.active) == (scene.old, False)


SUCCESSOR_CASES = {
    "none": (lambda scene: None, "successor", "请选择继任部门"),
    "itself": (lambda scene: scene.old, "successor", "不能并入其自身"),
    "other kind": (lambda scene: scene.approval, "successor", "同为监管部门"),
    "inactive": (
        lambda scene: DepartmentFactory(code="closed", name="已停用局", active=False),
        "successor",
        "已停用，请选择在用的部门",
    ),
}


@pytest.mark.parametrize("case", list(SUCCESSOR_CASES))
def test_a_merge_into_a_wrong_successor_is_refused_and_changes_nothing(scene, platform_admin, case):
    """R21: the successor is active, of the same kind, and not the department itself."""
    choose, field, message = SUCCESSOR_CASES[case]
    successor = choose(scene)
    with time_machine.travel(MERGE_AT, tick=False), pytest.raises(ValidationError) as refused:
        department_merge(department=scene.old, successor=successor, by=platform_admin)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    assert _reload(scene.old).active
    assert _reload(scene.pending).receiver == scene.old
    assert not AuditEvent.objects.filter(action__startswith="department.").exists()


@pytest.mark.parametrize("again", ["merge", "deactivate"])
def test_a_second_merge_of_the_same_department_is_refused(merged, platform_admin, again):
    """R21: idempotent-safe: a merged department cannot be merged or deactivated again."""
    scene, _result = merged
    other = DepartmentFactory(code="third", name="第三监管局")
    with pytest.raises(ValidationError) as refused:
        if again == "merge":
            department_merge(department=scene.old, successor=other, by=platform_admin)
        else:
            department_deactivate(department=scene.old, by=platform_admin)
    assert "已停用，不能再次停用或并入" in refused.value.message_dict["department"][0]
    assert _reload(scene.old).successor == scene.successor


def test_deactivating_a_department_with_open_work_is_refused_with_the_list(scene, platform_admin):
    """R21: open work would be orphaned; the admin is told what and to merge instead."""
    with time_machine.travel(MERGE_AT, tick=False), pytest.raises(ValidationError) as refused:
        department_deactivate(department=scene.old, by=platform_admin)
    message = refused.value.message_dict["department"][0]
    for part in ("待认领的推送 1 件", "待答复的反馈意见 1 件", "待答复的函询 1 件", "并入继任部门"):
        assert part in message
    assert _reload(scene.old).active
    assert _reload(scene.late).state == PushState.PENDING  # the settling was rolled back too


def test_a_department_without_open_work_is_deactivated(platform_admin):
    idle = DepartmentFactory(code="idle", name="空闲监管局")
    WebhookEndpoint.objects.create(
        department=idle, url="https://idle.example.gov.cn/", secret="x", created_at=MERGE_AT
    )
    with time_machine.travel(MERGE_AT, tick=False):
        department_deactivate(department=idle, by=platform_admin)
    idle = Department.objects.get(pk=idle.pk)
    assert (idle.active, idle.successor, idle.deactivated_at) == (False, None, MERGE_AT)
    assert AuditEvent.objects.filter(action="department.deactivate").count() == 1


def test_the_preview_lists_what_would_move(scene):
    with time_machine.travel(MERGE_AT, tick=False):
        preview = {work.key: work for work in department_open_work(department=scene.old)}
    assert preview["pushes"].count == 1  # the late one is not listed: it will be auto-claimed
    assert preview["pushes"].items == [f"#{scene.pending.pk} {scene.pending.title}"]
    # People read item names, never the catalog slug.
    assert preview["catalog"].items == ["药品零售许可", "食品经营许可"]
    assert preview["webhooks"].blocks_deactivation is False
    assert Push.objects.filter(receiver=scene.old).count() == 3  # a preview changes nothing


def _decision_payload() -> dict:
    return {
        "licence_id": 1,
        "item": {"code": "food-r21", "name": "食品经营许可"},
        "approval_department": {"code": "xzsp-test", "name": "测试行政审批服务局"},
        "counterparty": {"name": "临淄某公司", "contact_name": "张三", "contact_phone": "1"},
        "licence_no": "JY1",
        "licence_date": "2026-10-14",
        "valid_from": "2026-10-14",
        "valid_to": None,
        "decided_at": "2026-10-14T10:00:00+08:00",
    }


def _subject():
    from notifications.services import PushSubject

    return PushSubject(subject_type="test.subject", subject_id="after-merge", title="合并后的推送")

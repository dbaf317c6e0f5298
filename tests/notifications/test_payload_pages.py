"""The push detail page shows every snapshot, whatever its age or sender (R2)."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from notifications.models import Push
from tests.clients import logged_in
from tests.factories import ApprovalDepartmentFactory, DepartmentFactory, StaffFactory
from tests.push_payloads import (
    APPROVAL_DECISION,
    COMMITMENT_BREACH,
    KEY_PATHS,
    KINDS,
    LETTER_DECISION,
    LICENCE_LETTER,
    LICENCE_STATUS_CHANGE,
    SUPERVISION_ACTION,
    VERIFICATION_RESULT,
    every_value_replaced,
    key_paths,
    push_of_kind,
    skeleton,
    store_snapshot,
    with_value,
    without,
)

pytestmark = pytest.mark.django_db

OTHER_INFORMATION = "其他信息"
KINDS_SHOWING_A_COUNTERPARTY_CODE = [
    APPROVAL_DECISION,
    SUPERVISION_ACTION,
    LICENCE_LETTER,
    VERIFICATION_RESULT,
    COMMITMENT_BREACH,
]


@pytest.fixture(scope="module")
def sent(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator["Sent"]:
    """One push of each kind, sent once for the module: sending is the slow part and every
    test only reads a push or stores another snapshot inside its own rolled-back transaction.
    The module's own transaction is rolled back at its end."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        approval_department = ApprovalDepartmentFactory(code="xzsp-snap", name="测试行政审批服务局")
        supervision_department = DepartmentFactory(code="scjg-snap", name="测试市场监督管理局")
        approval_clerk = StaffFactory(department=approval_department).user
        supervision_clerk = StaffFactory(department=supervision_department).user
        yield Sent(
            pushes={
                kind: push_of_kind(
                    kind, approval_clerk=approval_clerk, supervision_clerk=supervision_clerk
                )
                for kind in KINDS
            },
            staff={
                approval_department.pk: approval_clerk,
                supervision_department.pk: supervision_clerk,
            },
        )
        transaction.set_rollback(True)


@dataclass
class Sent:
    pushes: dict[str, Push]
    staff: dict[int, object]  # department pk -> one of its staff

    def push(self, kind: str) -> Push:
        return Push.objects.get(pk=self.pushes[kind].pk)

    def what_was_sent(self, push: Push) -> str:
        """The "What was sent" card of the push's detail page, read by the receiver's staff."""
        client = logged_in(self.staff[push.receiver_id])
        response = client.get(reverse("notifications:push-detail", args=[push.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        start = page.index("<h2>推送内容</h2>")
        return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("kind", KINDS)
def test_the_case_table_names_every_key_the_services_send(sent, kind):
    assert sorted(key_paths(sent.push(kind).payload)) == sorted(KEY_PATHS[kind]), kind


@pytest.mark.parametrize("kind", KINDS)
def test_a_full_snapshot_is_shown_with_nothing_left_over(sent, kind):
    card = sent.what_was_sent(sent.push(kind))
    assert OTHER_INFORMATION not in card
    assert "<dd>—</dd>" not in card


@pytest.mark.parametrize(
    ("kind", "path"), [(kind, path) for kind in KINDS for path in KEY_PATHS[kind]]
)
def test_a_snapshot_without_one_of_its_keys_is_shown(sent, kind, path):
    push = sent.push(kind)
    store_snapshot(push, without(push.payload, path))
    card = sent.what_was_sent(push)
    assert OTHER_INFORMATION not in card


@pytest.mark.parametrize("kind", KINDS)
def test_a_snapshot_without_any_value_is_shown_with_dashes(sent, kind):
    push = sent.push(kind)
    store_snapshot(push, skeleton(push.payload))
    card = sent.what_was_sent(push)
    assert "—" in card
    assert OTHER_INFORMATION not in card


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_snapshot_is_shown_with_dashes(sent, kind):
    push = sent.push(kind)
    store_snapshot(push, {})
    card = sent.what_was_sent(push)
    assert "—" in card
    assert OTHER_INFORMATION not in card


@pytest.mark.parametrize("kind", KINDS_SHOWING_A_COUNTERPARTY_CODE)
def test_a_counterparty_without_either_code_shows_a_dash_for_its_code(sent, kind):
    """The snapshot of 249 pushes of an earlier version: no `counterparty.id_number`."""
    push = sent.push(kind)
    payload = without(without(push.payload, "counterparty.id_number"), "counterparty.credit_code")
    store_snapshot(push, payload)
    assert "<dt>代码</dt><dd>—</dd>" in sent.what_was_sent(push)


@pytest.mark.parametrize("kind", KINDS)
def test_keys_the_kind_does_not_know_are_listed_as_sent_and_escaped(sent, kind):
    push = sent.push(kind)
    payload = dict(push.payload)
    payload["partner_ref"] = "<script>alert(1)</script>"
    payload["partner_extra"] = {"批次": 7, "标签": ["甲", "乙"]}
    store_snapshot(push, payload)
    card = sent.what_was_sent(push)
    assert OTHER_INFORMATION in card
    assert "<dt>partner_ref</dt>" in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "<script>alert" not in card
    assert "{&quot;批次&quot;: 7, &quot;标签&quot;: [&quot;甲&quot;, &quot;乙&quot;]}" in card


DECLARED_DICTS = [
    (APPROVAL_DECISION, "counterparty"),
    (APPROVAL_DECISION, "approval_department"),
    (LICENCE_STATUS_CHANGE, "item"),
    (SUPERVISION_ACTION, "licence.item"),
    (LICENCE_LETTER, "department"),
    (LETTER_DECISION, "licence"),
    (VERIFICATION_RESULT, "item"),
    (COMMITMENT_BREACH, "department"),
]


@pytest.mark.parametrize(("kind", "path"), DECLARED_DICTS)
def test_an_unknown_key_inside_a_declared_dict_is_listed_with_its_path(sent, kind, path):
    push = sent.push(kind)
    store_snapshot(push, with_value(push.payload, f"{path}.partner_note", "合作方补充"))
    card = sent.what_was_sent(push)
    assert f"<dt>{path}.partner_note</dt>" in card
    assert "合作方补充" in card


WRONG_VALUES = [
    pytest.param("一段文字", id="text"),
    pytest.param(None, id="null"),
    pytest.param(42, id="number"),
    pytest.param(True, id="boolean"),
    pytest.param(["列表项"], id="list"),
    pytest.param({"嵌套": {"值": 1}}, id="dict"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", WRONG_VALUES)
def test_a_snapshot_whose_every_key_holds_another_type_is_shown(sent, kind, value):
    push = sent.push(kind)
    store_snapshot(push, every_value_replaced(push.payload, value, depth=0))
    card = sent.what_was_sent(push)
    assert "—" in card


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", WRONG_VALUES)
def test_a_snapshot_whose_every_nested_value_holds_another_type_is_shown(sent, kind, value):
    push = sent.push(kind)
    store_snapshot(push, every_value_replaced(push.payload, value, depth=9))
    sent.what_was_sent(push)


@pytest.mark.parametrize("kind", KINDS)
def test_a_string_where_a_dict_is_expected_is_listed_as_sent(sent, kind):
    push = sent.push(kind)
    payload = dict(push.payload)
    payload["item" if "item" in payload else "licence"] = "危险化学品经营许可（旧版文本）"
    store_snapshot(push, payload)
    card = sent.what_was_sent(push)
    assert OTHER_INFORMATION in card
    assert "危险化学品经营许可（旧版文本）" in card


@pytest.mark.parametrize("payload", [[], ["甲", "乙"], "一段文字", 7], ids=repr)
@pytest.mark.parametrize("kind", KINDS)
def test_a_snapshot_that_is_not_a_dict_is_shown_as_sent(sent, kind, payload):
    push = sent.push(kind)
    store_snapshot(push, payload)
    card = sent.what_was_sent(push)
    if payload:
        assert OTHER_INFORMATION in card
        assert "原始内容" in card


@pytest.mark.parametrize(
    "payload",
    [{}, {"items": [1, 2], "备注": None, "说明": "<b>合作方</b>", "明细": {"a": [1]}}],
    ids=["empty", "anything"],
)
def test_a_kind_no_app_registers_is_shown_key_by_key(sent, payload):
    push = sent.push(SUPERVISION_ACTION)
    Push.objects.filter(pk=push.pk).update(kind="partner_notice", payload=payload)
    card = sent.what_was_sent(push)
    for key in payload:
        assert f"<dt>{key}</dt>" in card
    if payload:
        assert "&lt;b&gt;合作方&lt;/b&gt;" in card
        assert '<dt>备注</dt><dd class="pre">—</dd>' in card
        assert "[1, 2]" in card

"""The decision form helps the clerk: every problem in one submit, in the field's own words,
required fields marked, fields grouped, the credit code asked once and what the platform
knows of the applicant filled in (R2, R7)."""

import datetime
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from approvals.models import ApprovalItem, CreditMode, Licence
from counterparties.models import Counterparty
from organizations.models import StaffRole
from supervision.models import CounterpartyListing, ListingType
from tests.clients import logged_in
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    StaffFactory,
    valid_credit_code,
)
from tests.helpers import at

pytestmark = pytest.mark.django_db

KNOWN_CODE = valid_credit_code("92370305MA3WEB01")


def form_data(**overrides: str) -> dict:
    data = {
        "counterparty_name": "临淄区稷下街道百姓大药房",
        "code_type": "credit_code",
        "code": KNOWN_CODE,
        "contact_name": "赵六",
        "contact_phone": "13912345678",
        "licence_no": "鲁CB5330001",
        "licence_date": "2026-11-24",
        "valid_from": "2026-11-24",
        "valid_to": "2031-11-23",
    }
    data.update(overrides)
    return data


@pytest.fixture
def plain_item(supervision_department) -> ApprovalItem:
    return ApprovalItemFactory(
        code="plain", name="药品零售企业经营许可", supervision_departments=[supervision_department]
    )


@pytest.fixture
def recorded(approval_clerk, plain_item) -> Licence:
    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        response = logged_in(approval_clerk).post(
            reverse("approvals:decision-create", args=["plain"]), form_data()
        )
    assert response.status_code == 302
    return Licence.objects.get()


def decision_url(code: str = "plain") -> str:
    return reverse("approvals:decision-create", args=[code])


def field_errors(html: str, field_id: str) -> str:
    """The text of one field's error block (the one its aria-describedby names)."""
    found = re.search(
        rf'<div class="error-text" id="{field_id}_error"[^>]*>(.*?)</div>\s*</div>', html, re.S
    )
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_one_submit_names_every_bad_field_in_its_own_plain_words_and_saves_nothing(
    approval_clerk, plain_item
):
    """R2: the form's own checks and the service's are shown together, each on its field."""
    response = logged_in(approval_clerk).post(
        decision_url(),
        form_data(
            code="91370305MA3WEB",
            counterparty_name="",
            contact_phone="12345",
            licence_no="",
            valid_to="2020-01-01",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    expected = {
        "id_code": "统一社会信用代码应为 18 位，当前 14 位。",
        "id_counterparty_name": "请填写行政相对人名称。",
        "id_contact_phone": "请填写 11 位手机号",
        "id_licence_no": "请填写许可文（编）号。",
        "id_valid_to": "有效期截止日期不能早于起始日期",
    }
    for field_id, message in expected.items():
        assert message in field_errors(html, field_id), field_id
        assert re.search(rf'aria-describedby="[^"]*{field_id}_error"', html), field_id
    assert "请更正以下 5 处内容；本次未保存任何数据。" in html
    assert "确保该变量" not in html and "该字段是必填项" not in html
    assert not Licence.objects.exists() and not Counterparty.objects.exists()


@time_machine.travel(at("2026-11-25T10:00"), tick=False)
def test_a_wrong_check_digit_and_a_number_already_recorded_show_in_the_same_submit(
    recorded, approval_clerk
):
    """The service's read-only checks (a number recorded before) join the field checks."""
    bad = KNOWN_CODE[:-1] + ("0" if KNOWN_CODE[-1] != "0" else "1")
    response = logged_in(approval_clerk).post(
        decision_url(), form_data(code=bad, licence_no=recorded.licence_no)
    )
    html = response.content.decode()
    assert "统一社会信用代码校验位错误" in field_errors(html, "id_code")
    assert "该许可文（编）号已录入过。" in field_errors(html, "id_licence_no")
    assert Licence.objects.count() == 1


def test_required_fields_are_marked_for_eyes_and_screen_readers(approval_clerk, plain_item):
    html = logged_in(approval_clerk).get(decision_url()).content.decode()
    for label in ("行政相对人名称", "联系人", "许可文（编）号", "有效期自"):
        mark = '<span class="required-mark" aria-hidden="true">*</span>'
        assert f'{label}{mark}<span class="sr-only">（必填）</span>' in html, label
    assert re.search(r"有效期至</label>", html)  # optional: no mark


def test_fields_are_grouped_under_the_legends_the_item_needs(
    approval_clerk, supervision_department
):
    ApprovalItemFactory(
        code="full",
        name="公共场所卫生许可",
        integrated_licence=True,
        notification_commitment=True,
        supervision_departments=[supervision_department],
    )
    ApprovalItemFactory(
        code="plain", name="药品零售", supervision_departments=[supervision_department]
    )
    client = logged_in(approval_clerk)
    full = client.get(decision_url("full")).content.decode()
    legends = re.findall(r'<fieldset class="form-group"[^>]*>\s*<legend>(.*?)</legend>', full)
    assert legends == ["申请人", "许可", "综合许可证证面信息", "承诺"]
    plain = client.get(decision_url("plain")).content.decode()
    legends = re.findall(r'<fieldset class="form-group"[^>]*>\s*<legend>(.*?)</legend>', plain)
    assert legends == ["申请人", "许可"]


def test_the_credit_code_is_asked_once(approval_clerk, plain_item):
    html = logged_in(approval_clerk).get(decision_url()).content.decode()
    assert len(re.findall(r'name="code"', html)) == 1
    assert html.count("<form") == 3  # the decision, the footer's language and the logout


@time_machine.travel(at("2026-11-25T10:00"), tick=False)
def test_checking_access_without_script_fills_the_known_contact_and_keeps_what_was_typed(
    recorded, approval_clerk
):
    """R7: the check button posts the form back unvalidated; nothing is saved."""
    response = logged_in(approval_clerk).post(
        decision_url(),
        {
            "check_access": "1",
            "code": KNOWN_CODE.lower(),
            "contact_name": "钱七",
            "licence_no": "X1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="临淄区稷下街道百姓大药房"' in html
    assert 'value="钱七"' in html and 'value="赵六"' not in html
    assert 'value="13912345678"' in html and 'value="X1"' in html
    assert "准入状态：正常准入" in html
    assert "has-error" not in html
    assert Licence.objects.count() == 1


def lookup(client, code: str):
    return client.get(reverse("approvals:counterparty-lookup"), {"code": code})


@time_machine.travel(at("2026-11-25T10:00"), tick=False)
def test_the_lookup_gives_approval_staff_the_known_name_and_contact_of_their_department(
    recorded, approval_clerk, django_assert_num_queries
):
    """R7: the counterparty's contact and its access level, in a pinned number of queries
    (session, user, membership, department, counterparty, its listings, a push of the
    department about it)."""
    client = logged_in(approval_clerk)
    lookup(client, KNOWN_CODE)  # warm the session's caches
    with django_assert_num_queries(7):
        response = lookup(client, KNOWN_CODE)
    assert response.status_code == 200
    assert response.json() == {
        "code": KNOWN_CODE,
        "code_type": "credit_code",
        "counterparty": {
            "name": "临淄区稷下街道百姓大药房",
            "contact_name": "赵六",
            "contact_phone": "13912345678",
        },
        "access": {"level": "normal", "label": "正常准入", "is_limited": False, "reasons": []},
    }


@time_machine.travel(at("2026-11-25T10:00"), tick=False)
def test_the_lookup_tells_another_department_the_access_but_not_the_contact(
    recorded, supervision_department
):
    """R7 for every approval department; the contact only where a push about it is held."""
    CounterpartyListing.objects.create(
        counterparty=recorded.counterparty,
        listing_type=ListingType.ANOMALY,
        department=supervision_department,
        source_document="临市监异〔2026〕1号",
        listed_on=datetime.date(2026, 11, 20),
        created_by_label="test",
        created_at=timezone.now(),
    )
    other = StaffFactory(department=ApprovalDepartmentFactory(), role=StaffRole.CLERK).user
    body = lookup(logged_in(other), KNOWN_CODE).json()
    assert body["counterparty"] is None
    assert body["access"]["is_limited"] is True
    assert body["access"]["reasons"][0]["source_document"] == "临市监异〔2026〕1号"


def test_the_lookup_is_refused_to_supervision_staff_and_anonymous_visitors(
    recorded, supervision_clerk, client
):
    response = lookup(logged_in(supervision_clerk), KNOWN_CODE)
    assert response.status_code == 403
    assert "只有行政审批部门" in response.json()["error"]
    anonymous = lookup(client, KNOWN_CODE)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91370305", "统一社会信用代码应为 18 位，当前 8 位。"),
        (KNOWN_CODE[:-1] + ("0" if KNOWN_CODE[-1] != "0" else "1"), "统一社会信用代码校验位错误"),
    ],
)
def test_a_malformed_code_is_a_400_with_a_chinese_message(approval_clerk, code, message):
    response = lookup(logged_in(approval_clerk), code)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_the_item_picker_data_carries_departments_and_what_each_item_needs(
    approval_clerk, supervision_department
):
    ApprovalItemFactory(
        code="food",
        name="食品经营许可",
        integrated_licence=True,
        credit_mode=CreditMode.EXEMPT,
        important_category="work_safety",
        supervision_departments=[supervision_department],
    )
    html = logged_in(approval_clerk).get(reverse("approvals:decision-item")).content.decode()
    data = json.loads(
        re.search(
            r'<script id="items-data" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    item = next(entry for entry in data if entry["code"] == "food")
    assert item["name"] == "食品经营许可"
    assert item["departments"] == [supervision_department.name]
    assert item["commitment"] and item["important"] and item["integrated_licence"]
    assert item["url"] == decision_url("food")
    assert "完整的重要事项卷宗" in item["needs"] and "综合许可证证面信息" in item["needs"]
    assert 'list="item-names"' in html

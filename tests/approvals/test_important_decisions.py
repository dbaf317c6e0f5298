"""R14: an important item's decision refuses to finish until its file is complete."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.models import ImportantCategory, Licence
from approvals.services import DecisionInput, licence_decide
from coordination.files.services import (
    consultation_record,
    important_file_create,
    no_hearing_reason_record,
    stakeholder_opinion_record,
)
from organizations.scoping import actor_for_user
from tests.factories import ApprovalItemFactory, valid_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def important_item(supervision_department):
    return ApprovalItemFactory(
        code="hazard",
        name="危险化学品经营许可",
        important_category=ImportantCategory.WORK_SAFETY,
        supervision_departments=[supervision_department],
    )


@pytest.fixture
def file(approval_clerk, important_item):
    return important_file_create(
        actor=actor_for_user(approval_clerk), item=important_item, project_name="齐鲁化工仓储项目"
    )


def decide(clerk, item, **extra):
    return licence_decide(
        actor=actor_for_user(clerk),
        decision=DecisionInput(
            item=item,
            counterparty={
                "name": "齐鲁化工仓储有限公司",
                "credit_code": valid_credit_code("91370305MA3CMP01"),
                "contact_name": "钱八",
                "contact_phone": "13600000000",
            },
            licence_no="鲁淄危化〔2026〕9",
            licence_date=datetime.date(2026, 11, 20),
            valid_from=datetime.date(2026, 11, 20),
            **extra,
        ),
    )


def complete(file, approval_clerk, supervision_clerk):
    consultation_record(
        actor=actor_for_user(supervision_clerk), file=file, opinion="同意，须落实安全设施"
    )
    stakeholder_opinion_record(
        actor=actor_for_user(approval_clerk),
        file=file,
        stakeholder="周边居民代表",
        summary="无异议",
    )
    no_hearing_reason_record(
        actor=actor_for_user(approval_clerk), file=file, reason="不涉及重大利益调整"
    )


def test_an_important_item_needs_a_file(approval_clerk, important_item):
    with pytest.raises(ValidationError) as error:
        decide(approval_clerk, important_item)
    assert "important_file" in error.value.message_dict
    assert not Licence.objects.exists()


def test_the_refusal_lists_exactly_what_is_missing(approval_clerk, important_item, file):
    with pytest.raises(ValidationError) as error:
        decide(approval_clerk, important_item, important_file=file)
    messages = error.value.message_dict["important_file"]
    assert len(messages) == 3
    assert any("测试市场监督管理局" in m for m in messages)


def test_a_complete_file_lets_the_decision_finish(
    approval_clerk, supervision_clerk, important_item, file
):
    complete(file, approval_clerk, supervision_clerk)
    licence = decide(approval_clerk, important_item, important_file=file)
    assert licence.important_file_id == file.pk


def test_the_decision_form_shows_the_missing_items(approval_clerk, important_item, file):
    client = Client()
    client.force_login(approval_clerk)
    response = client.post(
        reverse("approvals:decision-create", args=["hazard"]),
        {
            "counterparty_name": "齐鲁化工仓储有限公司",
            "code_type": "credit_code",
            "code": valid_credit_code("91370305MA3CMP01"),
            "contact_name": "钱八",
            "contact_phone": "13600000000",
            "licence_no": "X-1",
            "licence_date": "2026-11-20",
            "valid_from": "2026-11-20",
            "important_file": file.pk,
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "缺少：" in text and "利益相关方意见" in text
    assert not Licence.objects.exists()


def test_the_api_refuses_a_file_of_another_item(
    approval_department, approval_clerk, important_item, file
):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_api_client", department=approval_department.code, name="x", stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {out.getvalue().strip().splitlines()[-1]}")
    body = {
        "item": "hazard",
        "counterparty": {
            "name": "齐鲁化工仓储有限公司",
            "credit_code": valid_credit_code("91370305MA3CMP01"),
            "contact_name": "钱八",
            "contact_phone": "13600000000",
        },
        "licence_no": "X-2",
        "licence_date": "2026-11-20",
        "valid_from": "2026-11-20",
    }
    missing = client.post("/api/v1/licences/", body, format="json")
    assert missing.status_code == 400 and "important_file" in missing.json()["error"]["fields"]
    wrong = client.post("/api/v1/licences/", {**body, "important_file": 999999}, format="json")
    assert wrong.status_code == 400
    incomplete = client.post(
        "/api/v1/licences/", {**body, "important_file": file.pk}, format="json"
    )
    assert incomplete.status_code == 400
    assert len(incomplete.json()["error"]["fields"]["important_file"]) == 3

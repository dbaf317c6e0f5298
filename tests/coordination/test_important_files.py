import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from coordination.files.services import (
    consultation_record,
    hearing_record,
    important_file_create,
    no_hearing_reason_record,
    stakeholder_opinion_record,
)
from coordination.models import Consultation, ImportantFile
from coordination.selectors import important_file_for, important_file_missing
from notifications.models import Notification
from organizations.scoping import actor_for_user
from tests.factories import ApprovalDepartmentFactory, ApprovalItemFactory, StaffFactory
from tests.helpers import at, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(approval_actor, important_item):
    return important_file_create(
        actor=approval_actor, item=important_item, project_name="齐鲁石化储罐扩建项目"
    )


def test_a_new_file_lists_exactly_what_is_missing(file, english):
    assert important_file_missing(file=file) == [
        "Consultation with 测试市场监督管理局",
        "Consultation with 临淄区应急管理局",
        "Stakeholder opinions",
        "Hearing record or the reason no hearing was needed",
    ]


def test_the_checklist_shrinks_with_each_record_and_is_empty_when_complete(
    file, approval_actor, supervision_actor, safety_department, english
):
    consultation_record(actor=supervision_actor, file=file, opinion="同意，需落实安全距离。")
    assert important_file_missing(file=file) == [
        "Consultation with 临淄区应急管理局",
        "Stakeholder opinions",
        "Hearing record or the reason no hearing was needed",
    ]
    consultation_record(
        actor=approval_actor,
        file=file,
        department=safety_department,
        opinion="原则同意。",
        document=pdf("opinion.pdf"),
    )
    stakeholder_opinion_record(
        actor=approval_actor, file=file, stakeholder="周边村委会", summary="无异议。"
    )
    assert important_file_missing(file=file) == [
        "Hearing record or the reason no hearing was needed"
    ]
    no_hearing_reason_record(actor=approval_actor, file=file, reason="不涉及重大利益调整。")
    assert important_file_missing(file=file) == []


@time_machine.travel(at("2026-03-10T10:00"), tick=False)
def test_a_hearing_record_also_completes_the_hearing_entry(file, approval_actor, english):
    hearing_record(
        actor=approval_actor,
        file=file,
        held_on=datetime.date(2026, 3, 9),
        participants="申请人、周边居民代表",
        minutes="听证笔录……",
    )
    assert "Hearing record or the reason no hearing was needed" not in important_file_missing(
        file=file
    )
    with pytest.raises(ValidationError) as excinfo:
        no_hearing_reason_record(actor=approval_actor, file=file, reason="无需听证")
    assert "__all__" in excinfo.value.message_dict


def test_a_reason_excludes_a_later_hearing(file, approval_actor):
    no_hearing_reason_record(actor=approval_actor, file=file, reason="不涉及")
    with pytest.raises(ValidationError):
        hearing_record(
            actor=approval_actor,
            file=file,
            held_on=datetime.date(2026, 1, 5),
            participants="x",
            minutes="y",
        )


def test_the_approval_department_records_an_opinion_on_behalf_only_with_the_document(
    file, approval_actor, safety_department
):
    with pytest.raises(ValidationError) as excinfo:
        consultation_record(
            actor=approval_actor, file=file, department=safety_department, opinion="同意"
        )
    assert "document" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        consultation_record(
            actor=approval_actor, file=file, opinion="同意", document=pdf("opinion.pdf")
        )
    assert "department" in excinfo.value.message_dict


def test_one_opinion_per_department(file, supervision_actor):
    consultation_record(actor=supervision_actor, file=file, opinion="同意")
    with pytest.raises(ValidationError) as excinfo:
        consultation_record(actor=supervision_actor, file=file, opinion="再次同意")
    assert "department" in excinfo.value.message_dict
    assert Consultation.objects.count() == 1


def test_a_department_not_responsible_for_the_item_cannot_give_an_opinion(file, outsider_clerk):
    with pytest.raises(PermissionDenied):
        consultation_record(actor=actor_for_user(outsider_clerk), file=file, opinion="同意")


def test_only_important_items_get_a_file(approval_actor, supervision_department):
    ordinary = ApprovalItemFactory(supervision_departments=[supervision_department])
    with pytest.raises(ValidationError) as excinfo:
        important_file_create(actor=approval_actor, item=ordinary, project_name="项目")
    assert "item" in excinfo.value.message_dict


def test_a_supervision_department_cannot_open_a_file(supervision_actor, important_item):
    with pytest.raises(PermissionDenied):
        important_file_create(actor=supervision_actor, item=important_item, project_name="项目")


def test_a_wrong_counterparty_code_is_a_field_error(approval_actor, important_item):
    with pytest.raises(ValidationError) as excinfo:
        important_file_create(
            actor=approval_actor,
            item=important_item,
            project_name="项目",
            counterparty_code="91370305MA3C8Q7X00",
        )
    assert "counterparty_code" in excinfo.value.message_dict


def test_opening_a_file_asks_every_responsible_department_and_is_audited(
    supervision_clerk, safety_clerk, file
):
    assert Notification.objects.filter(user=supervision_clerk).count() == 1
    assert Notification.objects.filter(user=safety_clerk).count() == 1
    assert AuditEvent.objects.filter(action="important_file.create").count() == 1


def test_important_file_for_offers_the_departments_files_of_the_item_newest_first(
    approval_actor, important_item
):
    with time_machine.travel(at("2026-03-02T09:00"), tick=False):
        older = important_file_create(actor=approval_actor, item=important_item, project_name="A")
    with time_machine.travel(at("2026-03-03T09:00"), tick=False):
        newer = important_file_create(actor=approval_actor, item=important_item, project_name="B")
    other_department = ApprovalDepartmentFactory()
    other_clerk = StaffFactory(department=other_department).user
    important_file_create(actor=actor_for_user(other_clerk), item=important_item, project_name="C")
    assert list(important_file_for(item=important_item, actor=approval_actor)) == [newer, older]


def test_the_responsible_supervision_department_sees_the_file_and_adds_its_opinion_on_the_web(
    file, supervision_clerk
):
    client = Client()
    client.force_login(supervision_clerk)
    page = client.get(reverse("coordination:file-detail", args=[file.pk]))
    assert page.status_code == 200
    assert "齐鲁石化储罐扩建项目" in page.content.decode()
    response = client.post(
        reverse("coordination:file-consultation", args=[file.pk]), {"opinion": "同意。"}
    )
    assert response.status_code == 302
    assert Consultation.objects.get().department.code == "scjg-test"


def test_the_approval_department_fills_the_file_on_the_web(
    approval_clerk, important_item, safety_department
):
    client = Client()
    client.force_login(approval_clerk)
    response = client.post(
        reverse("coordination:file-create"),
        {"item": important_item.pk, "project_name": "储罐项目", "counterparty_code": ""},
    )
    assert response.status_code == 302, response.content.decode()
    file = ImportantFile.objects.get()
    missing_page = client.get(
        reverse("coordination:file-detail", args=[file.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Consultation with 临淄区应急管理局" in missing_page.content.decode()
    # On behalf without the opinion document: a field error, nothing saved.
    response = client.post(
        reverse("coordination:file-consultation", args=[file.pk]),
        {"department": safety_department.pk, "opinion": "同意"},
    )
    assert response.status_code == 200
    assert Consultation.objects.count() == 0
    response = client.post(
        reverse("coordination:file-consultation", args=[file.pk]),
        {"department": safety_department.pk, "opinion": "同意", "document": pdf("opinion.pdf")},
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    download = client.get(
        reverse("coordination:document-download", args=["consultation", consultation.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    for url, data in [
        ("coordination:file-stakeholder", {"stakeholder": "村委会", "summary": "无异议"}),
        ("coordination:file-no-hearing", {"reason": "不涉及"}),
    ]:
        assert client.post(reverse(url, args=[file.pk]), data).status_code == 302


def test_the_checklist_api_lists_what_is_missing(approval_department, file):
    from tests.clients import api_for

    response = api_for(approval_department).get(
        f"/api/v1/coordination/important-files/{file.pk}/checklist/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.json() == {
        "complete": False,
        "missing": [
            "Consultation with 测试市场监督管理局",
            "Consultation with 临淄区应急管理局",
            "Stakeholder opinions",
            "Hearing record or the reason no hearing was needed",
        ],
    }


@time_machine.travel(at("2026-03-10T10:00"), tick=False)
def test_the_api_fills_a_file_until_nothing_is_missing(
    approval_department, supervision_department, safety_department, important_item
):
    from tests.clients import api_for

    approval, supervision = api_for(approval_department), api_for(supervision_department)
    response = approval.post(
        "/api/v1/coordination/important-files/",
        {"item": important_item.code, "project_name": "储罐项目"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["hearing"] is None
    assert len(body["missing"]) == 4
    base = f"/api/v1/coordination/important-files/{body['id']}/"
    assert supervision.get(base).status_code == 200
    response = supervision.post(base + "consultations/", {"opinion": "同意"}, format="json")
    assert response.status_code == 201, response.json()
    response = approval.post(
        base + "consultations/",
        {"department": safety_department.code, "opinion": "同意", "document": pdf("opinion.pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["document_name"] == "opinion.pdf"
    response = approval.post(
        base + "consultations/",
        {"department": safety_department.code, "opinion": "再次"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"department", "document"}
    response = approval.post(
        base + "stakeholder-opinions/", {"stakeholder": "村委会", "summary": "无异议"}
    )
    assert response.status_code == 201
    response = approval.post(
        base + "hearing/",
        {"held_on": "2026-03-09", "participants": "各方", "minutes": "笔录"},
        format="json",
    )
    assert response.status_code == 201
    response = approval.post(base + "no-hearing-reason/", {"reason": "x"}, format="json")
    assert response.status_code == 400
    detail = approval.get(base).json()
    assert detail["missing"] == []
    assert detail["hearing"]["held_on"] == "2026-03-09"
    assert approval.get(base + "checklist/").json() == {"complete": True, "missing": []}
    listed = supervision.get(
        "/api/v1/coordination/important-files/", {"item": important_item.code}
    ).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_every_coordination_model_has_a_chinese_name():
    from django.apps import apps
    from django.utils import translation

    with translation.override("zh-hans"):
        for model in apps.get_app_config("coordination").get_models():
            name = str(model._meta.verbose_name)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in name), (model.__name__, name)

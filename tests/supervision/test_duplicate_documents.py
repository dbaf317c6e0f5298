"""One department records one document number once for one kind of action (R6), and sends
one letter number once for one requested action (R8): a second try is refused with a 409
that names the record kept, on the web form and the API, and changes nothing."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from linzi_platform.errors import DuplicateRecord
from notifications.models import Push
from organizations.scoping import actor_for_user
from supervision.actions.services import supervision_action_record
from supervision.letters.services import letter_send
from supervision.models import LicenceLetter, SupervisionAction
from tests.clients import api_for, logged_in
from tests.helpers import at, pdf

pytestmark = pytest.mark.django_db

NOW = at("2026-11-27T10:00")
DOCUMENT = "临市监罚〔2026〕41号"


def penalty(clerk, licence, *, kind="penalty", document_no=DOCUMENT):
    return supervision_action_record(
        actor=actor_for_user(clerk),
        kind=kind,
        document_no=document_no,
        decided_on=datetime.date(2026, 11, 26),
        summary="罚款五千元",
        licence=licence,
    )


def test_the_same_document_twice_is_refused_naming_the_existing_record(
    licence, supervision_clerk, approval_department
):
    with time_machine.travel(NOW, tick=False):
        first = penalty(supervision_clerk, licence)
        pushes = Push.objects.count()
        with pytest.raises(DuplicateRecord) as error:
            penalty(supervision_clerk, licence, document_no=f"  {DOCUMENT} ")
    assert error.value.existing.id == first.pk
    assert error.value.field == "document_no"
    assert DOCUMENT in str(error.value) and "2026-11-27 10:00" in str(error.value)
    assert SupervisionAction.objects.count() == 1
    assert Push.objects.count() == pushes


@pytest.mark.parametrize(
    "second",
    [
        pytest.param({"kind": "suspension"}, id="another-kind"),
        pytest.param({"document_no": "临市监罚〔2026〕42号"}, id="another-number"),
    ],
)
def test_another_kind_or_number_is_a_new_record(
    licence, supervision_clerk, approval_department, second
):
    with time_machine.travel(NOW, tick=False):
        penalty(supervision_clerk, licence)
        penalty(supervision_clerk, licence, **second)
    assert SupervisionAction.objects.count() == 2


def test_another_department_may_use_the_same_number(
    licence, supervision_clerk, other_supervision_clerk, approval_department
):
    with time_machine.travel(NOW, tick=False):
        penalty(supervision_clerk, licence)
        penalty(other_supervision_clerk, licence)
    assert SupervisionAction.objects.count() == 2


def test_the_api_answers_409_with_the_existing_record(
    licence, supervision_department, approval_department
):
    api = api_for(supervision_department)
    body = {
        "kind": "penalty",
        "licence": licence.pk,
        "document_no": DOCUMENT,
        "decided_at": "2026-11-26",
        "summary": "罚款五千元",
    }
    with time_machine.travel(NOW, tick=False):
        first = api.post("/api/v1/supervision-actions/", body, format="json")
        assert first.status_code == 201, first.content
        second = api.post("/api/v1/supervision-actions/", body, format="json")
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "duplicate"
    assert error["existing"]["id"] == first.json()["id"]
    assert error["existing"]["url"] == f"/supervision/actions/{first.json()['id']}/"
    assert "document_no" in error["fields"] and DOCUMENT in error["message"]
    assert SupervisionAction.objects.count() == 1


def test_the_web_form_shows_the_duplicate_on_the_field_with_a_link(
    licence, supervision_clerk, approval_department
):
    with time_machine.travel(NOW, tick=False):
        first = penalty(supervision_clerk, licence)
        page = logged_in(supervision_clerk).post(
            reverse("supervision:action-create"),
            {
                "kind": "penalty",
                "document_no": DOCUMENT,
                "decided_on": "2026-11-26",
                "summary": "罚款五千元",
                "licence": licence.pk,
            },
        )
    assert page.status_code == 200
    errors = page.context["form"].errors["document_no"]
    assert any(DOCUMENT in error for error in errors)
    link = reverse("supervision:action-detail", args=[first.pk])
    assert f'href="{link}"' in page.content.decode()
    assert SupervisionAction.objects.count() == 1


def send_letter(clerk, licence, *, action="revoke"):
    return letter_send(
        actor=actor_for_user(clerk),
        licence=licence,
        action=action,
        document_no="临市监函〔2026〕9号",
        legal_basis="《中华人民共和国行政许可法》第七十条",
        penalty_result="吊销许可证",
        attachments=[pdf()],
    )


def test_the_same_letter_twice_is_refused_on_the_api_and_the_form(
    licence, supervision_clerk, supervision_department, approval_department
):
    with time_machine.travel(NOW, tick=False):
        first = send_letter(supervision_clerk, licence)
        response = api_for(supervision_department).post(
            "/api/v1/licence-letters/",
            {
                "licence": licence.pk,
                "action": "revoke",
                "document_no": "临市监函〔2026〕9号",
                "legal_basis": "《中华人民共和国行政许可法》第七十条",
                "penalty_result": "吊销许可证",
                "attachments": [pdf()],
            },
            format="multipart",
        )
        page = logged_in(supervision_clerk).post(
            reverse("supervision:letter-create"),
            {
                "licence": licence.pk,
                "action": "revoke",
                "document_no": "临市监函〔2026〕9号",
                "legal_basis": "依据",
                "penalty_result": "结果",
                "attachments": [pdf()],
            },
        )
    assert response.status_code == 409
    assert response.json()["error"]["existing"]["id"] == first.pk
    assert page.status_code == 200
    link = reverse("supervision:letter-detail", args=[first.pk])
    assert f'href="{link}"' in page.content.decode()
    assert LicenceLetter.objects.count() == 1


def test_the_same_letter_number_for_another_requested_action_is_a_new_letter(
    licence, supervision_clerk, approval_department
):
    with time_machine.travel(NOW, tick=False):
        send_letter(supervision_clerk, licence)
        send_letter(supervision_clerk, licence, action="change")
    assert LicenceLetter.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_records_of_one_document_make_one_action(
    require_postgres, licence, supervision_clerk
):
    """R6 on PostgreSQL: the unique constraint decides a race that the pre-check cannot."""
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def record() -> None:
        try:
            barrier.wait()
            penalty(supervision_clerk, licence, document_no="临市监罚〔2026〕99号")
            outcomes.append("created")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    with time_machine.travel(NOW, tick=True):
        threads = [threading.Thread(target=record) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == ["DuplicateRecord", "created"]
    assert SupervisionAction.objects.count() == 1

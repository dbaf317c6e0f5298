"""API of licence letters (函告, R8)."""

import pytest

from approvals.models import LicenceStatus
from notifications.models import Push
from supervision.models import LetterState, LicenceLetter
from tests.clients import api_for
from tests.factories import DepartmentFactory
from tests.supervision.test_api_actions import _frozen_time, pdf  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/api/v1/licence-letters/"


@pytest.fixture
def supervision_api(supervision_department):
    return api_for(supervision_department)


@pytest.fixture
def approval_api(approval_department):
    return api_for(approval_department)


def letter_body(about, **overrides) -> dict:
    body = {
        "licence": about.pk,
        "action": "revoke",
        "document_no": "临市监函〔2026〕7号",
        "legal_basis": "《危险化学品安全管理条例》第八十八条",
        "penalty_result": "吊销危险化学品经营许可证",
        "attachments": [pdf("d.pdf")],
    }
    body.update(overrides)
    return body


def send(client, about, **overrides):
    return client.post(URL, letter_body(about, **overrides), format="multipart")


def test_a_letter_with_evidence_is_201_and_pushed_to_the_approval_department(
    supervision_api, licence, approval_department
):
    response = send(supervision_api, licence)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "submitted"
    assert body["licence"]["id"] == licence.pk and body["licence"]["status"] == "valid"
    assert body["approval_department"] == "xzsp-test" and body["department"] == "scjg-test"
    assert body["attachments"] == ["d.pdf"]
    assert [(e["from_state"], e["to_state"]) for e in body["events"]] == [("", "submitted")]
    assert [p["receiver"] for p in body["pushes"]] == ["xzsp-test"]
    push = Push.objects.get(kind="licence_letter")
    assert push.receiver == approval_department and push.payload["letter_id"] == body["id"]


def test_a_json_letter_without_files_is_400_naming_attachments(supervision_api, licence):
    body = letter_body(licence)
    del body["attachments"]
    response = supervision_api.post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert "attachments" in response.json()["error"]["fields"]
    assert not LicenceLetter.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"action": "destroy"}, "action"),
        ({"licence": "abc"}, "licence"),
        ({"licence": 999_999}, "licence"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"attachments": [pdf("evil.exe")]}, "attachments"),
    ],
)
def test_bad_letters_are_400_with_the_field(supervision_api, licence, overrides, field):
    response = send(supervision_api, licence, **overrides)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not LicenceLetter.objects.exists()


def test_a_licence_the_department_does_not_supervise_is_a_field_error(licence):
    outsider = api_for(DepartmentFactory(code="whly-x"))
    response = send(outsider, licence)
    assert response.status_code == 400
    assert "licence" in response.json()["error"]["fields"]


def test_an_approval_key_cannot_send_a_letter(approval_api, licence):
    assert send(approval_api, licence).status_code == 403


def test_accepting_a_letter_revokes_the_licence_and_the_decision_reaches_the_sender(
    supervision_api, approval_api, licence, other_supervision_department
):
    letter_id = send(supervision_api, licence).json()["id"]
    decision = f"{URL}{letter_id}/decision/"
    response = approval_api.post(decision, {"accept": True, "note": "同意吊销"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "accepted" and body["decision_note"] == "同意吊销"
    assert body["licence"]["status"] == "revoked"
    assert [e["to_state"] for e in body["events"]] == ["submitted", "accepted"]
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED

    inbox = supervision_api.get("/api/v1/pushes/?box=inbox&kind=licence_letter_decision").json()
    assert [p["payload"]["letter_id"] for p in inbox["results"]] == [letter_id]
    assert inbox["results"][0]["payload"]["decision"] == "accepted"
    # the other supervisor of the item learns of the status change; the sender does not twice
    change = Push.objects.get(kind="licence_status_change")
    assert change.receiver == other_supervision_department

    seen = supervision_api.get(f"{URL}{letter_id}/").json()
    assert seen["state"] == "accepted" and len(seen["events"]) == 2

    again = approval_api.post(decision, {"accept": False, "note": "改为驳回"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_rejecting_needs_reasons_and_keeps_the_licence(supervision_api, approval_api, licence):
    letter_id = send(supervision_api, licence).json()["id"]
    decision = f"{URL}{letter_id}/decision/"
    missing = approval_api.post(decision, {"accept": False}, format="json")
    assert missing.status_code == 400 and "note" in missing.json()["error"]["fields"]
    assert approval_api.post(decision, {"note": "x"}, format="json").status_code == 400
    response = approval_api.post(decision, {"accept": False, "note": "证据不足"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.VALID


def test_the_sending_supervision_department_cannot_decide(supervision_api, licence):
    letter_id = send(supervision_api, licence).json()["id"]
    response = supervision_api.post(f"{URL}{letter_id}/decision/", {"accept": True}, format="json")
    assert response.status_code == 403
    assert LicenceLetter.objects.get().state == LetterState.SUBMITTED


def test_another_departments_letter_is_404(supervision_api, licence, other_supervision_department):
    letter_id = send(supervision_api, licence).json()["id"]
    other = api_for(other_supervision_department)
    assert other.get(f"{URL}{letter_id}/").status_code == 404
    assert (
        other.post(f"{URL}{letter_id}/decision/", {"accept": True}, format="json").status_code
        == 404
    )
    assert other.get(URL).json()["results"] == []


def test_letters_are_listed_newest_first_and_filtered_by_state(
    supervision_api, approval_api, licence
):
    import time_machine

    from tests.supervision.test_api_actions import NOW

    ids = []
    for n, minutes in enumerate((0, 5)):
        with time_machine.travel(NOW.replace(minute=minutes), tick=False):
            ids.append(send(supervision_api, licence, document_no=f"函{n}").json()["id"])
    approval_api.post(
        f"{URL}{ids[0]}/decision/", {"accept": False, "note": "不予采纳"}, format="json"
    )
    listed = approval_api.get(URL).json()["results"]
    assert [row["id"] for row in listed] == [ids[1], ids[0]]
    submitted = supervision_api.get(f"{URL}?state=submitted").json()["results"]
    assert [row["id"] for row in submitted] == [ids[1]]
    assert supervision_api.get(f"{URL}?state=lost").status_code == 400


def test_a_replayed_decision_answers_the_first_response(supervision_api, approval_api, licence):
    letter_id = send(supervision_api, licence).json()["id"]
    decision = f"{URL}{letter_id}/decision/"
    body = {"accept": True, "note": "同意"}
    first = approval_api.post(decision, body, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    again = approval_api.post(decision, body, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert Push.objects.filter(kind="licence_letter_decision").count() == 1


def test_a_replayed_multipart_letter_creates_one_letter(supervision_api, licence):
    first = supervision_api.post(
        URL, letter_body(licence), format="multipart", HTTP_IDEMPOTENCY_KEY="l-1"
    )
    again = supervision_api.post(
        URL, letter_body(licence), format="multipart", HTTP_IDEMPOTENCY_KEY="l-1"
    )
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert LicenceLetter.objects.count() == 1
    assert Push.objects.filter(kind="licence_letter").count() == 1

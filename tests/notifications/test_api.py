import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from approvals.models import Licence
from notifications.models import Feedback, Push, PushState
from organizations.models import IdempotencyRecord
from tests.clients import api_for
from tests.factories import ApprovalItemFactory, DepartmentFactory, valid_credit_code
from tests.helpers import at

pytestmark = pytest.mark.django_db


def licence_body(**overrides) -> dict:
    body = {
        "item": "food",
        "counterparty": {
            "name": "临淄齐鲁食品有限公司",
            "credit_code": valid_credit_code("91370305MA3CAP10"),
            "contact_name": "王五",
            "contact_phone": "0533-7181234",
        },
        "licence_no": "JY13703050099999",
        "licence_date": "2026-09-30",
        "valid_from": "2026-09-30",
        "valid_to": "2031-09-29",
    }
    body.update(overrides)
    return body


@pytest.fixture
def approval_api(approval_department, food_item):
    return api_for(approval_department)


@pytest.fixture
def supervision_api(supervision_department):
    return api_for(supervision_department)


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_post_licence_records_the_decision_and_answers_with_its_pushes(
    approval_api, supervision_department, second_supervision_department
):
    response = approval_api.post("/api/v1/licences/", licence_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["licence_no"] == "JY13703050099999"
    assert body["status"] == "valid"
    assert {p["receiver"] for p in body["pushes"]} == {"scjg-test", "wsjk-test"}
    assert all(p["deadline"] == "2026-10-08T17:30:00+08:00" for p in body["pushes"])
    assert Licence.objects.get(pk=body["id"]).counterparty.contact_phone == "0533-7181234"


def test_a_supervision_key_cannot_record_a_decision(supervision_api, food_item):
    response = supervision_api.post("/api/v1/licences/", licence_body(), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "只有行政审批部门可以录入审批决定。"
    assert not Licence.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"item": "no-such-item"}, "item"),
        ({"licence_date": "2026-02-30"}, "licence_date"),
        ({"valid_to": "2020-01-01"}, "valid_to"),
        ({"licence_no": ""}, "licence_no"),
        ({"licence_no": "x" * 5000}, "licence_no"),
        (
            {
                "counterparty": {
                    "name": "甲",
                    "credit_code": "91370305MA3C8Q7X29",
                    "contact_name": "乙",
                    "contact_phone": "13812345678",
                }
            },
            "counterparty",
        ),
        ({"counterparty": "not an object"}, "counterparty"),
        ({"licence_date": "2999-01-01"}, "licence_date"),
    ],
)
def test_bad_licence_bodies_get_a_field_error_and_write_nothing(approval_api, overrides, field):
    response = approval_api.post("/api/v1/licences/", licence_body(**overrides), format="json")
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert not Licence.objects.exists() and not Push.objects.exists()


def test_the_counterparty_check_digit_error_names_the_nested_field(approval_api):
    body = licence_body()
    body["counterparty"]["credit_code"] = body["counterparty"]["credit_code"][:-1] + (
        "0" if body["counterparty"]["credit_code"][-1] != "0" else "1"
    )
    response = approval_api.post("/api/v1/licences/", body, format="json")
    assert response.status_code == 400
    assert "校验位" in response.json()["error"]["fields"]["counterparty"]["credit_code"][0]


def test_non_json_and_empty_bodies_are_400_not_500(approval_api):
    assert (
        approval_api.post("/api/v1/licences/", "{{{", content_type="application/json").status_code
        == 400
    )
    assert approval_api.post("/api/v1/licences/", {}, format="json").status_code == 400


def test_same_idempotency_key_and_body_returns_the_first_response_and_creates_nothing(approval_api):
    first = approval_api.post(
        "/api/v1/licences/", licence_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = approval_api.post(
        "/api/v1/licences/", licence_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Licence.objects.count() == 1 and Push.objects.count() == 2
    other = approval_api.post(
        "/api/v1/licences/",
        licence_body(licence_no="OTHER"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_mismatch"
    assert Licence.objects.count() == 1


def test_a_failed_request_does_not_burn_its_idempotency_key(approval_api):
    bad = approval_api.post(
        "/api/v1/licences/", licence_body(licence_no=""), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert bad.status_code == 400
    good = approval_api.post(
        "/api/v1/licences/", licence_body(licence_no=""), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert good.status_code == 400
    assert not Licence.objects.exists()


@pytest.fixture
def licence_id(approval_api):
    with time_machine.travel(at("2026-11-24T09:00"), tick=False):
        return approval_api.post("/api/v1/licences/", licence_body(), format="json").json()["id"]


def test_pushes_list_by_box_and_state(licence_id, supervision_api, approval_api):
    inbox = supervision_api.get("/api/v1/pushes/?box=inbox&state=pending&kind=approval_decision")
    assert inbox.status_code == 200
    results = inbox.json()["results"]
    assert len(results) == 1 and results[0]["receiver"] == "scjg-test"
    assert results[0]["payload"]["licence_no"] == "JY13703050099999"
    assert supervision_api.get("/api/v1/pushes/?box=outbox").json()["results"] == []
    assert len(approval_api.get("/api/v1/pushes/?box=outbox").json()["results"]) == 2
    assert supervision_api.get("/api/v1/pushes/?box=sideways").status_code == 400
    assert supervision_api.get("/api/v1/pushes/?state=nonsense").status_code == 400


def test_push_detail_claim_and_conflict(licence_id, supervision_api):
    push_id = supervision_api.get("/api/v1/pushes/").json()["results"][0]["id"]
    detail = supervision_api.get(f"/api/v1/pushes/{push_id}/").json()
    for field in [
        "id",
        "kind",
        "sender",
        "receiver",
        "sent_at",
        "deadline",
        "state",
        "claimed_at",
        "claimed_by",
        "overdue",
        "payload",
        "feedback",
    ]:
        assert field in detail
    assert detail["deadline"] == "2026-11-25T17:30:00+08:00"
    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        claimed = supervision_api.post(f"/api/v1/pushes/{push_id}/claim/")
        assert claimed.status_code == 200
        assert claimed.json()["state"] == "claimed"
        again = supervision_api.post(f"/api/v1/pushes/{push_id}/claim/")
    assert again.status_code == 409
    assert "已由" in again.json()["error"]["message"]


def test_another_departments_push_and_licence_answer_404(licence_id):
    stranger = api_for(DepartmentFactory(code="zzz"))
    push = Push.objects.first()
    assert stranger.get(f"/api/v1/pushes/{push.pk}/").status_code == 404
    assert stranger.post(f"/api/v1/pushes/{push.pk}/claim/").status_code == 404
    assert stranger.post(f"/api/v1/pushes/{push.pk}/feedback/", {"text": "x"}).status_code == 404
    assert stranger.get(f"/api/v1/licences/{licence_id}/").status_code == 404
    assert stranger.get("/api/v1/pushes/").json()["results"] == []


def test_a_receiver_reads_the_licence_with_its_history(licence_id, supervision_api):
    response = supervision_api.get(f"/api/v1/licences/{licence_id}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status_history"][0]["to_status"] == "valid"
    assert [p["receiver"] for p in body["pushes"]] == ["scjg-test"]


def test_feedback_and_reply_over_the_api(licence_id, supervision_api, approval_api):
    push_id = supervision_api.get("/api/v1/pushes/").json()["results"][0]["id"]
    with time_machine.travel(at("2026-11-24T11:00"), tick=False):
        created = supervision_api.post(
            f"/api/v1/pushes/{push_id}/feedback/", {"text": "请核实许可范围"}, format="json"
        )
        assert created.status_code == 201
        fid = created.json()["id"]
        assert (
            supervision_api.post(
                f"/api/v1/pushes/{push_id}/feedback/{fid}/reply/", {"text": "x"}, format="json"
            ).status_code
            == 403
        )
        reply = approval_api.post(
            f"/api/v1/pushes/{push_id}/feedback/{fid}/reply/", {"text": "已核实"}, format="json"
        )
        assert reply.status_code == 201
        assert (
            approval_api.post(
                f"/api/v1/pushes/{push_id}/feedback/999999/reply/", {"text": "x"}, format="json"
            ).status_code
            == 404
        )
        assert (
            supervision_api.post(
                f"/api/v1/pushes/{push_id}/feedback/", {"text": ""}, format="json"
            ).status_code
            == 400
        )
    with time_machine.travel(at("2026-11-25T17:31"), tick=False):
        late = supervision_api.post(
            f"/api/v1/pushes/{push_id}/feedback/", {"text": "迟了"}, format="json"
        )
    assert late.status_code == 409
    assert "2026-11-25 17:30" in late.json()["error"]["message"]
    assert Feedback.objects.count() == 1
    detail = supervision_api.get(f"/api/v1/pushes/{push_id}/").json()
    assert detail["feedback"][0]["replies"][0]["text"] == "已核实"


def test_an_idempotency_key_is_kept_for_a_day_then_serves_a_new_request(approval_api):
    def post(licence_no: str, moment: str):
        with time_machine.travel(at(moment), tick=False):
            return approval_api.post(
                "/api/v1/licences/",
                licence_body(licence_no=licence_no),
                format="json",
                HTTP_IDEMPOTENCY_KEY="k-day",
            )

    assert post("DAY-1", "2026-11-24T10:00").status_code == 201
    # 23 hours later the key still belongs to the first request.
    assert post("DAY-2", "2026-11-25T09:00").status_code == 422
    # After 24 hours it is taken over: the new request runs and its answer is kept instead.
    late = post("DAY-2", "2026-11-25T10:01")
    assert late.status_code == 201 and "Idempotent-Replayed" not in late
    assert sorted(Licence.objects.values_list("licence_no", flat=True)) == ["DAY-1", "DAY-2"]
    record = IdempotencyRecord.objects.get(key="k-day")
    assert record.status_code == 201 and record.response_body["licence_no"] == "DAY-2"
    assert post("DAY-2", "2026-11-25T10:05")["Idempotent-Replayed"] == "true"


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_idempotent_claim_replays_the_first_answer(licence_id, supervision_api):
    push_id = supervision_api.get("/api/v1/pushes/").json()["results"][0]["id"]
    first = supervision_api.post(f"/api/v1/pushes/{push_id}/claim/", HTTP_IDEMPOTENCY_KEY="c-1")
    again = supervision_api.post(f"/api/v1/pushes/{push_id}/claim/", HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert Push.objects.get(pk=push_id).state == PushState.CLAIMED


def test_the_public_catalog_api_needs_no_key(food_item):
    response = APIClient().get("/api/v1/items/")
    assert response.status_code == 200
    codes = [item["code"] for item in response.json()["results"]]
    assert "food" in codes


def test_an_integrated_item_over_the_api_requires_face_info(approval_api, supervision_department):
    ApprovalItemFactory(
        code="integ", integrated_licence=True, supervision_departments=[supervision_department]
    )
    response = approval_api.post("/api/v1/licences/", licence_body(item="integ"), format="json")
    assert response.status_code == 400
    assert "integrated_licence" in response.json()["error"]["fields"]
    response = approval_api.post(
        "/api/v1/licences/",
        licence_body(
            item="integ", integrated_licence={"title": "食品经营许可证", "scope": "热食类"}
        ),
        format="json",
    )
    assert response.status_code == 201


def test_the_schema_is_served(db):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/licences/" in response.content


def test_decided_at_is_iso_with_offset(licence_id, approval_api):
    body = approval_api.get(f"/api/v1/licences/{licence_id}/").json()
    assert datetime.datetime.fromisoformat(body["decided_at"]).utcoffset() == datetime.timedelta(
        hours=8
    )

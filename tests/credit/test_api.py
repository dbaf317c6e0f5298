"""`/api/v1/credit/`: the same services behind the API, scoped to the caller's department."""

import pytest
import time_machine

from approvals.models import Licence, LicenceStatus
from credit.models import (
    CreditCatalogEntry,
    RevocationRequest,
    RevocationState,
    Verification,
    VerificationState,
)
from credit.push_kinds import COMMITMENT_BREACH, VERIFICATION_RESULT
from notifications.models import Push
from tests.clients import api_for
from tests.credit.helpers import CATALOG_TERMS
from tests.helpers import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/credit"


@pytest.fixture
def approval_api(approval_department):
    return api_for(approval_department)


@pytest.fixture
def supervision_api(supervision_department):
    return api_for(supervision_department)


@pytest.fixture
def other_approval_api(other_approval_department):
    return api_for(other_approval_department)


@pytest.fixture
def unrelated_api(unrelated_supervision_department):
    return api_for(unrelated_supervision_department)


@pytest.fixture
def verification(decide):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        return Verification.objects.get(licence=decide())


# --------------------------------------------------------------------------- catalog


@time_machine.travel(at("2026-11-02T09:00"), tick=False)
def test_the_catalog_is_written_by_put_or_post_and_read_with_its_history(
    post_item, approval_api, supervision_api, unrelated_api
):
    created = approval_api.put(f"{BASE}/catalog/{post_item.code}/", CATALOG_TERMS, format="json")
    assert created.status_code == 201, created.json()
    changed = supervision_api.post(
        f"{BASE}/catalog/{post_item.code}/",
        {**CATALOG_TERMS, "materials": "1. 申请表。"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()

    body = unrelated_api.get(f"{BASE}/catalog/{post_item.code}/").json()
    assert body["version"] == 2
    assert body["materials"] == "1. 申请表。"
    assert [v["version"] for v in body["history"]] == [2, 1]
    assert body["history"][0]["department"] == "scjg-test"
    assert body["history"][0]["changed_fields"] == ["materials"]
    assert body["history"][0]["changed_at"] == "2026-11-02T09:00:00+08:00"
    assert body["history"][1]["department"] == "xzsp-test"
    assert body["history"][1]["content"]["materials"] == CATALOG_TERMS["materials"]
    listing = unrelated_api.get(f"{BASE}/catalog/", {"q": "药品"}).json()
    assert [row["item"] for row in listing["results"]] == [post_item.code]
    assert unrelated_api.get(f"{BASE}/catalog/", {"mode": "exempt"}).json()["results"] == []


def test_the_catalog_refuses_outsiders_and_bad_bodies_and_writes_nothing(
    post_item, approval_api, unrelated_api
):
    outsider = unrelated_api.put(f"{BASE}/catalog/{post_item.code}/", CATALOG_TERMS, format="json")
    assert outsider.status_code == 403
    assert outsider.json()["error"]["code"] == "permission_denied"
    bad = approval_api.put(
        f"{BASE}/catalog/{post_item.code}/",
        {**CATALOG_TERMS, "mode": "none", "conditions": ""},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"mode", "conditions"}
    blank = approval_api.put(
        f"{BASE}/catalog/{post_item.code}/",
        {**CATALOG_TERMS, "legal_consequences": "  "},
        format="json",
    )
    assert blank.status_code == 400
    assert not CreditCatalogEntry.objects.exists()
    assert (
        approval_api.put(f"{BASE}/catalog/nope/", CATALOG_TERMS, format="json").status_code == 404
    )
    assert approval_api.get(f"{BASE}/catalog/{post_item.code}/").status_code == 404


def test_a_catalog_write_with_the_same_idempotency_key_is_replayed(post_item, approval_api):
    url = f"{BASE}/catalog/{post_item.code}/"
    first = approval_api.post(url, CATALOG_TERMS, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = approval_api.post(url, CATALOG_TERMS, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = approval_api.post(
        url, {**CATALOG_TERMS, "materials": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert CreditCatalogEntry.objects.get().version == 1


# --------------------------------------------------------------------------- verifications


def test_verifications_are_listed_for_the_approval_department_only(
    verification, approval_api, supervision_api, other_approval_api
):
    with time_machine.travel(at("2026-10-21T09:00"), tick=False):
        body = approval_api.get(f"{BASE}/verifications/").json()
        overdue = approval_api.get(f"{BASE}/verifications/", {"overdue": "true"}).json()
        on_time = approval_api.get(f"{BASE}/verifications/", {"overdue": "false"}).json()
        met = approval_api.get(f"{BASE}/verifications/", {"state": "met"}).json()
    row = body["results"][0]
    assert row["id"] == verification.pk
    assert row["deadline"] == "2026-10-20T17:30:00+08:00"
    assert row["overdue"] is True
    assert row["licence"]["licence_no"] == verification.licence.licence_no
    assert "next" in body
    assert [r["id"] for r in overdue["results"]] == [verification.pk]
    assert on_time["results"] == met["results"] == []
    assert supervision_api.get(f"{BASE}/verifications/").status_code == 403
    assert other_approval_api.get(f"{BASE}/verifications/").json()["results"] == []
    assert other_approval_api.get(f"{BASE}/verifications/{verification.pk}/").status_code == 404
    assert supervision_api.get(f"{BASE}/verifications/{verification.pk}/").status_code == 404
    detail = approval_api.get(f"{BASE}/verifications/{verification.pk}/").json()
    assert detail["commitment"]["signer"] == "临淄康泰大药房 法定代表人 王建"
    assert detail["files"] == [] and detail["pushes"] == []


@time_machine.travel(at("2026-10-12T10:00"), tick=False)
def test_the_result_is_recorded_once_and_pushed(verification, approval_api, other_approval_api):
    url = f"{BASE}/verifications/{verification.pk}/result/"
    assert other_approval_api.post(url, {"met": True}, format="json").status_code == 404

    response = approval_api.post(url, {"met": True, "notes": "核验符合。"}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "met"
    assert len(body["pushes"]) == 2
    assert Push.objects.filter(kind=VERIFICATION_RESULT).count() == 2
    again = approval_api.post(url, {"met": True}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


@time_machine.travel(at("2026-10-12T10:00"), tick=False)
def test_not_met_needs_a_rectification_period_and_then_a_rectification_outcome(
    verification, approval_api
):
    url = f"{BASE}/verifications/{verification.pk}/"
    bad = approval_api.post(f"{url}result/", {"met": False, "notes": "未达标"}, format="json")
    assert bad.status_code == 400
    assert "rectification_days" in bad.json()["error"]["fields"]
    no_met = approval_api.post(f"{url}result/", {"notes": "x"}, format="json")
    assert no_met.status_code == 400 and "met" in no_met.json()["error"]["fields"]
    assert (
        approval_api.post(
            f"{url}rectification/", {"met": True, "notes": "x"}, format="json"
        ).status_code
        == 409
    )
    verification.refresh_from_db()
    assert verification.state == VerificationState.PENDING
    assert not Push.objects.filter(kind=VERIFICATION_RESULT).exists()

    response = approval_api.post(
        f"{url}result/",
        {"met": False, "notes": "执业药师未在岗。", "rectification_days": 5},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["rectification_deadline"] == "2026-10-19T17:30:00+08:00"

    outcome = approval_api.post(
        f"{url}rectification/", {"met": False, "notes": "仍未配备执业药师。"}, format="json"
    )
    assert outcome.status_code == 200
    assert outcome.json()["state"] == "unmet"
    assert RevocationRequest.objects.get().state == RevocationState.OPEN


# --------------------------------------------------------------------------- breaches, revocation


def test_a_breach_is_reported_and_the_licence_revoked(
    verification, supervision_api, approval_api, other_approval_api, unrelated_api
):
    licence = verification.licence
    assert (
        approval_api.post(
            f"{BASE}/breaches/", {"licence": licence.pk, "reason": "虚假材料"}, format="json"
        ).status_code
        == 403
    )
    outsider = unrelated_api.post(
        f"{BASE}/breaches/", {"licence": licence.pk, "reason": "虚假材料"}, format="json"
    )
    assert outsider.status_code == 400 and "licence" in outsider.json()["error"]["fields"]
    blank = supervision_api.post(
        f"{BASE}/breaches/", {"licence": licence.pk, "reason": " "}, format="json"
    )
    assert blank.status_code == 400 and "reason" in blank.json()["error"]["fields"]
    assert not RevocationRequest.objects.exists()

    with time_machine.travel(at("2026-10-09T14:00"), tick=False):
        reported = supervision_api.post(
            f"{BASE}/breaches/",
            {"licence": licence.pk, "reason": "抽查发现执业药师挂证。"},
            format="json",
        )
    assert reported.status_code == 201, reported.json()
    request_id = reported.json()["id"]
    assert reported.json()["state"] == "open"
    assert reported.json()["reported_by"] == "scjg-test"
    assert Push.objects.get(kind=COMMITMENT_BREACH).receiver.code == "xzsp-test"

    assert [r["id"] for r in approval_api.get(f"{BASE}/revocations/").json()["results"]] == [
        request_id
    ]
    assert [r["id"] for r in supervision_api.get(f"{BASE}/revocations/").json()["results"]] == [
        request_id
    ]
    assert other_approval_api.get(f"{BASE}/revocations/").json()["results"] == []
    decision = f"{BASE}/revocations/{request_id}/decision/"
    assert (
        other_approval_api.post(decision, {"revoke": True, "note": "x"}, format="json").status_code
        == 404
    )
    assert (
        supervision_api.post(decision, {"revoke": True, "note": "x"}, format="json").status_code
        == 403
    )
    no_note = approval_api.post(decision, {"revoke": True}, format="json")
    assert no_note.status_code == 400 and "note" in no_note.json()["error"]["fields"]
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.VALID

    with time_machine.travel(at("2026-10-12T10:00"), tick=False):
        decided = approval_api.post(decision, {"revoke": True, "note": "依法撤销。"}, format="json")
    assert decided.status_code == 200, decided.json()
    assert decided.json()["state"] == "revoked"
    assert decided.json()["decided_at"] == "2026-10-12T10:00:00+08:00"
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.REVOKED
    assert (
        approval_api.post(decision, {"revoke": False, "note": "x"}, format="json").status_code
        == 409
    )
    detail = supervision_api.get(f"{BASE}/revocations/{request_id}/").json()
    assert detail["state"] == "revoked"


def test_the_credit_endpoints_need_a_key(post_item):
    from rest_framework.test import APIClient

    assert APIClient().get(f"{BASE}/catalog/").status_code in (401, 403)

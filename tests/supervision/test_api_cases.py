"""API of legacy cases (历史遗留问题, R17)."""

import pytest

from supervision.models import CaseState, Evidence, LegacyCase
from tests.clients import api_for
from tests.supervision.test_api_actions import _frozen_time, pdf  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/api/v1/legacy-cases/"


@pytest.fixture
def supervision_api(supervision_department):
    return api_for(supervision_department)


@pytest.fixture
def approval_api(approval_department):
    return api_for(approval_department)


def open_case(client, **overrides):
    body = {
        "supervision_department": "scjg-test",
        "title": "2015年食品经营许可证遗留问题",
        "description": "原许可证记载的经营场所与实际不符，需法制审核。",
    }
    body.update(overrides)
    return client.post(URL, body, format="json")


def opinion(client, case_id: int, *, rectify: bool):
    return client.post(
        f"{URL}{case_id}/opinion/",
        {
            "opinion": "经审核，应先整改经营场所后再办理变更。",
            "requires_rectification": "true" if rectify else "false",
            "attachments": [pdf("法制审核意见.pdf")],
        },
        format="multipart",
    )


def test_a_case_with_rectification_closes_only_after_supervision_verifies_it(
    approval_api, supervision_api, licence
):
    opened = open_case(approval_api, counterparty=licence.counterparty.credit_code)
    assert opened.status_code == 201, opened.json()
    case = opened.json()
    assert case["state"] == "awaiting_opinion"
    assert case["supervision_department"] == "scjg-test"
    assert case["counterparty"]["credit_code"] == licence.counterparty.credit_code
    case_id = case["id"]

    early = approval_api.post(f"{URL}{case_id}/close/", {"note": "已办结"}, format="json")
    assert early.status_code == 409

    issued = opinion(supervision_api, case_id, rectify=True)
    assert issued.status_code == 200, issued.json()
    assert issued.json()["state"] == "rectifying"
    assert issued.json()["requires_rectification"] is True
    assert issued.json()["attachments"] == ["法制审核意见.pdf"]
    assert Evidence.objects.filter(case_id=case_id).count() == 1

    refused = approval_api.post(f"{URL}{case_id}/close/", {"note": "已办结"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conflict"
    assert (
        "整改" in refused.json()["error"]["message"]
        or "rectification" in (refused.json()["error"]["message"])
    )
    assert LegacyCase.objects.get().state == CaseState.RECTIFYING

    assert (
        approval_api.post(
            f"{URL}{case_id}/verify-rectification/", {"note": "x"}, format="json"
        ).status_code
        == 403
    )
    verified = supervision_api.post(
        f"{URL}{case_id}/verify-rectification/", {"note": "现场核查，已整改到位"}, format="json"
    )
    assert verified.status_code == 200, verified.json()
    assert verified.json()["state"] == "ready"
    assert (
        supervision_api.post(
            f"{URL}{case_id}/verify-rectification/", {"note": "再次"}, format="json"
        ).status_code
        == 409
    )

    closed = approval_api.post(f"{URL}{case_id}/close/", {"note": "已办理变更"}, format="json")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["state"] == "closed" and closed.json()["closing_note"] == "已办理变更"
    assert supervision_api.get(f"{URL}{case_id}/").json()["state"] == "closed"


def test_a_case_without_rectification_can_be_closed_at_once(approval_api, supervision_api):
    case_id = open_case(approval_api).json()["id"]
    assert opinion(supervision_api, case_id, rectify=False).json()["state"] == "ready"
    assert opinion(supervision_api, case_id, rectify=False).status_code == 409
    closed = approval_api.post(f"{URL}{case_id}/close/", {"note": "按意见办结"}, format="json")
    assert closed.status_code == 200


def test_an_opinion_needs_the_signed_file_and_comes_from_the_asked_department(
    approval_api, supervision_api, other_supervision_department
):
    case_id = open_case(approval_api).json()["id"]
    without = supervision_api.post(
        f"{URL}{case_id}/opinion/",
        {"opinion": "同意", "requires_rectification": False},
        format="json",
    )
    assert without.status_code == 400
    assert "attachments" in without.json()["error"]["fields"]
    assert opinion(approval_api, case_id, rectify=False).status_code == 403
    assert opinion(api_for(other_supervision_department), case_id, rectify=False).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"supervision_department": "no-such"}, "supervision_department"),
        ({"supervision_department": "xzsp-test"}, "supervision_department"),
        ({"title": ""}, "title"),
        ({"description": "  "}, "description"),
        ({"counterparty": "91370305MA3C8Q7X29"}, "counterparty"),
    ],
)
def test_bad_cases_are_400(approval_api, supervision_department, overrides, field):
    response = open_case(approval_api, **overrides)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not LegacyCase.objects.exists()


def test_only_the_approval_department_opens_cases(supervision_api):
    assert open_case(supervision_api).status_code == 403


def test_cases_are_seen_only_by_their_two_departments(
    approval_api, supervision_api, other_supervision_department
):
    case_id = open_case(approval_api).json()["id"]
    other = api_for(other_supervision_department)
    assert other.get(f"{URL}{case_id}/").status_code == 404
    assert other.get(URL).json()["results"] == []
    assert [c["id"] for c in supervision_api.get(URL).json()["results"]] == [case_id]
    assert [
        c["id"] for c in approval_api.get(f"{URL}?state=awaiting_opinion").json()["results"]
    ] == [case_id]
    assert approval_api.get(f"{URL}?state=closed").json()["results"] == []


def test_a_replayed_open_creates_one_case(approval_api, supervision_department):
    body = {
        "supervision_department": "scjg-test",
        "title": "遗留问题",
        "description": "说明",
    }
    first = approval_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="case-1")
    again = approval_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="case-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert LegacyCase.objects.count() == 1

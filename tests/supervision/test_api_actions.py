"""API of supervision actions (R6), the access check (R7) and listings."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from approvals.models import LicenceStatus
from counterparties.models import Counterparty
from notifications.models import Push
from supervision.models import CounterpartyListing, Evidence, ListingType, SupervisionAction
from tests.clients import api_for
from tests.factories import DepartmentFactory, valid_credit_code, valid_id_number
from tests.helpers import at

pytestmark = pytest.mark.django_db

NOW = at("2026-11-24T10:00")  # a Tuesday


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def pdf(name: str = "decision.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 x", content_type="application/pdf")


@pytest.fixture
def supervision_api(supervision_department):
    return api_for(supervision_department)


@pytest.fixture
def approval_api(approval_department):
    return api_for(approval_department)


def action_body(**overrides) -> dict:
    body = {
        "kind": "training",
        "document_no": "临市监培〔2026〕12号",
        "decided_at": "2026-11-20",
        "summary": "食品安全管理员培训通知",
    }
    body.update(overrides)
    return body


def party(body: str = "91370305MA3CAP11") -> dict:
    return {
        "name": "临淄某某餐饮有限公司",
        "credit_code": valid_credit_code(body),
        "contact_name": "赵六",
        "contact_phone": "13912345678",
    }


# --------------------------------------------------------------------------- actions


def test_a_training_notice_without_counterparty_is_201_with_its_push_to_approval(
    supervision_api, approval_department
):
    response = supervision_api.post("/api/v1/supervision-actions/", action_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "training"
    assert body["decided_on"] == "2026-11-20"
    assert body["counterparty"] is None and body["licence"] is None and body["listing"] is None
    assert body["push"]["receiver"] == "xzsp-test"
    assert body["push"]["state"] == "pending"
    assert body["push"]["deadline"] == "2026-11-25T17:30:00+08:00"
    push = Push.objects.get(pk=body["push"]["id"])
    assert push.kind == "supervision_action" and push.receiver == approval_department
    assert push.payload["action_id"] == body["id"]


def test_a_revocation_without_a_licence_is_400_naming_licence(supervision_api, approval_department):
    response = supervision_api.post(
        "/api/v1/supervision-actions/",
        action_body(kind="revocation", counterparty=party()),
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "licence" in response.json()["error"]["fields"]
    assert not SupervisionAction.objects.exists() and not Push.objects.exists()


def test_a_revocation_revokes_the_licence_and_pushes_the_change_to_the_other_supervisor(
    supervision_api, licence, other_supervision_department, approval_department
):
    response = supervision_api.post(
        "/api/v1/supervision-actions/",
        action_body(kind="revocation", licence=licence.pk, summary="吊销危险化学品经营许可证"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["licence"]["id"] == licence.pk
    assert body["licence"]["status"] == "revoked"
    assert body["counterparty"]["credit_code"] == licence.counterparty.credit_code
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    change = Push.objects.get(kind="licence_status_change")
    assert change.receiver == other_supervision_department
    assert change.payload["to_status"] == "revoked"
    assert Push.objects.get(kind="supervision_action").receiver == approval_department


@pytest.mark.parametrize("which", ["not supervised", "no such licence"])
def test_a_licence_the_caller_cannot_see_is_a_field_error(licence, approval_department, which):
    if which == "not supervised":
        client, licence_id = api_for(DepartmentFactory(code="whly-x")), licence.pk
    else:
        client, licence_id = api_for(licence.item.supervision_departments.first()), 999_999
    response = client.post(
        "/api/v1/supervision-actions/",
        action_body(kind="suspension", licence=licence_id),
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "licence" in response.json()["error"]["fields"]
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.VALID


def test_an_approval_key_cannot_record_an_action(approval_api):
    response = approval_api.post("/api/v1/supervision-actions/", action_body(), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == in_chinese(
        "Only supervision departments record supervision actions."
    )


@pytest.mark.parametrize(
    ("decided_at", "decided_on"),
    [
        ("2026-11-20T23:30:00+08:00", "2026-11-20"),
        ("2026-11-20T16:30:00Z", "2026-11-21"),  # already the 21st in Shanghai
        ("2026-11-20T09:00", "2026-11-20"),
    ],
)
def test_decided_at_takes_a_datetime_and_keeps_its_date_in_shanghai(
    supervision_api, approval_department, decided_at, decided_on
):
    response = supervision_api.post(
        "/api/v1/supervision-actions/", action_body(decided_at=decided_at), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["decided_on"] == decided_on


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"decided_at": "2026-02-30"}, "decided_at"),
        ({"decided_at": "yesterday"}, "decided_at"),
        ({"decided_at": 20261120}, "decided_at"),
        ({"decided_at": "2027-01-05"}, "decided_at"),  # in the future: the service says so
        ({"kind": "warning"}, "kind"),
        ({"document_no": ""}, "document_no"),
        ({"summary": "   "}, "summary"),
        ({"counterparty": "not an object"}, "counterparty"),
        ({"kind": "penalty"}, "counterparty"),
        ({"licence": "abc"}, "licence"),
        ({"listing": {"type": "blacklist"}}, "listing"),
        (
            {
                "kind": "penalty",
                "counterparty": party(),
                "listing": {"type": "dishonest", "until": "2020-01-01"},
            },
            "listing",
        ),
    ],
)
def test_bad_action_bodies_are_400_with_the_field_and_write_nothing(
    supervision_api, approval_department, overrides, field
):
    response = supervision_api.post(
        "/api/v1/supervision-actions/", action_body(**overrides), format="json"
    )
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert not SupervisionAction.objects.exists() and not Push.objects.exists()


def test_a_wrong_check_digit_in_the_counterparty_names_the_nested_field(
    supervision_api, approval_department
):
    wrong = party()
    wrong["credit_code"] = wrong["credit_code"][:-1] + (
        "0" if wrong["credit_code"][-1] != "0" else "1"
    )
    response = supervision_api.post(
        "/api/v1/supervision-actions/",
        action_body(kind="penalty", counterparty=wrong),
        format="json",
    )
    assert response.status_code == 400
    assert "credit_code" in response.json()["error"]["fields"]["counterparty"]


def test_non_json_bodies_are_400_not_500(supervision_api, approval_department):
    url = "/api/v1/supervision-actions/"
    assert supervision_api.post(url, "{{{", content_type="application/json").status_code == 400
    assert supervision_api.post(url, [1, 2], format="json").status_code == 400
    assert supervision_api.post(url, {}, format="json").status_code == 400


def test_a_multipart_penalty_with_files_nested_json_and_a_listing(
    supervision_api, approval_department
):
    import json

    response = supervision_api.post(
        "/api/v1/supervision-actions/",
        {
            **action_body(kind="penalty", summary="未按规定公示信息，处以罚款"),
            "counterparty": json.dumps(party(), ensure_ascii=False),
            "listing.type": "anomaly",
            "listing.until": "2027-06-30",
            "attachments": [pdf("处罚决定书.pdf"), pdf("送达回证.pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["attachments"] == ["处罚决定书.pdf", "送达回证.pdf"]
    assert body["listing"]["type"] == "anomaly" and body["listing"]["until"] == "2027-06-30"
    assert body["counterparty"]["name"] == "临淄某某餐饮有限公司"
    assert Evidence.objects.filter(action_id=body["id"]).count() == 2
    listing = CounterpartyListing.objects.get()
    assert listing.action_id == body["id"] and listing.listing_type == ListingType.ANOMALY


def test_a_file_of_a_forbidden_type_is_a_field_error(supervision_api, approval_department):
    response = supervision_api.post(
        "/api/v1/supervision-actions/",
        {**action_body(), "attachments": [SimpleUploadedFile("x.exe", b"MZ...")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert "attachments" in response.json()["error"]["fields"]
    assert not SupervisionAction.objects.exists()


def test_a_replayed_post_with_the_same_idempotency_key_creates_nothing_new(
    supervision_api, approval_department
):
    url = "/api/v1/supervision-actions/"
    first = supervision_api.post(url, action_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = supervision_api.post(url, action_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert SupervisionAction.objects.count() == 1 and Push.objects.count() == 1
    other = supervision_api.post(
        url, action_body(summary="另一份"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422
    assert SupervisionAction.objects.count() == 1


def test_actions_are_listed_newest_first_to_their_department_and_to_approval(
    supervision_api, approval_api, other_supervision_department
):
    url = "/api/v1/supervision-actions/"
    for n in range(3):
        with time_machine.travel(NOW + datetime.timedelta(minutes=n), tick=False):
            response = supervision_api.post(url, action_body(document_no=f"第{n}号"), format="json")
            assert response.status_code == 201
    own = supervision_api.get(url).json()
    assert [a["document_no"] for a in own["results"]] == ["第2号", "第1号", "第0号"]
    received = approval_api.get(url).json()["results"]
    assert len(received) == 3
    assert all(a["push"]["receiver"] == "xzsp-test" for a in received)
    other = api_for(other_supervision_department)
    assert other.get(url).json()["results"] == []
    action_id = own["results"][0]["id"]
    assert other.get(f"{url}{action_id}/").status_code == 404
    assert approval_api.get(f"{url}{action_id}/").status_code == 200
    assert supervision_api.get(f"{url}?kind=warning").status_code == 400


def test_the_api_needs_a_key():
    assert APIClient().get("/api/v1/supervision-actions/").status_code in (401, 403)
    assert APIClient().get("/api/v1/counterparties/x/access/").status_code in (401, 403)


# --------------------------------------------------------------------------- access (R7)


def access(client, code: str):
    return client.get(f"/api/v1/counterparties/{code}/access/")


def list_directly(counterparty, department, listing_type, *, until=None, listed_on=None):
    return CounterpartyListing.objects.create(
        counterparty=counterparty,
        listing_type=listing_type,
        department=department,
        source_document="临市监异〔2026〕3号",
        reason="通过登记的住所无法联系",
        listed_on=listed_on or datetime.date(2026, 11, 1),
        until=until,
        created_by_label="test",
        created_at=timezone.now(),
    )


def test_a_never_seen_valid_code_has_normal_access(approval_api):
    response = access(approval_api, valid_credit_code("91370305MA3NEWER"))
    assert response.status_code == 200
    assert response.json()["access"] == "normal"
    assert response.json()["reasons"] == [] and response.json()["counterparty"] is None
    assert access(approval_api, valid_id_number()).json()["access"] == "normal"


def test_access_is_restricted_then_strict_with_every_reason(
    approval_api, licence, supervision_department
):
    party = licence.counterparty
    assert access(approval_api, party.credit_code).json()["access"] == "normal"
    list_directly(
        party, supervision_department, ListingType.ANOMALY, until=datetime.date(2026, 12, 31)
    )
    body = access(approval_api, party.credit_code.lower()).json()
    assert body["access"] == "restricted"
    assert body["counterparty"]["name"] == party.name
    assert body["reasons"][0]["source_document"] == "临市监异〔2026〕3号"
    assert body["reasons"][0]["until"] == "2026-12-31"
    list_directly(party, supervision_department, ListingType.DISHONEST)
    body = access(approval_api, party.credit_code).json()
    assert body["access"] == "strict"
    assert {r["listing"] for r in body["reasons"]} == {"anomaly", "dishonest"}


def test_an_expired_or_removed_listing_no_longer_restricts(
    approval_api, licence, supervision_department
):
    party = licence.counterparty
    list_directly(
        party, supervision_department, ListingType.DISHONEST, until=datetime.date(2026, 11, 23)
    )
    assert access(approval_api, party.credit_code).json() == {
        "access": "normal",
        "access_label": access(approval_api, party.credit_code).json()["access_label"],
        "counterparty": {"name": party.name, "credit_code": party.credit_code, "id_number": None},
        "reasons": [],
    }
    removed = list_directly(party, supervision_department, ListingType.DISHONEST)
    assert access(approval_api, party.credit_code).json()["access"] == "strict"
    removed.removed_at = timezone.now()
    removed.save()
    assert access(approval_api, party.credit_code).json()["access"] == "normal"


def test_a_listing_ending_today_still_counts_and_stops_tomorrow(
    approval_api, licence, supervision_department
):
    party = licence.counterparty
    list_directly(
        party, supervision_department, ListingType.ANOMALY, until=datetime.date(2026, 11, 24)
    )
    assert access(approval_api, party.credit_code).json()["access"] == "restricted"
    with time_machine.travel(at("2026-11-25T00:01"), tick=False):
        assert access(approval_api, party.credit_code).json()["access"] == "normal"


@pytest.mark.parametrize(
    "code",
    [
        "123",
        "91370305MA3C8Q7X2",  # 17
        "91370305MA3C8Q7X299",  # 19
        "91370305MA3C8Q7XIO",  # I and O are not in the charset
        "ＡＢＣ",
        "%20",
    ],
)
def test_a_malformed_code_is_400_naming_code(approval_api, code):
    response = access(approval_api, code)
    assert response.status_code == 400, response.content
    assert "code" in response.json()["error"]["fields"]


def test_a_wrong_check_digit_is_400(approval_api):
    good = valid_credit_code("91370305MA3C8Q7X")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert access(approval_api, bad).status_code == 400
    good_id = valid_id_number()
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    response = access(approval_api, bad_id)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["code"]


def test_a_supervision_key_cannot_use_the_access_check(supervision_api):
    response = access(supervision_api, valid_credit_code("91370305MA3NEWER"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


# --------------------------------------------------------------------------- listings


def listing_body(listed, **overrides) -> dict:
    body = {
        "counterparty": listed.code,
        "listing_type": "dishonest",
        "source_document": "淄信用惩〔2026〕5号",
        "until": "2027-11-23",
        "reason": "拒不履行行政处罚决定",
    }
    body.update(overrides)
    return body


def test_a_supervision_department_lists_a_counterparty_and_access_becomes_strict(
    supervision_api, approval_api, licence
):
    response = supervision_api.post(
        "/api/v1/listings/", listing_body(licence.counterparty), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["department"] == "scjg-test" and body["in_force"] is True
    assert body["listed_on"] == "2026-11-24" and body["until"] == "2027-11-23"
    assert access(approval_api, licence.counterparty.credit_code).json()["access"] == "strict"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"counterparty": valid_credit_code("91370305MA3NXBDY")}, "counterparty"),
        ({"counterparty": "nonsense"}, "counterparty"),
        ({"listing_type": "black"}, "listing_type"),
        ({"source_document": ""}, "source_document"),
        ({"until": "2026-01-01"}, "until"),
        ({"until": "2026-13-01"}, "until"),
    ],
)
def test_bad_listing_bodies_are_400(supervision_api, licence, overrides, field):
    response = supervision_api.post(
        "/api/v1/listings/", listing_body(licence.counterparty, **overrides), format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not CounterpartyListing.objects.exists()


def test_an_approval_key_cannot_list(approval_api, licence):
    response = approval_api.post(
        "/api/v1/listings/", listing_body(licence.counterparty), format="json"
    )
    assert response.status_code == 403


def test_a_listing_is_removed_only_by_its_lister_and_only_once(
    supervision_api, licence, other_supervision_department, approval_api
):
    listing_id = supervision_api.post(
        "/api/v1/listings/", listing_body(licence.counterparty), format="json"
    ).json()["id"]
    url = f"/api/v1/listings/{listing_id}/remove/"
    other = api_for(other_supervision_department)
    assert other.get(f"/api/v1/listings/{listing_id}/").status_code == 200  # public to read
    assert other.post(url, {"reason": "错误"}, format="json").status_code == 403
    assert supervision_api.post(url, {"reason": ""}, format="json").status_code == 400
    response = supervision_api.post(url, {"reason": "已完成信用修复"}, format="json")
    assert response.status_code == 200, response.json()
    assert (
        response.json()["in_force"] is False
        and response.json()["removal_reason"] == "已完成信用修复"
    )
    assert access(approval_api, licence.counterparty.credit_code).json()["access"] == "normal"
    again = supervision_api.post(url, {"reason": "再次"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    assert (
        supervision_api.post("/api/v1/listings/999999/remove/", {"reason": "x"}).status_code == 404
    )


def test_listings_filter_on_active(supervision_api, approval_api, licence, supervision_department):
    party = licence.counterparty
    list_directly(
        party, supervision_department, ListingType.ANOMALY, until=datetime.date(2026, 1, 1)
    )
    current = list_directly(party, supervision_department, ListingType.DISHONEST)
    active = approval_api.get("/api/v1/listings/?active=true").json()["results"]
    assert [row["id"] for row in active] == [current.pk]
    assert len(approval_api.get("/api/v1/listings/?active=false").json()["results"]) == 1
    assert len(approval_api.get("/api/v1/listings/").json()["results"]) == 2
    by_code = approval_api.get(f"/api/v1/listings/?counterparty={party.credit_code}").json()
    assert len(by_code["results"]) == 2
    assert approval_api.get("/api/v1/listings/?active=maybe").status_code == 400


def test_unknown_counterparty_is_not_created_by_the_access_check(approval_api):
    access(approval_api, valid_credit_code("91370305MA3NEWER"))
    assert not Counterparty.objects.exists()

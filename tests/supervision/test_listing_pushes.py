"""A listing added on its own or lifted is supervision information pushed to the approval
department like any other (R6, R7): claimable, 1 working day, counted in the report (R18)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Push, PushState
from notifications.services import push_claim
from organizations.scoping import actor_for_user
from reporting.reports import monthly_report_compile
from supervision.actions.services import supervision_action_record
from supervision.listings.services import listing_add, listing_remove
from supervision.models import CounterpartyListing
from tests.clients import api_for, logged_in
from tests.helpers import at
from tests.workdays.helpers import package_data_until

pytestmark = pytest.mark.django_db


def listing_pushes():
    return Push.objects.filter(kind="listing").order_by("id")


def test_a_listing_on_its_own_is_pushed_to_the_approval_department(
    licence, supervision_clerk, approval_department
):
    with time_machine.travel(at("2026-11-27T16:00"), tick=False):  # Friday
        listing = listing_add(
            actor=actor_for_user(supervision_clerk),
            counterparty=licence.counterparty,
            listing_type="anomaly",
            source_document="临市监异〔2026〕7号",
            until=datetime.date(2027, 5, 26),
            reason="通过登记的住所无法联系",
        )
    (push,) = listing_pushes()
    assert (push.sender, push.receiver) == (listing.department, approval_department)
    assert push.deadline == at("2026-11-30T17:30")  # 1 working day, over the weekend
    assert push.state == PushState.PENDING
    payload = push.payload
    assert payload["event"] == "listed"
    assert payload["counterparty"]["name"] == licence.counterparty.name
    assert payload["listing_type"] == "anomaly" and payload["access_level"] == "restricted"
    assert payload["source_document"] == "临市监异〔2026〕7号"
    assert (payload["listed_on"], payload["until"]) == ("2026-11-27", "2027-05-26")
    assert push.counterparty_code == licence.counterparty.code


def test_a_listing_that_comes_with_a_penalty_travels_in_the_penalty_push_only(
    licence, supervision_clerk, approval_department
):
    with time_machine.travel(at("2026-11-27T16:00"), tick=False):
        supervision_action_record(
            actor=actor_for_user(supervision_clerk),
            kind="penalty",
            document_no="临市监罚〔2026〕31号",
            decided_on=datetime.date(2026, 11, 27),
            summary="罚款",
            licence=licence,
            listing={"type": "dishonest", "until": None},
        )
    assert not listing_pushes().exists()
    action_push = Push.objects.get(kind="supervision_action")
    assert action_push.payload["listing"] == {"type": "dishonest", "until": None}


def test_lifting_a_listing_is_pushed_so_approval_staff_know_access_is_normal_again(
    licence, supervision_clerk, approval_department
):
    actor = actor_for_user(supervision_clerk)
    with time_machine.travel(at("2026-11-27T16:00"), tick=False):
        supervision_action_record(
            actor=actor,
            kind="penalty",
            document_no="临市监罚〔2026〕32号",
            decided_on=datetime.date(2026, 11, 27),
            summary="罚款",
            licence=licence,
            listing={"type": "dishonest", "until": None},
        )
    listing = CounterpartyListing.objects.get()
    with time_machine.travel(at("2026-12-02T09:00"), tick=False):
        listing_remove(actor=actor, listing=listing, reason="已履行行政处罚决定")
    (push,) = listing_pushes()
    assert push.receiver == approval_department
    assert push.payload["event"] == "lifted"
    assert push.payload["lifted_on"] == "2026-12-02"
    assert push.payload["removal_reason"] == "已履行行政处罚决定"
    assert push.deadline == at("2026-12-03T17:30")


def test_a_listing_added_and_lifted_through_the_api_is_claimed_and_counted_in_the_report(
    licence, supervision_department, approval_department
):
    supervision = api_for(supervision_department)
    approval = api_for(approval_department)
    with time_machine.travel(at("2026-11-02T10:00"), tick=False):
        created = supervision.post(
            "/api/v1/listings/",
            {
                "counterparty": licence.counterparty.code,
                "listing_type": "dishonest",
                "source_document": "临市监失〔2026〕3号",
                "until": "2027-11-01",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        (added,) = created.json()["pushes"]
        claimed = approval.post(f"/api/v1/pushes/{added['id']}/claim/")
        assert claimed.status_code == 200, claimed.content
    with time_machine.travel(at("2026-11-05T10:00"), tick=False):
        removed = supervision.post(
            f"/api/v1/listings/{created.json()['id']}/remove/",
            {"reason": "信用修复完成"},
            format="json",
        )
        assert removed.status_code == 200, removed.content
        lifted = [p for p in removed.json()["pushes"] if p["id"] != added["id"]]
        assert len(lifted) == 1
        assert approval.post(f"/api/v1/pushes/{lifted[0]['id']}/claim/").status_code == 200
    inbox = approval.get("/api/v1/pushes/", {"box": "inbox", "kind": "listing"}).json()
    assert {p["payload"]["event"] for p in inbox["results"]} == {"listed", "lifted"}

    with time_machine.travel(at("2026-12-01T08:00"), tick=False):
        report = monthly_report_compile(month=datetime.date(2026, 11, 1))
    rows = {(r["direction"], r["department"]): r for r in report.data["pushes"]}
    received = rows[("supervision_to_approval", approval_department.code)]
    assert (received["received"], received["claimed_on_time"]) == (2, 2)
    assert rows[("supervision_to_approval", supervision_department.code)]["sent"] == 2


def test_a_listing_added_and_lifted_through_the_web_form_is_claimed(
    licence, supervision_clerk, approval_clerk, approval_department
):
    browser = logged_in(supervision_clerk)
    with time_machine.travel(at("2026-11-02T10:00"), tick=False):
        page = browser.post(
            "/supervision/restricted/add/",
            {
                "code": licence.counterparty.code,
                "listing_type": "anomaly",
                "source_document": "临市监异〔2026〕9号",
                "until": "",
                "reason": "年报未公示",
            },
        )
        assert page.status_code == 302
    listing = CounterpartyListing.objects.get()
    with time_machine.travel(at("2026-11-03T10:00"), tick=False):
        page = browser.post(f"/supervision/listings/{listing.pk}/remove/", {"reason": "已补报年报"})
        assert page.status_code == 302
        assert [p.payload["event"] for p in listing_pushes()] == ["listed", "lifted"]
        approval = actor_for_user(approval_clerk)
        for push in listing_pushes():
            push_claim(push=push, actor=approval)
    assert set(listing_pushes().values_list("state", flat=True)) == {PushState.CLAIMED}
    with time_machine.travel(at("2026-12-01T08:00"), tick=False):
        report = monthly_report_compile(month=datetime.date(2026, 11, 1))
    rows = {(r["direction"], r["department"]): r for r in report.data["pushes"]}
    received = rows[("supervision_to_approval", approval_department.code)]
    assert (received["received"], received["claimed_on_time"]) == (2, 2)
    # The receiving clerk reads the snapshot on the push page.
    url = reverse("notifications:push-detail", args=[listing_pushes().last().pk])
    detail = logged_in(approval_clerk).get(url)
    assert detail.status_code == 200
    assert "已补报年报" in detail.content.decode()


def test_a_listing_pushed_on_new_year_s_eve_of_an_unloaded_year_is_due_after_new_year(
    licence, supervision_clerk, approval_department
):
    """R0: 2027 has no notice loaded, yet 1 January (元旦) is off: the deadline skips it and
    the weekend after it."""
    with package_data_until(2026), time_machine.travel(at("2026-12-31T10:00"), tick=False):
        listing_add(
            actor=actor_for_user(supervision_clerk),
            counterparty=licence.counterparty,
            listing_type="dishonest",
            source_document="临市监失〔2026〕12号",
            until=None,
        )
    (push,) = listing_pushes()
    assert push.deadline == at("2027-01-04T17:30")

"""Query counts of the busy pages are pinned (R1, R3, R18): each page below is loaded with 30+
rows, feedback and replies, so one query per row (N+1) would blow its bound at once.

The bounds are the measured counts plus a small margin; a failure means a page started to
query per row — fix the page (select_related / prefetch_related / one grouped query), do not
raise the bound past the row count.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from notifications.feedback.services import feedback_raise, feedback_reply
from notifications.models import Push, PushState
from notifications.services import push_claim
from organizations.models import StaffRole
from organizations.scoping import actor_for_user
from reporting.reports import monthly_report_compile, report_figures
from tests.clients import api_for
from tests.clients import logged_in as browser
from tests.factories import ApprovalItemFactory, DepartmentFactory, StaffFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db

DECISIONS = 30


@pytest.fixture
def busy(decide, receiver_clerk, approval_clerk, supervision_department):
    """30 decisions (60 pushes), feedback on every push to the clerk's department (half of it
    answered), half of them claimed, the rest auto-claimed; October's report compiled."""
    with time_machine.travel(at("2026-10-12T09:00"), tick=False):
        for _n in range(DECISIONS):
            decide()
    received = list(Push.objects.filter(receiver=supervision_department).order_by("pk"))
    receiver, sender = actor_for_user(receiver_clerk), actor_for_user(approval_clerk)
    with time_machine.travel(at("2026-10-12T10:00"), tick=False):
        for n, push in enumerate(received):
            item = feedback_raise(push=push, actor=receiver, text="请核实许可期限")
            if n % 2:
                feedback_reply(feedback=item, actor=sender, text="已核实")
        for push in received[: DECISIONS // 2]:
            push_claim(push=push, actor=receiver)
    with time_machine.travel(at("2026-11-02T08:00"), tick=False):
        monthly_report_compile(month=datetime.date(2026, 10, 1))
    assert Push.objects.filter(receiver=supervision_department).count() == DECISIONS
    return received


@pytest.fixture
def threaded_push(busy, receiver_clerk, approval_clerk):
    """One push with five feedback threads of two answers each."""
    push = busy[-1]
    receiver, sender = actor_for_user(receiver_clerk), actor_for_user(approval_clerk)
    with time_machine.travel(at("2026-10-12T11:00"), tick=False):
        for n in range(4):
            item = feedback_raise(push=push, actor=receiver, text=f"问题{n}")
            feedback_reply(feedback=item, actor=sender, text="答复一")
            feedback_reply(feedback=item, actor=sender, text="答复二")
    return push


NOW = "2026-11-03T10:00"


@time_machine.travel(at(NOW), tick=False)
def test_the_inbox_page_does_not_query_per_push(
    busy, receiver_clerk, django_assert_max_num_queries
):
    client = browser(receiver_clerk)
    # 12: the staff names that {% person %} reads once per page joined the fixed queries.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert len(response.context["pushes"]) == 25


@time_machine.travel(at(NOW), tick=False)
def test_the_outbox_page_does_not_query_per_push(
    busy, approval_clerk, django_assert_max_num_queries
):
    client = browser(approval_clerk)
    with django_assert_max_num_queries(12):  # as the inbox: one for the staff names
        response = client.get(reverse("notifications:outbox"))
    assert response.status_code == 200
    assert len(response.context["pushes"]) == 25


@time_machine.travel(at(NOW), tick=False)
def test_the_push_detail_page_does_not_query_per_feedback_or_reply(
    threaded_push, receiver_clerk, django_assert_max_num_queries
):
    client = browser(receiver_clerk)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:push-detail", args=[threaded_push.pk]))
    assert response.status_code == 200
    assert len(response.context["push"].feedback.all()) == 5


@time_machine.travel(at(NOW), tick=False)
@pytest.mark.parametrize("who", ["receiver_clerk", "approval_clerk"])
def test_the_dashboard_does_not_query_per_push_or_feedback(
    busy, who, request, django_assert_max_num_queries
):
    client = browser(request.getfixturevalue(who))
    with django_assert_max_num_queries(27):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    # The sender answers the 15 open feedback; the receiver's pushes were settled by the report.
    expected = DECISIONS // 2 if who == "approval_clerk" else 0
    assert len(response.context["todo"].items) == expected


@time_machine.travel(at(NOW), tick=False)
@pytest.mark.parametrize("who", ["receiver_clerk", "platform_admin"])
def test_the_monthly_report_page_does_not_query_per_row(
    busy, who, request, django_assert_max_num_queries
):
    client = browser(request.getfixturevalue(who))
    with django_assert_max_num_queries(11):
        response = client.get(reverse("reporting:report-detail", args=["2026-10"]))
    assert response.status_code == 200
    assert "2026-10" in response.content.decode()


@time_machine.travel(at(NOW), tick=False)
@pytest.mark.parametrize("box", ["inbox", "outbox"])
def test_the_api_push_list_does_not_query_per_push(
    busy, box, supervision_department, approval_department, django_assert_max_num_queries
):
    department = supervision_department if box == "inbox" else approval_department
    client = api_for(department)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/pushes/", {"box": box})
    assert response.status_code == 200
    assert len(response.json()["results"]) >= DECISIONS


@time_machine.travel(at(NOW), tick=False)
def test_the_api_push_detail_does_not_query_per_feedback_or_reply(
    threaded_push, supervision_department, django_assert_max_num_queries
):
    client = api_for(supervision_department)
    with django_assert_max_num_queries(7):
        response = client.get(f"/api/v1/pushes/{threaded_push.pk}/")
    assert response.status_code == 200
    assert len(response.json()["feedback"]) == 5


def test_the_monthly_figures_cost_the_same_queries_for_any_number_of_departments(
    decide, approval_clerk, django_assert_max_num_queries
):
    """One grouped query per figure, never one per department (the percentiles were)."""
    departments = [DepartmentFactory(code=f"dept-{n}", name=f"部门{n}") for n in range(8)]
    item = ApprovalItemFactory(code="wide", name="多部门事项", supervision_departments=departments)
    with time_machine.travel(at("2026-10-12T09:00"), tick=False):
        for _n in range(3):
            decide(item=item)
    for department in departments:
        StaffFactory(department=department, role=StaffRole.CLERK)
    with time_machine.travel(at("2026-10-12T10:00"), tick=False):
        for push in Push.objects.filter(state=PushState.PENDING, receiver__in=departments):
            push_claim(push=push, actor=actor_for_user(push.receiver.memberships.first().user))
    with (
        time_machine.travel(at("2026-11-02T08:00"), tick=False),
        django_assert_max_num_queries(10),
    ):
        figures = report_figures(month=datetime.date(2026, 10, 1))
    rows = [row for row in figures["pushes"] if row["department"].startswith("dept-")]
    assert len(rows) == 16
    assert all(row["median_claim_hours"] is not None for row in rows if row.get("claimed_on_time"))


def _decide_over_the_api(
    receivers: int, staff_each: int, *, code: str, credit_code: str
) -> tuple[int, int]:
    """One licence decision for an item with `receivers` supervision departments, each with
    `staff_each` clerks (e-mail on) and a webhook, then its fan-out as the after-commit task
    runs it; returns (the decision's statements, the fan-out's statements)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.models import Delivery, Notification, Push, WebhookEndpoint
    from tests.factories import ApprovalDepartmentFactory, valid_credit_code
    from tests.helpers import fan_out

    approval = ApprovalDepartmentFactory()
    departments = [DepartmentFactory() for _n in range(receivers)]
    for department in departments:
        for _n in range(staff_each):
            StaffFactory(department=department)
        WebhookEndpoint.objects.create(
            department=department,
            url=f"https://{department.code}.example.gov.cn/hook",
            secret="s",
            created_at=at(NOW),
        )
    ApprovalItemFactory(code=code, supervision_departments=departments)
    body = {
        "item": code,
        "counterparty": {
            "name": "临淄齐鲁食品有限公司",
            "credit_code": valid_credit_code(credit_code),
            "contact_name": "王五",
            "contact_phone": "0533-7181234",
        },
        "licence_no": f"JY-{code}",
        "licence_date": "2026-11-03",
        "valid_from": "2026-11-03",
    }
    api = api_for(approval)
    before = Notification.objects.count(), Delivery.objects.count()
    with CaptureQueriesContext(connection) as decision:
        response = api.post("/api/v1/licences/", body, format="json", HTTP_IDEMPOTENCY_KEY=code)
    assert response.status_code == 201, response.content
    assert len(response.json()["pushes"]) == receivers
    # The decision writes no notice: they follow its commit.
    assert (Notification.objects.count(), Delivery.objects.count()) == before
    pushes = Push.objects.filter(pk__in=[p["id"] for p in response.json()["pushes"]])
    with CaptureQueriesContext(connection) as fanning_out:
        assert fan_out(pushes) == receivers
    # Every receiver got its notices, e-mails and webhook row.
    assert Notification.objects.count() - before[0] == receivers * staff_each
    assert Delivery.objects.count() - before[1] == receivers * staff_each + receivers
    return len(decision), len(fanning_out)


@time_machine.travel(at(NOW), tick=False)
def test_a_licence_decision_costs_the_same_statements_for_any_number_of_receivers():
    """The ingest path (P1) is set-based: one INSERT of all pushes and of all audit events
    in the decision, one of all notices, e-mail and webhook rows in its fan-out; neither
    count grows with receivers or staff."""
    _decide_over_the_api(1, 1, code="qc-warm", credit_code="91370305MA3CAP10")  # chain head
    one, one_fan_out = _decide_over_the_api(1, 1, code="qc-one", credit_code="91370305MA3CAP11")
    many, many_fan_out = _decide_over_the_api(4, 3, code="qc-many", credit_code="91370305MA3CAP12")
    assert many == one and many_fan_out == one_fan_out
    # Measured 20 with a new counterparty and the key's first use that minute (its
    # last-used time written), 19 on PostgreSQL (the chain head moves in the events'
    # INSERT), and 10 for the fan-out (8, and the savepoint pair of its transaction inside
    # the test's): a rise means a per-row statement crept back in. It was 23 while the
    # counterparty was read twice and the decision had a savepoint pair of its own.
    from django.db import connection

    assert one <= (18 if connection.vendor == "postgresql" else 19), one
    # A counterparty on record, under no listing: read with its access (R7) in one query,
    # and neither inserted nor updated (it was one more while its listings were read apart).
    known, _fan_out = _decide_over_the_api(1, 1, code="qc-known", credit_code="91370305MA3CAP11")
    assert known <= one - 3, (known, one)
    assert one_fan_out <= 10

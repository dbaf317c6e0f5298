"""The home pages (工作台): each staff member's to-do list, a head's timeliness figures, the
platform admin's overview — and their query counts, which do not grow with the items."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import (
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Feedback,
    Obligation,
    OverdueRecord,
    Push,
    PushState,
)
from organizations.models import StaffRole
from reporting.models import MonthlyReport
from tests.clients import logged_in
from tests.factories import DepartmentFactory, StaffFactory, bulk_pushes
from tests.helpers import at

pytestmark = pytest.mark.django_db
FRIDAY = "2026-11-27T10:00"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def supervision_head(supervision_department):
    return StaffFactory(department=supervision_department, role=StaffRole.HEAD).user


def pushes_due(sender, receiver, deadlines: list[str], *, title: str = "推送") -> list[Push]:
    pushes = []
    for n, deadline in enumerate(deadlines):
        (push,) = bulk_pushes(
            sender=sender,
            receivers=[receiver],
            count=1,
            sent_at=at(deadline) - datetime.timedelta(days=1),
            deadline=at(deadline),
            title=f"{title}{n}",
        )
        pushes.append(push)
    return pushes


def rows(html: str) -> list[str]:
    """Each to-do row's text, in page order, whitespace squeezed."""
    found = re.findall(r'<li class="todo-item[^"]*">(.*?)</li>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


def red_rows(html: str) -> list[str]:
    found = re.findall(r'<li class="todo-item todo-red">(.*?)</li>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


# The to-do list -------------------------------------------------------------------------------


@time_machine.travel(at(FRIDAY), tick=False)
def test_a_clerks_home_lists_pushes_by_deadline_with_working_days_left_across_the_weekend(
    approval_department, supervision_department, supervision_clerk
):
    """R0, R3: on Friday a push due Monday has 1 working day left, Tuesday 2; the one due
    today says so with its time, the one past its deadline says 已超期."""
    pushes_due(
        approval_department,
        supervision_department,
        ["2026-12-01T17:30", "2026-11-27T17:30", "2026-11-30T17:30", "2026-11-26T17:30"],
    )
    html = logged_in(supervision_clerk).get(reverse("dashboard")).content.decode()
    found = rows(html)
    assert [row.split(" 测试行政审批服务局")[0] for row in found] == [
        "待认领推送 推送3 0",
        "待认领推送 推送1 0",
        "待认领推送 推送2 0",
        "待认领推送 推送0 0",
    ]
    assert "已超期（截止 2026-11-26 17:30）" in found[0]
    assert "今日 17:30 截止" in found[1]
    assert "剩余 1 个工作日" in found[2]
    assert "剩余 2 个工作日" in found[3]
    # Red means due today or overdue, nothing else — and the text says which.
    assert red_rows(html) == found[:2]


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_the_working_days_left_skip_the_national_day_holidays(
    approval_department, supervision_department, supervision_clerk
):
    """R0.1: pushed Wed 2026-09-30, due Thu 2026-10-08 17:30 — one working day away."""
    pushes_due(approval_department, supervision_department, ["2026-10-08T17:30"])
    html = logged_in(supervision_clerk).get(reverse("dashboard")).content.decode()
    assert "剩余 1 个工作日" in rows(html)[0]
    assert red_rows(html) == []


@time_machine.travel(at(FRIDAY), tick=False)
def test_the_claim_button_on_the_home_page_claims_and_comes_back_home(
    approval_department, supervision_department, supervision_clerk
):
    """R3: one click claims; the push leaves the to-do list."""
    (push,) = pushes_due(approval_department, supervision_department, ["2026-11-30T17:30"])
    client = logged_in(supervision_clerk)
    html = client.get(reverse("dashboard")).content.decode()
    claim_url = reverse("notifications:claim", args=[push.pk])
    assert f'action="{claim_url}" data-confirm="确认认领这条推送？认领后不能撤销。"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    response = client.post(claim_url, {"next": "home"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    push.refresh_from_db()
    assert push.state == PushState.CLAIMED
    assert rows(client.get(reverse("dashboard")).content.decode()) == []


@time_machine.travel(at(FRIDAY), tick=False)
def test_another_departments_items_never_appear(
    approval_department, supervision_department, supervision_clerk
):
    """Staff see only their department's records."""
    other = DepartmentFactory(name="测试卫生健康局")
    pushes_due(approval_department, other, ["2026-11-30T17:30"], title="别人的推送")
    (mine,) = pushes_due(approval_department, supervision_department, ["2026-11-30T17:30"])
    Feedback.objects.create(
        push=mine,
        answering_department=other,
        raised_by_label="x",
        raised_at=at(FRIDAY),
        answer_deadline=at("2026-11-30T17:30"),
        text="别人的反馈",
    )
    html = logged_in(supervision_clerk).get(reverse("dashboard")).content.decode()
    assert "别人的推送" not in html and "别人的反馈" not in html
    assert len(rows(html)) == 1


@time_machine.travel(at(FRIDAY), tick=False)
def test_feedback_to_answer_sits_among_the_pushes_by_deadline(
    approval_department, supervision_department, approval_clerk
):
    """R5: the sender answers feedback; its answer deadline orders it with the rest."""
    (push,) = pushes_due(approval_department, supervision_department, ["2026-11-26T17:30"])
    Feedback.objects.create(
        push=push,
        answering_department=approval_department,
        raised_by_label="x",
        raised_at=at("2026-11-26T10:00"),
        answer_deadline=at("2026-11-27T17:30"),
        text="许可证号有误",
    )
    html = logged_in(approval_clerk).get(reverse("dashboard")).content.decode()
    (row,) = rows(html)
    assert row.startswith("待答复反馈") or "反馈" in row.split(" ")[0]
    assert "今日 17:30 截止" in row and "测试市场监督管理局" in row


def test_approval_clerks_get_a_prominent_record_a_decision_button(
    approval_clerk, supervision_clerk
):
    decide = reverse("approvals:decision-item")
    assert f'class="button home-decide" href="{decide}"' in (
        logged_in(approval_clerk).get(reverse("dashboard")).content.decode()
    )
    assert "home-decide" not in (
        logged_in(supervision_clerk).get(reverse("dashboard")).content.decode()
    )


# A head's figures -----------------------------------------------------------------------------


def claimed(push: Push, *, auto: bool = False) -> None:
    Push.objects.filter(pk=push.pk).update(
        state=PushState.AUTO_CLAIMED if auto else PushState.CLAIMED,
        claimed_at=push.deadline if auto else push.deadline - datetime.timedelta(hours=1),
        claimed_by_label="system" if auto else "x",
    )


@time_machine.travel(at(FRIDAY), tick=False)
def test_a_heads_home_shows_the_on_time_rate_against_the_platform_and_who_held_the_overdue(
    approval_department, supervision_department, supervision_head, supervision_clerk
):
    """R4, R18: this month 3 of the department's 4 pushes were claimed on time (75 %); with
    another department's 1 of 1 the platform has 4 of 5 (80 %); October comes from its
    compiled report; the auto-claimed push is listed as held by 系统自动认领."""
    mine = pushes_due(
        approval_department,
        supervision_department,
        ["2026-11-02T17:30", "2026-11-10T17:30", "2026-11-20T17:30", "2026-11-25T17:30"],
    )
    for push in mine[:3]:
        claimed(push)
    claimed(mine[3], auto=True)
    OverdueRecord.objects.create(
        department=supervision_department,
        obligation=Obligation.CLAIM,
        object_type="notifications.push",
        object_id=str(mine[3].pk),
        deadline=mine[3].deadline,
        recorded_at=mine[3].deadline,
    )
    other = DepartmentFactory(name="测试卫生健康局")
    (theirs,) = pushes_due(approval_department, other, ["2026-11-03T17:30"])
    claimed(theirs)
    MonthlyReport.objects.create(
        month=datetime.date(2026, 10, 1),
        version=1,
        compiled_at=at("2026-11-02T08:00"),
        compiled_by_label="system",
        data={
            "pushes": [
                {"department": supervision_department.code, "received": 10,
                 "claimed_on_time": 9, "auto_claimed": 1},
                {"department": other.code, "received": 10,
                 "claimed_on_time": 5, "auto_claimed": 5},
                {"department": approval_department.code, "received": None},
            ],
            "accountability": [],
        },
    )  # fmt: skip
    response = logged_in(supervision_head).get(reverse("dashboard"))
    html = response.content.decode()
    assert response.context["this_month"].department_percent == 75
    assert response.context["this_month"].platform_percent == 80
    trend = response.context["trend"]
    assert len(trend) == 12 and trend[-1].month == datetime.date(2026, 11, 1)
    october = trend[-2]
    assert (october.department_percent, october.platform_percent) == (90, 70)
    assert october.from_report and not trend[-1].from_report
    assert "75%" in html and "80%" in html
    assert "推送3" in html and "系统自动认领" in html and "2026-11-25 17:30" in html
    # A clerk sees the to-do list, not the figures.
    assert "this_month" not in logged_in(supervision_clerk).get(reverse("dashboard")).context


# The platform admin ---------------------------------------------------------------------------


@time_machine.travel(at(FRIDAY), tick=False)
def test_the_admins_home_ranks_departments_shows_the_calendar_and_failed_deliveries(
    approval_department, supervision_department, platform_admin
):
    quiet = DepartmentFactory(name="测试应急管理局")
    busy = DepartmentFactory(name="测试卫生健康局")
    pushes_due(approval_department, supervision_department, ["2026-11-30T17:30"] * 3)
    late = pushes_due(approval_department, busy, ["2026-11-20T17:30"])[0]
    OverdueRecord.objects.create(
        department=busy,
        obligation=Obligation.CLAIM,
        object_type="notifications.push",
        object_id=str(late.pk),
        deadline=late.deadline,
        recorded_at=late.deadline,
    )
    failed = Delivery.objects.create(
        channel=DeliveryChannel.WEBHOOK,
        department=supervision_department,
        address="https://example.gov.cn/hook",
        subject="新推送：食品经营许可",
        body="{}",
        status=DeliveryStatus.FAILED,
        attempts=8,
        next_attempt_at=at(FRIDAY),
        created_at=at("2026-11-26T09:00"),
        last_error="HTTP 502",
    )
    response = logged_in(platform_admin).get(reverse("dashboard"))
    html = response.content.decode()
    ranked = [load.department.name for load in response.context["loads"]]
    assert ranked[:2] == ["测试卫生健康局", "测试市场监督管理局"]
    assert ranked.index("测试应急管理局") > 1 and quiet.pk
    assert "超期 1 件" in html
    assert reverse("admin:notifications_delivery_change", args=[failed.pk]) in html
    assert "新推送：食品经营许可" in html
    assert [year for year, _covered in response.context["calendar_years"]] == [2026, 2027]
    assert "2026 年：已按国务院通知确定" in html
    if not dict(response.context["calendar_years"])[2027]:
        assert reverse("admin:workdays_workdayoverride_import") in html
    assert "todo-item todo-red" not in html


# Query counts ---------------------------------------------------------------------------------


def home_queries(user) -> int:
    client = logged_in(user)
    client.get(reverse("dashboard"))  # sessions, caches and the calendar warmed up alike
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(queries)


@time_machine.travel(at(FRIDAY), tick=False)
@pytest.mark.parametrize("role", ["clerk", "head", "admin"])
def test_the_home_pages_query_count_does_not_grow_with_the_items(
    role, approval_department, supervision_department
):
    """1 item or 30 (with feedback and overdue records): the same number of queries."""
    user = {
        "clerk": lambda: StaffFactory(department=supervision_department).user,
        "head": lambda: StaffFactory(department=supervision_department, role=StaffRole.HEAD).user,
        "admin": lambda: (
            StaffFactory(department=approval_department, role=StaffRole.PLATFORM_ADMIN).user
        ),
    }[role]()

    def add(n: int) -> None:
        for push in pushes_due(
            approval_department, supervision_department, ["2026-11-30T17:30"] * n
        ):
            OverdueRecord.objects.create(
                department=supervision_department,
                obligation=Obligation.CLAIM,
                object_type="notifications.push",
                object_id=str(push.pk),
                deadline=at("2026-11-20T17:30"),
                recorded_at=at("2026-11-20T17:30"),
            )
            Feedback.objects.create(
                push=push,
                answering_department=approval_department,
                raised_by_label="x",
                raised_at=at(FRIDAY),
                answer_deadline=at("2026-12-01T17:30"),
                text="q",
            )

    add(1)
    one = home_queries(user)
    add(29)
    thirty = home_queries(user)
    assert one == thirty
    assert one == PINNED[role], one


# The admin's includes django-otp's lookup of the verified device (one per request: a device
# deleted in admin ends the verified sign-in at once) and the count of undelivered SMS.
PINNED = {"clerk": 22, "head": 27, "admin": 13}


@time_machine.travel(at(FRIDAY), tick=False)
def test_the_months_counts_are_read_once_for_every_heads_home(
    approval_department, supervision_department, supervision_head
):
    """The grouped count of the pushes due this month holds every department's figures: the
    second head's home (another department) reads no push to show its rates (R18)."""
    mine = pushes_due(approval_department, supervision_department, ["2026-11-10T17:30"] * 2)
    claimed(mine[0])
    claimed(mine[1], auto=True)
    other = DepartmentFactory(name="测试卫生健康局")
    (theirs,) = pushes_due(approval_department, other, ["2026-11-03T17:30"])
    claimed(theirs)
    other_head = StaffFactory(department=other, role=StaffRole.HEAD).user
    first = logged_in(supervision_head).get(reverse("dashboard")).context["this_month"]
    assert (first.department_percent, first.platform_percent) == (50, 67)
    client = logged_in(other_head)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("dashboard")).context["this_month"]
    assert (second.department_percent, second.platform_percent) == (100, 67)
    grouped = [
        q["sql"] for q in queries if "GROUP BY" in q["sql"] and "notifications_push" in q["sql"]
    ]
    assert grouped == []


def test_neighbouring_months_are_one_deadline_range_cut_at_now():
    from reporting.home import _due_ranges

    now = at("2026-11-27T10:00")
    months = [datetime.date(2026, m, 1) for m in (11, 9, 10, 6)]
    assert _due_ranges(months, now) == [
        (at("2026-06-01T00:00"), at("2026-07-01T00:00")),
        (at("2026-09-01T00:00"), now),
    ]

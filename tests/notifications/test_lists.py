"""The push lists and the notice centre as a clerk uses them: item pickers by name, state chips
with counts, the outbox pending first, the bulk-claim bar only when something can be claimed,
the time left in working days, and notices that resolve themselves when the push is claimed."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from notifications.models import NoticeKind, Notification, Push, PushState
from notifications.selectors import notifications_unread_count, time_left
from notifications.services import pushes_auto_claim_overdue, pushes_claim
from organizations.scoping import actor_for_user
from tests.clients import logged_in
from tests.factories import ApprovalItemFactory, StaffFactory, bulk_pushes
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(supervision_department):
    return StaffFactory(department=supervision_department).user


@pytest.fixture
def other_clerk(second_supervision_department):
    return StaffFactory(department=second_supervision_department).user


@pytest.fixture
def sent(decide, receiver_clerk, colleague, other_clerk):
    """Three decisions on Tuesday 2026-11-24 09:00: a push each to two departments, whose
    staff (the receiver clerk and a colleague) are notified."""
    with time_machine.travel(at("2026-11-24T09:00"), tick=False):
        return [decide() for _ in range(3)]


def _received(receiver_clerk) -> list[Push]:
    return list(Push.objects.filter(receiver=receiver_clerk.membership.department).order_by("pk"))


# --- item picker ---------------------------------------------------------------------------


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
@pytest.mark.parametrize("box", ["inbox", "outbox"])
def test_the_item_filter_is_a_picker_of_catalog_names_not_codes(
    sent, box, receiver_clerk, approval_clerk
):
    ApprovalItemFactory(code="hazardous-chemicals", name="危险化学品经营许可")
    user = receiver_clerk if box == "inbox" else approval_clerk
    text = logged_in(user).get(reverse(f"notifications:{box}")).content.decode()
    picker = re.search(r'<select name="item"[^>]*>(.*?)</select>', text, re.S).group(1)
    assert '<option value="food">食品经营许可</option>' in picker
    assert '<option value="hazardous-chemicals">危险化学品经营许可</option>' in picker
    assert re.search(r'<option value="" selected>全部</option>', picker)
    assert "划转事项" in text
    labels = re.findall(r">([^<]+)</option>", picker)
    assert "food" not in labels and "hazardous-chemicals" not in labels


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_picking_an_item_lists_only_its_pushes(
    sent, receiver_clerk, decide, supervision_department
):
    other = ApprovalItemFactory(
        code="drugs", name="药品零售许可", supervision_departments=[supervision_department]
    )
    decide(item=other)
    client = logged_in(receiver_clerk)
    response = client.get(reverse("notifications:inbox"), {"item": "drugs"})
    assert [push.item_code for push in response.context["pushes"]] == ["drugs"]
    assert '<option value="drugs" selected>药品零售许可</option>' in response.content.decode()


# --- state chips ---------------------------------------------------------------------------


def _chips(response) -> dict[str, object]:
    return {chip["state"]: chip["count"] for chip in response.context["chips"]}


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_state_chips_count_the_departments_pushes_only(sent, receiver_clerk, approval_clerk):
    """Isolation: the other receiving department's pushes of the same decisions never count."""
    pushes = _received(receiver_clerk)
    pushes_claim(push_ids=[pushes[0].pk], actor=actor_for_user(receiver_clerk))
    response = logged_in(receiver_clerk).get(reverse("notifications:inbox"))
    assert _chips(response) == {"pending": 2, "claimed": 1, "auto_claimed": 0, "": 3}
    outbox = logged_in(approval_clerk).get(reverse("notifications:outbox"))
    assert _chips(outbox) == {"pending": 5, "claimed": 1, "auto_claimed": 0, "": 6}


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
@pytest.mark.parametrize(
    ("query", "active"),
    [({}, "全部"), ({"state": "pending"}, "待认领"), ({"state": "claimed"}, "已认领")],
)
def test_the_active_chip_is_marked_for_screen_readers_and_by_more_than_colour(
    sent, receiver_clerk, query, active
):
    text = logged_in(receiver_clerk).get(reverse("notifications:inbox"), query).content.decode()
    current = re.findall(r'<a [^>]*class="chip active" aria-current="page">(.*?)</a>', text)
    assert len(current) == 1
    assert active in current[0] and "✓" in current[0]


def test_the_chip_counts_stop_at_1000(
    receiver_clerk, approval_department, django_assert_num_queries
):
    """Counts are bounded like the old "1000+": each reads at most 1001 index entries."""
    department = receiver_clerk.membership.department
    bulk_pushes(
        sender=approval_department,
        receivers=[department],
        count=1001,
        sent_at=at("2026-11-24T09:00"),
        deadline=at("2026-11-25T17:30"),
    )
    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        response = logged_in(receiver_clerk).get(reverse("notifications:inbox"))
    assert _chips(response) == {"pending": "1000+", "claimed": 0, "auto_claimed": 0, "": "1000+"}


# --- outbox order --------------------------------------------------------------------------


def test_the_outbox_lists_pending_pushes_first_across_pages(
    approval_clerk, approval_department, supervision_department
):
    """30 pushes, the newest 10 claimed: every page walks the 20 pending ones first."""
    pushes = []
    for n in range(30):
        pushes += bulk_pushes(
            sender=approval_department,
            receivers=[supervision_department],
            count=1,
            sent_at=at("2026-11-24T09:00") + datetime.timedelta(minutes=n),
            deadline=at("2026-11-25T17:30"),
        )
    claimed_ids = [push.pk for push in pushes[-10:]]
    Push.objects.filter(pk__in=claimed_ids).update(state=PushState.CLAIMED, state_rank=1)
    client = logged_in(approval_clerk)
    seen, cursor = [], None
    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        while True:
            response = client.get(
                reverse("notifications:outbox"), {"cursor": cursor} if cursor else {}
            )
            seen += response.context["pushes"]
            cursor = response.context["next_cursor"]
            if not cursor:
                break
    assert len(seen) == 30 and len({push.pk for push in seen}) == 30
    assert [push.state for push in seen] == [PushState.PENDING] * 20 + [PushState.CLAIMED] * 10
    pending = [push.sent_at for push in seen[:20]]
    assert pending == sorted(pending, reverse=True)  # then the newest first


# --- bulk-claim bar ------------------------------------------------------------------------


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_the_bulk_claim_bar_is_absent_without_a_pending_push_on_the_page(sent, receiver_clerk):
    pushes_claim(
        push_ids=[push.pk for push in _received(receiver_clerk)],
        actor=actor_for_user(receiver_clerk),
    )
    text = logged_in(receiver_clerk).get(reverse("notifications:inbox")).content.decode()
    assert 'class="claim-bar"' not in text
    assert 'name="ids"' not in text


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_the_bulk_claim_bar_appears_with_one_pending_push(sent, receiver_clerk):
    pushes = _received(receiver_clerk)
    pushes_claim(push_ids=[push.pk for push in pushes[1:]], actor=actor_for_user(receiver_clerk))
    text = logged_in(receiver_clerk).get(reverse("notifications:inbox")).content.decode()
    assert text.count('class="claim-bar"') == 1
    assert text.count('name="ids"') == 1


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_neither_outbox_nor_platform_admin_get_a_claim_bar(sent, approval_clerk, platform_admin):
    """Only the receiving department claims (R3): the sender and an admin see no checkbox."""
    outbox = logged_in(approval_clerk).get(reverse("notifications:outbox")).content.decode()
    admin = logged_in(platform_admin).get(reverse("notifications:inbox")).content.decode()
    for text in (outbox, admin):
        assert 'class="claim-bar"' not in text and 'name="ids"' not in text


# --- time left in working days -------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "now", "text", "red"),
    [
        # Thursday's push is due Friday 17:30.
        ("2026-11-27T17:30", "2026-11-26T10:00", "剩余 1 个工作日", False),
        ("2026-11-27T17:30", "2026-11-27T09:00", "今日 17:30 截止", True),
        ("2026-11-27T17:30", "2026-11-27T18:00", "已超期（今日 17:30 截止）", True),
        # The weekend is no working day missed; Monday is the first.
        ("2026-11-27T17:30", "2026-11-28T10:00", "已超期（11-27 17:30 截止）", True),
        ("2026-11-27T17:30", "2026-11-30T10:00", "已超期 1 个工作日", True),
        ("2026-11-27T17:30", "2026-12-02T10:00", "已超期 3 个工作日", True),
        # Friday's push is due Monday: one working day left over the weekend.
        ("2026-11-30T17:30", "2026-11-27T11:00", "剩余 1 个工作日", False),
        # Pushed on 2026-09-30 before the National Day holidays: due 10-08 (R0.1).
        ("2026-10-08T17:30", "2026-09-30T11:00", "剩余 1 个工作日", False),
        ("2026-10-08T17:30", "2026-10-03T11:00", "剩余 1 个工作日", False),
        # Saturday 2026-10-10 is an adjusted working day (调休上班).
        ("2026-10-12T17:30", "2026-09-30T11:00", "剩余 4 个工作日", False),
    ],
)
def test_time_left_is_counted_in_working_days(deadline, now, text, red):
    """R0, R0.1: red only on the due day or after, always with the words."""
    with translation.override("zh-hans"):
        left = time_left(deadline=at(deadline), now=at(now), memo={})
    assert (left.text, left.urgent) == (text, red)


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_the_inbox_and_the_push_detail_say_the_time_left(sent, receiver_clerk):
    client = logged_in(receiver_clerk)
    assert "剩余 1 个工作日" in client.get(reverse("notifications:inbox")).content.decode()
    push = _received(receiver_clerk)[0]
    detail = client.get(reverse("notifications:push-detail", args=[push.pk])).content.decode()
    assert "剩余 1 个工作日" in detail and "time-left red" not in detail


def test_the_inquiry_list_says_the_time_left(approval_clerk, supervision_department):
    from coordination.inquiries.services import inquiry_send

    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        inquiry_send(
            actor=actor_for_user(approval_clerk),
            receiver=supervision_department,
            subject="关于食品经营许可现场条件的函询",
            question="请核实。",
            reply_working_days=3,
        )
    with time_machine.travel(at("2026-11-27T09:00"), tick=False):
        text = (
            logged_in(approval_clerk)
            .get(reverse("coordination:inquiry-list"), {"box": "outbox"})
            .content.decode()
        )
    assert "今日 17:30 截止" in text and "time-left red" in text


# --- notices resolve themselves ------------------------------------------------------------


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_a_claimed_pushs_notice_says_claimed_and_stops_counting_as_unread(
    sent, receiver_clerk, colleague
):
    """R3: the notice "请于…前认领" becomes 已认领 for every clerk of the department."""
    pushes = _received(receiver_clerk)
    assert notifications_unread_count(user=colleague) == 3
    logged_in(receiver_clerk).post(reverse("notifications:claim", args=[pushes[0].pk]))
    assert notifications_unread_count(user=colleague) == 2
    notice = Notification.objects.get(user=colleague, push=pushes[0])
    assert notice.kind == NoticeKind.PUSH and notice.resolution == "claimed"
    assert notice.read_at is None  # nobody read it; the work is simply done
    text = logged_in(colleague).get(reverse("notifications:list")).content.decode()
    assert text.count("已认领") == 1
    assert text.count("请于") == 2


def test_bulk_and_auto_claim_resolve_the_notices_and_reminders(sent, receiver_clerk):
    """R4: an auto-claimed push's notices say 已自动认领; its reminder is resolved too."""
    from reporting.reminders import reminders_send_due

    pushes = _received(receiver_clerk)
    with time_machine.travel(at("2026-11-25T15:40"), tick=False):
        reminders_send_due()
    assert (
        Notification.objects.filter(
            user=receiver_clerk, kind=NoticeKind.REMINDER, push__in=pushes
        ).count()
        == 3
    )
    with time_machine.travel(at("2026-11-25T16:00"), tick=False):
        pushes_claim(push_ids=[pushes[0].pk], actor=actor_for_user(receiver_clerk))
    with time_machine.travel(at("2026-11-25T17:31"), tick=False):
        pushes_auto_claim_overdue()
        text = logged_in(receiver_clerk).get(reverse("notifications:list")).content.decode()
    mine = Notification.objects.filter(user=receiver_clerk, push__in=pushes)
    assert {(n.push_id, n.resolution) for n in mine} == {
        (pushes[0].pk, "claimed"),
        (pushes[1].pk, "auto_claimed"),
        (pushes[2].pk, "auto_claimed"),
    }
    assert mine.count() == 6  # the push's notice and its reminder, each resolved
    assert "已自动认领" in text
    assert notifications_unread_count(user=receiver_clerk) == 0


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_another_departments_claim_leaves_my_notice_open(
    sent, receiver_clerk, other_clerk, second_supervision_department
):
    """Isolation: the same decision's push to another department is its own work."""
    other = other_clerk
    theirs = Push.objects.filter(receiver=second_supervision_department).first()
    logged_in(other).post(reverse("notifications:claim", args=[theirs.pk]))
    assert notifications_unread_count(user=receiver_clerk) == 3
    assert notifications_unread_count(user=other) == 2


# --- notice centre filters -----------------------------------------------------------------


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_the_notice_centre_filters_unread_and_by_kind_with_counts(sent, receiver_clerk):
    pushes = _received(receiver_clerk)
    logged_in(receiver_clerk).post(reverse("notifications:claim", args=[pushes[0].pk]))
    feedback_url = reverse("notifications:feedback", args=[pushes[1].pk])
    client = logged_in(receiver_clerk)
    client.post(feedback_url, {"text": "请核实许可期限"})  # the sender gets that notice
    everything = client.get(reverse("notifications:list"))
    counts = {chip["kind"]: chip["count"] for chip in everything.context["kind_chips"]}
    assert counts["push"] == 3 and counts["feedback"] == 0
    assert [c["count"] for c in everything.context["show_chips"]] == [2, 3]
    unread = client.get(reverse("notifications:list"), {"show": "unread"})
    assert len(unread.context["notifications"]) == 2
    assert all(n.resolved_at is None for n in unread.context["notifications"])
    text = unread.content.decode()
    assert re.search(r'class="chip active" aria-current="page">.*?未读', text)
    by_kind = client.get(reverse("notifications:list"), {"kind": "feedback"})
    assert by_kind.context["notifications"] == []
    bogus = client.get(reverse("notifications:list"), {"kind": "<script>"})
    assert bogus.status_code == 200 and len(bogus.context["notifications"]) == 3


def test_the_notice_centre_costs_the_same_queries_for_5_or_40_notices(
    receiver_clerk, approval_department, django_assert_max_num_queries
):
    from notifications.services import DepartmentNotice, departments_notify

    department = receiver_clerk.membership.department
    client = logged_in(receiver_clerk)
    counts = []
    for total in (5, 40):
        Notification.objects.filter(user=receiver_clerk).delete()
        departments_notify(
            notices=[
                DepartmentNotice(department.pk, f"通知{n}", "正文", "/", kind=NoticeKind.PUSH)
                for n in range(total)
            ],
            now=at("2026-11-24T10:00"),
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("notifications:list"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(reverse("notifications:list"), {"show": "unread", "kind": "push"})


def test_answered_feedback_s_notice_says_answered_and_stops_counting_as_unread(
    sent, receiver_clerk, approval_clerk
):
    """R5: the sender's notice of a query becomes 已答复 once the sender answers it."""
    from notifications.feedback.services import feedback_raise, feedback_reply

    push = _received(receiver_clerk)[0]
    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        feedback = feedback_raise(
            push=push, actor=actor_for_user(receiver_clerk), text="许可证有效期有误？"
        )
    notice = Notification.objects.get(user=approval_clerk, push=push, kind=NoticeKind.FEEDBACK)
    unread = notifications_unread_count(user=approval_clerk)
    with time_machine.travel(at("2026-11-24T11:00"), tick=False):
        feedback_reply(feedback=feedback, actor=actor_for_user(approval_clerk), text="已核实无误。")
    notice.refresh_from_db()
    assert notice.resolution == "answered" and notice.read_at is None
    assert notifications_unread_count(user=approval_clerk) == unread - 1
    # The receiver's own notice of the answer is new work for nobody but stays to be read.
    answer = Notification.objects.get(user=receiver_clerk, push=push, kind=NoticeKind.FEEDBACK)
    assert answer.resolved_at is None
    text = logged_in(approval_clerk).get(reverse("notifications:list")).content.decode()
    assert "已答复" in text

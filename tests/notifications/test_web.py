import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from notifications.models import Feedback, Push, PushState
from organizations.models import StaffRole
from tests.clients import logged_in
from tests.factories import DepartmentFactory, StaffFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(decide):
    with time_machine.travel(at("2026-11-24T09:00"), tick=False):
        return [decide() for _ in range(3)]


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_the_inbox_shows_pending_pushes_with_deadline_and_time_left(sent, receiver_clerk):
    response = logged_in(receiver_clerk).get(reverse("notifications:inbox"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "收件箱" in text and "待认领" in text
    assert text.count('name="ids"') == 3
    assert "2026-11-25 17:30" in text  # the stored claim deadline
    assert "剩余 1 个工作日" in text
    counts = {chip["state"]: chip["count"] for chip in response.context["chips"]}
    assert counts == {"pending": 3, "claimed": 0, "auto_claimed": 0, "": 3}


def test_time_left_turns_red_on_the_day_it_is_due(sent, receiver_clerk):
    """Red means due today or overdue, and the text says so too (R0.1)."""
    with time_machine.travel(at("2026-11-25T08:00"), tick=False):
        text = logged_in(receiver_clerk).get(reverse("notifications:inbox")).content.decode()
    assert "今日 17:30 截止" in text
    assert "time-left red" in text


def test_pending_pushes_come_first(sent, receiver_clerk):
    first = Push.objects.filter(receiver=receiver_clerk.membership.department).order_by("pk").last()
    with time_machine.travel(at("2026-11-24T11:00"), tick=False):
        logged_in(receiver_clerk).post(reverse("notifications:claim", args=[first.pk]))
        response = logged_in(receiver_clerk).get(reverse("notifications:inbox"))
    states = [push.state for push in response.context["pushes"]]
    assert states == [PushState.PENDING, PushState.PENDING, PushState.CLAIMED]


def test_inbox_filters_and_search(sent, receiver_clerk):
    client = logged_in(receiver_clerk)
    licence = sent[1]
    by_code = client.get(reverse("notifications:inbox"), {"q": licence.counterparty.credit_code})
    assert [p.reference_no for p in by_code.context["pushes"]] == [licence.licence_no]
    by_number = client.get(reverse("notifications:inbox"), {"q": licence.licence_no})
    assert len(by_number.context["pushes"]) == 1
    by_name = client.get(reverse("notifications:inbox"), {"q": "临淄测试食品"})
    assert len(by_name.context["pushes"]) == 3
    claimed = client.get(reverse("notifications:inbox"), {"state": "claimed"})
    assert claimed.context["pushes"] == []
    overdue = client.get(reverse("notifications:inbox"), {"overdue": "true"})
    assert overdue.context["pushes"] == []
    dated = client.get(reverse("notifications:inbox"), {"sent_after": "2026-11-25"})
    assert dated.context["pushes"] == []
    item = client.get(reverse("notifications:inbox"), {"item": "food", "kind": "approval_decision"})
    assert len(item.context["pushes"]) == 3


@pytest.mark.parametrize(
    "query",
    [
        {"state": "nonsense"},
        {"sent_after": "2026-02-30"},
        {"cursor": "%%%not-base64"},
        {"cursor": "W10"},
        {"overdue": "maybe"},
        {"q": "x" * 5000},
    ],
)
def test_bad_inbox_parameters_never_answer_500(sent, receiver_clerk, query):
    response = logged_in(receiver_clerk).get(reverse("notifications:inbox"), query)
    assert response.status_code == 200


def test_keyset_pagination_walks_every_push_once(decide, receiver_clerk):
    with time_machine.travel(at("2026-11-24T09:00"), tick=True):
        for _ in range(30):
            decide()
    client = logged_in(receiver_clerk)
    first = client.get(reverse("notifications:inbox"))
    assert len(first.context["pushes"]) == 25
    cursor = first.context["next_cursor"]
    second = client.get(reverse("notifications:inbox"), {"cursor": cursor})
    assert len(second.context["pushes"]) == 5
    assert second.context["next_cursor"] is None
    seen = [p.pk for p in first.context["pushes"]] + [p.pk for p in second.context["pushes"]]
    assert len(set(seen)) == 30


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_claim_from_the_web_and_the_second_claim_shows_a_message(sent, receiver_clerk):
    push = Push.objects.filter(receiver=receiver_clerk.membership.department).first()
    client = logged_in(receiver_clerk)
    response = client.post(reverse("notifications:claim", args=[push.pk]), follow=True)
    assert "已认领" in response.content.decode()
    push.refresh_from_db()
    assert push.state == PushState.CLAIMED
    response = client.post(reverse("notifications:claim", args=[push.pk]), follow=True)
    assert "该推送已由" in response.content.decode()


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_bulk_claim_of_selected_rows(sent, receiver_clerk):
    ids = list(
        Push.objects.filter(receiver=receiver_clerk.membership.department).values_list(
            "pk", flat=True
        )
    )
    response = logged_in(receiver_clerk).post(
        reverse("notifications:claim-bulk"), {"ids": ids[:2]}, follow=True
    )
    assert "已认领 2 条推送" in response.content.decode()
    assert Push.objects.filter(pk__in=ids, state=PushState.CLAIMED).count() == 2
    empty = logged_in(receiver_clerk).post(reverse("notifications:claim-bulk"), {}, follow=True)
    assert "请至少选择" in empty.content.decode()
    junk = logged_in(receiver_clerk).post(
        reverse("notifications:claim-bulk"), {"ids": ["abc", "-1", "99999999"]}, follow=True
    )
    assert junk.status_code == 200


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_the_sender_sees_in_its_outbox_who_claimed_what_and_when(
    sent, receiver_clerk, approval_clerk
):
    receiver_clerk.first_name = "张敏"
    receiver_clerk.save(update_fields=["first_name"])
    push = Push.objects.filter(receiver=receiver_clerk.membership.department).first()
    logged_in(receiver_clerk).post(reverse("notifications:claim", args=[push.pk]))
    text = logged_in(approval_clerk).get(reverse("notifications:outbox")).content.decode()
    assert "张敏" in text and receiver_clerk.username not in text  # a name, not a username
    assert "11-24 10:00" in text
    assert "已认领" in text


def test_another_departments_push_is_404_everywhere(sent, receiver_clerk):
    stranger = StaffFactory(department=DepartmentFactory(code="other")).user
    client = logged_in(stranger)
    push = Push.objects.filter(receiver=receiver_clerk.membership.department).first()
    assert client.get(reverse("notifications:push-detail", args=[push.pk])).status_code == 404
    assert client.post(reverse("notifications:claim", args=[push.pk])).status_code == 404
    assert (
        client.post(reverse("notifications:feedback", args=[push.pk]), {"text": "x"}).status_code
        == 404
    )
    assert client.get(reverse("notifications:inbox")).context["pushes"] == []


def test_the_sender_cannot_claim_its_own_push(sent, approval_clerk):
    push = Push.objects.first()
    response = logged_in(approval_clerk).post(reverse("notifications:claim", args=[push.pk]))
    assert response.status_code == 404
    push.refresh_from_db()
    assert push.state == PushState.PENDING


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_feedback_thread_on_the_push_page(sent, receiver_clerk, approval_clerk):
    push = Push.objects.filter(receiver=receiver_clerk.membership.department).first()
    page = reverse("notifications:push-detail", args=[push.pk])
    receiver = logged_in(receiver_clerk)
    assert "发送反馈意见" in receiver.get(page).content.decode()
    receiver.post(reverse("notifications:feedback", args=[push.pk]), {"text": "联系电话有误？"})
    bad = receiver.post(
        reverse("notifications:feedback", args=[push.pk]), {"text": ""}, follow=True
    )
    assert "反馈意见：" in bad.content.decode()
    feedback = Feedback.objects.get()
    sender = logged_in(approval_clerk)
    sender.post(reverse("notifications:reply", args=[push.pk, feedback.pk]), {"text": "已更正。"})
    text = receiver.get(page).content.decode()
    assert "联系电话有误？" in text and "已更正。" in text and "已答复" in text


def test_the_feedback_form_is_closed_after_the_window(sent, receiver_clerk):
    push = Push.objects.filter(receiver=receiver_clerk.membership.department).first()
    with time_machine.travel(at("2026-11-26T09:00"), tick=False):
        client = logged_in(receiver_clerk)
        text = client.get(reverse("notifications:push-detail", args=[push.pk])).content.decode()
        assert "反馈期限已于 2026-11-25 17:30 截止" in text
        response = client.post(
            reverse("notifications:feedback", args=[push.pk]), {"text": "迟到的疑问"}, follow=True
        )
    assert "现已截止" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_platform_admin_can_read_every_push(sent, platform_admin):
    push = Push.objects.first()
    response = logged_in(platform_admin).get(reverse("notifications:push-detail", args=[push.pk]))
    assert response.status_code == 200


def test_the_notification_list_and_mark_read(receiver_clerk, sent):
    client = logged_in(receiver_clerk)
    text = client.get(reverse("notifications:list")).content.decode()
    assert "食品经营许可" in text
    client.post(reverse("notifications:read"))
    assert not receiver_clerk.notifications.filter(read_at__isnull=True).exists()


def test_a_head_sees_the_same_inbox(sent, supervision_department):
    head = StaffFactory(department=supervision_department, role=StaffRole.HEAD).user
    response = logged_in(head).get(reverse("notifications:inbox"))
    assert len(response.context["pushes"]) == 3


def test_inbox_requires_login():
    response = Client().get(reverse("notifications:inbox"))
    assert response.status_code == 302


def test_deadline_of_a_push_never_changes_when_the_calendar_does(sent):
    from workdays.models import WorkdayOverride

    before = list(Push.objects.values_list("deadline", flat=True))
    WorkdayOverride.objects.create(
        date=datetime.date(2026, 11, 25), is_working_day=False, note="test"
    )
    assert list(Push.objects.values_list("deadline", flat=True)) == before


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_the_inbox_filters_offer_all_rather_than_unknown(sent, receiver_clerk):
    client = logged_in(receiver_clerk)
    page = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert '<option value="" selected>全部</option>' in html
    assert "未知" not in html and "---------" not in html
    not_overdue = client.get(reverse("notifications:inbox"), {"overdue": "false"})
    assert len(not_overdue.context["pushes"]) == 3


@time_machine.travel(at("2026-11-24T10:00"), tick=False)
def test_each_pending_push_in_the_inbox_has_its_own_claim_button(sent, receiver_clerk):
    client = logged_in(receiver_clerk)
    page = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    push = page.context["pushes"][0]
    claim_url = reverse("notifications:claim", args=[push.pk])
    assert html.count('class="claim-one"') == 3
    assert f'formaction="{claim_url}"' in html
    answer = client.post(claim_url, {"next": "inbox"})
    assert answer.status_code == 302 and answer["Location"] == reverse("notifications:inbox")
    push.refresh_from_db()
    assert push.state == "claimed"
    after = client.get(reverse("notifications:inbox")).content.decode()
    assert after.count('class="claim-one"') == 2

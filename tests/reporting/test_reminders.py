import pytest
import time_machine

from notifications.models import Notification
from reporting.models import Reminder
from reporting.reminders import reminders_send_due
from tests.helpers import at
from tests.reporting.test_monthly_report import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(approval_department, supervision_department, supervision_clerk):
    return send(approval_department, supervision_department, "2026-11-24T10:00")  # due 11-25 17:30


def test_one_reminder_two_working_hours_before_the_deadline(pending, supervision_clerk):
    with time_machine.travel(at("2026-11-25T15:29"), tick=False):
        assert reminders_send_due() == 0
    with time_machine.travel(at("2026-11-25T15:30"), tick=False):
        assert reminders_send_due() == 1
        assert reminders_send_due() == 0
    with time_machine.travel(at("2026-11-25T16:30"), tick=False):
        assert reminders_send_due() == 0
    assert Reminder.objects.count() == 1
    notice = Notification.objects.get(user=supervision_clerk, title__contains="2026-11-25 17:30")
    assert notice is not None


def test_no_reminder_at_night_or_on_a_holiday(
    approval_department, supervision_department, supervision_clerk
):
    # Sent Friday evening, due Monday 17:30: the reminder falls on Monday 15:30, not the weekend.
    send(approval_department, supervision_department, "2026-11-27T19:00")
    with time_machine.travel(at("2026-11-28T15:30"), tick=False):
        assert reminders_send_due() == 0
    with time_machine.travel(at("2026-11-30T03:00"), tick=False):
        assert reminders_send_due() == 0
    with time_machine.travel(at("2026-11-30T15:35"), tick=False):
        assert reminders_send_due() == 1


def test_a_claimed_push_gets_no_reminder(pending, supervision_clerk):
    from notifications.services import push_claim
    from organizations.scoping import actor_for_user

    with time_machine.travel(at("2026-11-25T10:00"), tick=False):
        push_claim(push=pending, actor=actor_for_user(supervision_clerk))
    with time_machine.travel(at("2026-11-25T16:00"), tick=False):
        assert reminders_send_due() == 0


def test_e_mail_follows_the_personal_preference(pending, supervision_clerk, client):
    from notifications.models import Delivery

    client.force_login(supervision_clerk)
    response = client.post("/pushes/notices/preferences/", {})
    assert response.status_code == 302
    supervision_clerk.membership.refresh_from_db()
    assert supervision_clerk.membership.email_notifications is False
    with time_machine.travel(at("2026-11-25T15:30"), tick=False):
        reminders_send_due()
    assert Notification.objects.filter(user=supervision_clerk).exists()
    assert not Delivery.objects.filter(
        recipient=supervision_clerk, subject__contains="17:30"
    ).exists()

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from coordination.inquiries.services import inquiries_deem_consent, inquiry_reply, inquiry_send
from coordination.models import Inquiry, InquiryState
from coordination.services import InquiryDeemedConsent
from coordination.tasks import deem_consent_overdue_inquiries
from notifications.models import Notification, Obligation, OverdueRecord
from tests.clients import api_for
from tests.helpers import at

pytestmark = pytest.mark.django_db

SENT = at("2026-09-28T10:00")  # Monday; Oct 1–7 are holidays
DEADLINE = at("2026-10-08T17:30")  # 3 working days: Sep 29, Sep 30, Oct 8


@pytest.fixture
def letter(supervision_actor, approval_department, approval_clerk, supervision_clerk):
    with time_machine.travel(SENT, tick=False):
        return inquiry_send(
            actor=supervision_actor,
            receiver=approval_department,
            subject="关于加油站间距标准的函询",
            question="新建加油站与学校的最小间距按哪一标准执行？",
        )


def test_the_deadline_is_computed_once_in_working_days_and_stored(letter):
    assert letter.reply_working_days == 3
    assert letter.sent_at == SENT
    assert letter.deadline == DEADLINE
    assert letter.state == InquiryState.OPEN


@pytest.mark.parametrize("days", [0, 31, -1])
def test_the_reply_period_is_1_to_30_working_days(days, supervision_actor, approval_department):
    with pytest.raises(ValidationError) as excinfo:
        inquiry_send(
            actor=supervision_actor,
            receiver=approval_department,
            subject="s",
            question="q",
            reply_working_days=days,
        )
    assert "reply_working_days" in excinfo.value.message_dict


def test_a_letter_to_ones_own_department_is_refused(supervision_actor, supervision_department):
    with pytest.raises(ValidationError) as excinfo:
        inquiry_send(
            actor=supervision_actor, receiver=supervision_department, subject="s", question="q"
        )
    assert "receiver" in excinfo.value.message_dict


def test_the_sweep_deems_consent_at_the_deadline_not_before(letter):
    assert inquiries_deem_consent(now=DEADLINE - datetime.timedelta(minutes=1)) == 0
    assert inquiries_deem_consent(now=DEADLINE) == 0
    letter.refresh_from_db()
    assert letter.state == InquiryState.OPEN
    assert inquiries_deem_consent(now=DEADLINE + datetime.timedelta(seconds=1)) == 1
    letter.refresh_from_db()
    assert letter.state == InquiryState.DEEMED_CONSENT
    assert letter.deemed_consent_at == DEADLINE


def test_the_sweep_is_idempotent_and_charges_the_silent_department(
    letter, approval_department, approval_clerk, supervision_clerk
):
    later = DEADLINE + datetime.timedelta(hours=1)
    assert inquiries_deem_consent(now=later) == 1
    assert inquiries_deem_consent(now=later) == 0
    record = OverdueRecord.objects.get()
    assert record.department == approval_department
    assert record.obligation == Obligation.INQUIRY_REPLY
    assert (record.object_type, record.object_id) == ("coordination.inquiry", str(letter.pk))
    assert record.deadline == DEADLINE
    events = AuditEvent.objects.filter(action="inquiry.deemed_consent")
    assert events.count() == 1
    assert events.get().department == approval_department
    # Both sides hear of it: the sending notice plus one each for the deemed consent.
    assert Notification.objects.filter(user=approval_clerk).count() == 2
    assert Notification.objects.filter(user=supervision_clerk).count() == 1


def test_the_sweep_works_in_batches(supervision_actor, approval_department):
    with time_machine.travel(SENT, tick=False):
        for n in range(5):
            inquiry_send(
                actor=supervision_actor, receiver=approval_department, subject=f"s{n}", question="q"
            )
    assert inquiries_deem_consent(now=DEADLINE + datetime.timedelta(days=1), batch_size=2) == 5
    assert Inquiry.objects.filter(state=InquiryState.DEEMED_CONSENT).count() == 5
    assert OverdueRecord.objects.count() == 5


def test_the_beat_task_runs_the_sweep(letter):
    with time_machine.travel(DEADLINE + datetime.timedelta(minutes=5), tick=False):
        assert deem_consent_overdue_inquiries() == 1


def test_a_reply_by_the_deadline_is_recorded(letter, approval_actor):
    with time_machine.travel(DEADLINE, tick=False):
        inquiry_reply(actor=approval_actor, inquiry=letter, text="按GB 50156执行。")
    letter.refresh_from_db()
    assert letter.state == InquiryState.ANSWERED
    assert inquiries_deem_consent(now=DEADLINE + datetime.timedelta(days=1)) == 0
    assert OverdueRecord.objects.count() == 0


def test_a_reply_after_the_deadline_is_refused_even_before_the_sweep_ran(
    letter, approval_actor, english
):
    with (
        time_machine.travel(DEADLINE + datetime.timedelta(minutes=1), tick=False),
        pytest.raises(InquiryDeemedConsent) as excinfo,
    ):
        inquiry_reply(actor=approval_actor, inquiry=letter, text="迟到的回复")
    assert "deemed consent at 2026-10-08 17:30" in str(excinfo.value)
    letter.refresh_from_db()
    assert letter.state == InquiryState.DEEMED_CONSENT
    assert letter.reply == ""
    assert OverdueRecord.objects.filter(department=approval_actor.department).count() == 1


def test_the_api_answers_409_to_a_late_reply(letter, approval_department):
    client = api_for(approval_department)
    with time_machine.travel(DEADLINE + datetime.timedelta(days=2), tick=False):
        response = client.post(
            f"/api/v1/coordination/inquiries/{letter.pk}/reply/", {"text": "迟到"}, format="json"
        )
    assert response.status_code == 409
    assert "2026-10-08 17:30" in response.json()["error"]["message"]


def test_the_api_sends_lists_and_answers_inquiries(approval_department, supervision_department):
    sender, receiver = api_for(supervision_department), api_for(approval_department)
    with time_machine.travel(SENT, tick=False):
        response = sender.post(
            "/api/v1/coordination/inquiries/",
            {
                "receiver": approval_department.code,
                "subject": "函询",
                "question": "问题",
                "reply_working_days": 1,
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="inq-1",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["deadline"] == "2026-09-29T17:30:00+08:00"
        again = sender.post(
            "/api/v1/coordination/inquiries/",
            {
                "receiver": approval_department.code,
                "subject": "函询",
                "question": "问题",
                "reply_working_days": 1,
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="inq-1",
        )
        assert again.json()["id"] == body["id"]
        assert Inquiry.objects.count() == 1
        inbox = receiver.get("/api/v1/coordination/inquiries/?box=inbox&state=open").json()
        assert [row["id"] for row in inbox["results"]] == [body["id"]]
        assert sender.get("/api/v1/coordination/inquiries/?box=inbox").json()["results"] == []
        outbox = sender.get("/api/v1/coordination/inquiries/?box=outbox").json()
        assert [row["id"] for row in outbox["results"]] == [body["id"]]
        reply = receiver.post(
            f"/api/v1/coordination/inquiries/{body['id']}/reply/",
            {"text": "同意"},
            format="json",
        )
        assert reply.status_code == 200
        assert reply.json()["state"] == "answered"
        # The sender cannot answer its own letter.
        assert (
            sender.post(
                f"/api/v1/coordination/inquiries/{body['id']}/reply/",
                {"text": "x"},
                format="json",
            ).status_code
            == 403
        )


def test_the_receiver_answers_in_its_inbox_page(letter, approval_clerk):
    client = Client()
    client.force_login(approval_clerk)
    inbox = client.get(reverse("coordination:inquiry-list"), {"box": "inbox"})
    assert "关于加油站间距标准的函询" in inbox.content.decode()
    with time_machine.travel(at("2026-09-29T09:00"), tick=False):
        response = client.post(
            reverse("coordination:inquiry-reply", args=[letter.pk]), {"text": "按国标执行。"}
        )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == InquiryState.ANSWERED
    assert letter.replied_by_label == approval_clerk.username


def test_the_web_form_sends_a_letter_with_a_chosen_period(supervision_clerk, approval_department):
    client = Client()
    client.force_login(supervision_clerk)
    with time_machine.travel(SENT, tick=False):
        response = client.post(
            reverse("coordination:inquiry-create"),
            {
                "receiver": approval_department.pk,
                "subject": "函询",
                "question": "问题",
                "reply_working_days": 5,
            },
        )
    assert response.status_code == 302
    # Sep 29, Sep 30, Oct 8, Oct 9 and the adjusted working Saturday Oct 10 (调休上班).
    assert Inquiry.objects.get().deadline == at("2026-10-10T17:30")


def test_the_sweep_emails_only_staff_who_want_email_but_notifies_everyone_in_app(
    letter, approval_department, approval_clerk
):
    from notifications.models import Delivery
    from tests.factories import StaffFactory

    quiet = StaffFactory(department=approval_department, email_notifications=False).user
    assert quiet.email and approval_clerk.email
    Delivery.objects.all().delete()
    assert inquiries_deem_consent(now=DEADLINE + datetime.timedelta(hours=1)) == 1
    addresses = set(Delivery.objects.values_list("address", flat=True))
    assert approval_clerk.email in addresses
    assert quiet.email not in addresses
    assert Notification.objects.filter(user=quiet).count() == 1

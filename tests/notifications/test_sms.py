"""SMS reminders (短信提醒): deadlines due today and auto-claim notices go to the staff who
asked for them, signed to the government SMS platform, within office hours only (R0, R4),
at most once per person per subject; gateway errors are retried, refusals kept for admins."""

import datetime
import hashlib
import hmac
import io
import json
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from notifications.models import SmsDelivery, SmsKind, SmsStatus
from notifications.services import pushes_auto_claim_overdue
from notifications.sms import backends
from notifications.sms.backends import (
    ConsoleBackend,
    FileBackend,
    HttpGatewayBackend,
    SmsMessage,
    SmsRefused,
    SmsTemporaryError,
)
from notifications.sms.checks import check_sms_settings
from notifications.sms.outbox import sms_send_pending
from organizations.models import StaffRole
from reporting.reminders import reminders_send_due
from tests.clients import logged_in
from tests.factories import StaffFactory
from tests.helpers import at
from tests.notifications.helpers import SmsGateway, sms_gateway
from tests.platform.latin_text import latin_words, raw_values
from tests.reporting.test_monthly_report import send
from workdays.calendar import office_hours_next

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
SECRET = "gateway-secret-for-tests"
LOCMEM = "notifications.sms.backends.LocmemBackend"
# Sent Tuesday 2026-11-24 10:00: the claim is due Wednesday 2026-11-25 17:30.
SENT = "2026-11-24T10:00"
WEDNESDAY_MORNING = at("2026-11-25T09:00")


@pytest.fixture(autouse=True)
def _sms_settings(settings) -> None:
    settings.SMS_BACKEND = LOCMEM
    settings.SMS_TEMPLATE_DEADLINE_TODAY = "SMS_100001"
    settings.SMS_TEMPLATE_AUTO_CLAIMED = "SMS_100002"
    settings.SMS_GATEWAY_ACCOUNT = "linzi-platform"
    settings.SMS_GATEWAY_SECRET = SECRET
    backends.outbox.clear()


@pytest.fixture
def gateway(settings) -> Iterator[SmsGateway]:
    with sms_gateway() as state:
        settings.SMS_BACKEND = "notifications.sms.backends.HttpGatewayBackend"
        settings.SMS_GATEWAY_URL = state.url
        yield state


@pytest.fixture
def opted_in(supervision_department):
    """A supervision clerk who keeps SMS reminders on."""
    return StaffFactory(
        department=supervision_department,
        mobile=MOBILE,
        sms_reminders=True,
        user__first_name="李娜",
    ).user


@pytest.fixture
def due_wednesday(approval_department, supervision_department):
    return send(approval_department, supervision_department, SENT)


def run_reminders(moment: datetime.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        reminders_send_due()


def send_sms(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return sms_send_pending()


def expected_signature(body: bytes, timestamp: str, algorithm: str) -> str:
    digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, algorithm).hexdigest()
    return f"{algorithm}={digest}"


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_the_gateway_gets_a_signed_request_with_the_template_parameters(
    gateway, opted_in, due_wednesday, settings, algorithm
):
    try:
        hashlib.new(algorithm, b"")
    except ValueError:
        pytest.skip(f"this OpenSSL has no {algorithm}")
    settings.CRYPTO_HASH = algorithm
    run_reminders(WEDNESDAY_MORNING)
    assert send_sms(WEDNESDAY_MORNING) == 1
    [request] = gateway.requests
    timestamp = request["headers"]["X-Sms-Timestamp"]
    assert request["headers"]["X-Sms-Signature"] == expected_signature(
        request["body"], timestamp, algorithm
    )
    body = json.loads(request["body"])
    assert body["account"] == "linzi-platform"
    assert body["phone"] == MOBILE
    assert body["template_id"] == "SMS_100001"
    assert body["params"] == {"department": "测试市场监督管理局", "count": "1", "date": "11月25日"}
    assert str(body["timestamp"]) == timestamp
    assert body["nonce"]
    delivery = SmsDelivery.objects.get()
    assert delivery.status == SmsStatus.SENT
    assert delivery.gateway_message_id == "msg-1"
    assert delivery.subject_key == "deadline-today:2026-11-25"


def test_a_gateway_error_is_retried_and_then_sent(gateway, opted_in, due_wednesday):
    gateway.answers = [(503, {"code": "busy", "message": "系统繁忙"})]
    run_reminders(WEDNESDAY_MORNING)
    assert send_sms(WEDNESDAY_MORNING) == 0
    delivery = SmsDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (SmsStatus.PENDING, 1)
    assert "503" in delivery.last_error
    assert delivery.next_attempt_at == WEDNESDAY_MORNING + datetime.timedelta(minutes=1)
    assert send_sms(WEDNESDAY_MORNING + datetime.timedelta(seconds=30)) == 0
    assert len(gateway.requests) == 1
    assert send_sms(WEDNESDAY_MORNING + datetime.timedelta(minutes=1)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (SmsStatus.SENT, 2, "")
    assert len(gateway.requests) == 2


def test_an_unreachable_gateway_is_retried(opted_in, due_wednesday, settings):
    settings.SMS_BACKEND = "notifications.sms.backends.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms/send"  # discard: nothing listens
    run_reminders(WEDNESDAY_MORNING)
    send_sms(WEDNESDAY_MORNING)
    delivery = SmsDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (SmsStatus.PENDING, 1)
    assert delivery.last_error


def test_attempts_run_out_as_failed(gateway, opted_in, due_wednesday, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    gateway.answers = [(502, {}), (500, {})]
    run_reminders(WEDNESDAY_MORNING)
    send_sms(WEDNESDAY_MORNING)
    send_sms(WEDNESDAY_MORNING + datetime.timedelta(minutes=5))
    assert SmsDelivery.objects.get().status == SmsStatus.FAILED


@pytest.mark.parametrize(
    "answer",
    [
        (200, {"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "手机号码格式错误"}),
        (200, {"code": "4011", "message": "号码在黑名单中"}),
        (400, {"code": "4011", "message": "号码在黑名单中"}),
    ],
)
def test_a_refusal_is_kept_not_retried_and_shown_to_admins(
    gateway, opted_in, due_wednesday, platform_admin, answer
):
    gateway.answers = [answer]
    run_reminders(WEDNESDAY_MORNING)
    assert send_sms(WEDNESDAY_MORNING) == 0
    delivery = SmsDelivery.objects.get()
    assert delivery.status == SmsStatus.REFUSED
    reason = answer[1]["message"]
    assert reason in delivery.last_error
    assert answer[1]["code"] in delivery.last_error
    assert send_sms(WEDNESDAY_MORNING + datetime.timedelta(hours=3)) == 0
    assert len(gateway.requests) == 1
    url = reverse("admin:notifications_smsdelivery_changelist") + "?status__exact=refused"
    page = logged_in(platform_admin).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for shown in ("短信发送记录", "被拒收", "短信平台拒绝发送", reason, "李娜", MOBILE):
        assert shown in page
    assert not latin_words(page) and not raw_values(page)
    home = logged_in(platform_admin).get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    home_page = home.content.decode()
    for shown in ("未送达的短信", "被拒收", "今日到期提醒", reason, "李娜"):
        assert shown in home_page


def test_an_admin_sends_a_refused_message_again(gateway, opted_in, due_wednesday, platform_admin):
    gateway.answers = [(200, {"code": "4011", "message": "号码在黑名单中"})]
    run_reminders(WEDNESDAY_MORNING)
    send_sms(WEDNESDAY_MORNING)
    delivery = SmsDelivery.objects.get()
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        response = logged_in(platform_admin).post(
            reverse("admin:notifications_smsdelivery_changelist"),
            {"action": "send_again", "_selected_action": [delivery.pk]},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 302
    assert send_sms(WEDNESDAY_MORNING) == 1
    delivery.refresh_from_db()
    assert delivery.status == SmsStatus.SENT


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        ("2026-11-25T10:00", "2026-11-25T10:00"),  # in office hours: at once
        ("2026-11-25T07:00", "2026-11-25T08:30"),  # before opening: today's opening
        ("2026-11-25T17:35", "2026-11-26T08:30"),  # after closing: tomorrow's
        ("2026-11-27T19:00", "2026-11-30T08:30"),  # Friday evening: Monday's
        ("2026-11-28T12:00", "2026-11-30T08:30"),  # Saturday
        ("2026-09-30T18:00", "2026-10-08T08:30"),  # before the National Day holidays
    ],
)
def test_a_message_waits_for_the_next_office_hours(moment, opening):
    assert office_hours_next(at(moment)) == at(opening)


def test_an_auto_claim_notice_recorded_at_night_goes_out_next_morning(
    opted_in, due_wednesday, supervision_department
):
    head = StaffFactory(
        department=supervision_department, role=StaffRole.HEAD, mobile="13900000000"
    ).user
    head.membership.sms_reminders = True
    head.membership.save()
    evening = at("2026-11-25T17:35")
    assert pushes_auto_claim_overdue(now=evening) == 1
    rows = SmsDelivery.objects.filter(kind=SmsKind.AUTO_CLAIMED)
    assert {row.recipient for row in rows} == {opted_in, head}
    assert {row.next_attempt_at for row in rows} == {at("2026-11-26T08:30")}
    assert rows[0].params == {"department": "测试市场监督管理局", "count": "1", "date": "11月25日"}
    assert send_sms(evening) == 0
    assert send_sms(at("2026-11-26T07:59")) == 0
    assert backends.outbox == []
    assert send_sms(at("2026-11-26T08:30")) == 2
    assert sorted(message.phone for message in backends.outbox) == [MOBILE, "13900000000"]
    assert {message.template_id for message in backends.outbox} == {"SMS_100002"}


def test_at_most_one_message_per_person_per_subject(
    opted_in, approval_department, supervision_department
):
    send(approval_department, supervision_department, "2026-11-24T10:00")
    send(approval_department, supervision_department, "2026-11-24T11:00")
    for minute in ("09:00", "09:05", "15:30"):
        run_reminders(at(f"2026-11-25T{minute}"))
    [delivery] = SmsDelivery.objects.filter(kind=SmsKind.DEADLINE_TODAY)
    assert delivery.params["count"] == "2"
    # Two auto-claim sweeps on one day: one notice.
    pushes_auto_claim_overdue(now=at("2026-11-25T17:35"), only_ids=[])
    send(approval_department, supervision_department, "2026-11-25T09:00")
    pushes_auto_claim_overdue(now=at("2026-11-25T17:31"))
    send(approval_department, supervision_department, "2026-11-24T16:00")
    pushes_auto_claim_overdue(now=at("2026-11-25T17:40"))
    assert SmsDelivery.objects.filter(kind=SmsKind.AUTO_CLAIMED).count() == 1
    # The next day is another subject.
    send(approval_department, supervision_department, "2026-11-25T10:00")
    run_reminders(at("2026-11-26T09:00"))
    assert SmsDelivery.objects.filter(kind=SmsKind.DEADLINE_TODAY).count() == 2


def test_no_message_outside_office_hours_is_recorded_by_the_reminders(opted_in, due_wednesday):
    run_reminders(at("2026-11-25T07:00"))
    assert not SmsDelivery.objects.exists()


@pytest.mark.parametrize(
    ("wants_sms", "mobile", "active"),
    [(False, MOBILE, True), (True, "", True), (True, MOBILE, False)],
    ids=["preference off", "no mobile number", "account disabled"],
)
def test_no_message_without_the_preference_a_number_or_an_active_account(
    supervision_department, due_wednesday, wants_sms, mobile, active
):
    StaffFactory(
        department=supervision_department,
        mobile=mobile,
        sms_reminders=wants_sms,
        user__is_active=active,
    )
    run_reminders(WEDNESDAY_MORNING)
    pushes_auto_claim_overdue(now=at("2026-11-25T17:35"))
    assert not SmsDelivery.objects.exists()


def test_another_departments_deadline_sends_nothing(opted_in, approval_department):
    other = StaffFactory(mobile="13700000000", sms_reminders=True).user
    send(approval_department, other.membership.department, SENT)
    run_reminders(WEDNESDAY_MORNING)
    assert list(SmsDelivery.objects.values_list("recipient", flat=True)) == [other.pk]


# The preference on the person's own page --------------------------------------------------


def test_a_person_turns_sms_reminders_on_with_their_mobile_number(opted_in):
    client = logged_in(opted_in)
    url = reverse("notifications:preferences")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "手机号码" in page and MOBILE in page
    response = client.post(url, {"sms": "on", "mobile": "15900001111"})
    assert response.status_code == 302
    opted_in.membership.refresh_from_db()
    assert (opted_in.membership.mobile, opted_in.membership.sms_reminders) == ("15900001111", True)
    client.post(url, {"mobile": "15900001111"})
    opted_in.membership.refresh_from_db()
    assert opted_in.membership.sms_reminders is False


@pytest.mark.parametrize(
    ("mobile", "error"),
    [
        ("", "开启短信提醒须填写手机号码。"),
        ("12345678901", "手机号码格式不正确"),
        ("1381234567", "手机号码格式不正确"),
        ("138123456789", "手机号码格式不正确"),
        ("１３８１２３４５６７８", "手机号码格式不正确"),
    ],
)
def test_a_bad_mobile_number_gets_a_chinese_error(supervision_clerk, mobile, error):
    response = logged_in(supervision_clerk).post(
        reverse("notifications:preferences"),
        {"sms": "on", "mobile": mobile},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page and "手机号码" in page
    supervision_clerk.membership.refresh_from_db()
    assert supervision_clerk.membership.sms_reminders is False


# Backends for development --------------------------------------------------------------


MESSAGE = SmsMessage(phone=MOBILE, template_id="SMS_100001", params={"count": "2"})


def test_the_console_backend_prints_the_message():
    stream = io.StringIO()
    ConsoleBackend(stream=stream).send(MESSAGE)
    assert MOBILE in stream.getvalue() and '"count": "2"' in stream.getvalue()


def test_the_file_backend_writes_one_json_line_per_message(tmp_path):
    backend = FileBackend(path=tmp_path / "sms")
    backend.send(MESSAGE)
    backend.send(MESSAGE)
    [log] = (tmp_path / "sms").iterdir()
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [line["phone"] for line in lines] == [MOBILE, MOBILE]
    assert lines[0]["params"] == {"count": "2"}


def test_the_http_backend_tells_a_refusal_from_a_temporary_failure(gateway):
    backend = HttpGatewayBackend()
    gateway.answers = [(429, {}), (403, {"message": "签名错误"})]
    with pytest.raises(SmsTemporaryError):
        backend.send(MESSAGE)
    with pytest.raises(SmsRefused, match="签名错误"):
        backend.send(MESSAGE)
    assert backend.send(MESSAGE) == "msg-1"


def test_the_check_names_the_empty_gateway_settings(settings):
    settings.SMS_BACKEND = "notifications.sms.backends.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = ""
    [warning] = check_sms_settings()
    assert "SMS_GATEWAY_URL" in warning.msg and "SMS_GATEWAY_SECRET" not in warning.msg
    settings.SMS_BACKEND = LOCMEM
    assert check_sms_settings() == []
    settings.SMS_BACKEND = "notifications.sms.backends.Missing"
    assert [message.id for message in check_sms_settings()] == ["notifications.E101"]

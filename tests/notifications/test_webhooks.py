import datetime
import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    Push,
    WebhookEndpoint,
)
from notifications.webhooks import (
    LEASE,
    _claim_batch,
    webhook_register,
    webhook_secret_rotate,
    webhooks_send_pending,
)
from tests.clients import sign_in
from tests.helpers import at, local_http_server

pytestmark = pytest.mark.django_db

DECIDED = at("2026-11-25T10:00")


class Receiver:
    """A partner system's webhook endpoint on 127.0.0.1 that records what it gets."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.fail_next = 0
        self.fail_status = 500
        self.url = ""

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"path": self.path, "headers": self.headers, "body": body})
            if state.fail_next:
                state.fail_next -= 1
                self.send_response(state.fail_status)
                if state.fail_status in (301, 302, 303, 307, 308):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            else:
                self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with local_http_server(Handler) as port:
        state.url = f"http://127.0.0.1:{port}/hooks/linzi"
        yield state


@pytest.fixture
def endpoint(supervision_department, receiver):
    endpoint, secret = webhook_register(department=supervision_department, url=receiver.url)
    endpoint.plain_secret = secret
    return endpoint


@pytest.fixture
def delivered(decide, endpoint) -> Delivery:
    """A decision pushed to the department with the endpoint; its webhook outbox row."""
    with time_machine.travel(DECIDED, tick=False):
        decide()
    return Delivery.objects.get(channel=DeliveryChannel.WEBHOOK)


def queued_tasks(callbacks: list[Any]) -> list[str]:
    """Names of the Celery tasks whose .delay the callbacks are."""
    return [getattr(getattr(c, "__self__", None), "name", "") for c in callbacks]


def send_at(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return webhooks_send_pending()


def test_a_decisions_fan_out_writes_the_webhook_outbox_row(
    decide, endpoint, supervision_department, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(DECIDED, tick=False),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        decide()
    row = Delivery.objects.get(channel=DeliveryChannel.WEBHOOK)
    push = Push.objects.get(receiver=supervision_department)
    assert row.push == push and row.department == supervision_department
    assert row.address == endpoint.url
    assert row.subject == "approval_decision"
    assert row.status == DeliveryStatus.PENDING and row.next_attempt_at == DECIDED
    body = json.loads(row.body)
    assert set(body) == {
        "id",
        "kind",
        "sender",
        "receiver",
        "sent_at",
        "deadline",
        "title",
        "payload",
    }
    assert body["id"] == push.pk
    assert body["kind"] == "approval_decision"
    assert body["sender"] == push.sender.code and body["receiver"] == "scjg-test"
    assert body["sent_at"] == "2026-11-25T10:00:00+08:00"
    assert body["deadline"] == "2026-11-26T17:30:00+08:00"
    assert body["title"] == push.title
    assert body["payload"] == push.payload
    # The other responsible department has no endpoint: no webhook for it.
    assert Delivery.objects.filter(channel=DeliveryChannel.WEBHOOK).count() == 1
    assert queued_tasks(callbacks).count("notifications.send_pending_webhooks") == 1


def test_a_rolled_back_decision_leaves_no_webhook_row(decide, endpoint):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        decide()
        assert Delivery.objects.filter(channel=DeliveryChannel.WEBHOOK).count() == 1
        raise Abort
    assert not Push.objects.exists()
    assert not Delivery.objects.filter(channel=DeliveryChannel.WEBHOOK).exists()


def test_an_inactive_endpoint_gets_no_webhook(decide, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    decide()
    assert not Delivery.objects.filter(channel=DeliveryChannel.WEBHOOK).exists()


def test_the_push_is_posted_as_json_signed_with_the_department_secret(
    delivered, endpoint, receiver
):
    assert send_at(DECIDED) == 1
    [request] = receiver.requests
    headers, raw = request["headers"], request["body"]
    assert request["path"] == "/hooks/linzi"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Linzi-Event"] == "push.created"
    assert headers["X-Linzi-Delivery"] == str(delivered.pk)
    # Signed over the attempt's timestamp and the body (see tests/security for SM3).
    assert headers["X-Linzi-Timestamp"] == str(int(DECIDED.timestamp()))
    signed = headers["X-Linzi-Timestamp"].encode() + b"." + raw
    expected = hmac.new(endpoint.plain_secret.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Linzi-Signature"] == f"sha256={expected}"
    assert raw == delivered.body.encode()
    assert json.loads(raw)["id"] == delivered.push_id
    delivered.refresh_from_db()
    assert delivered.status == DeliveryStatus.SENT and delivered.sent_at == DECIDED
    assert delivered.attempts == 1
    [attempt] = DeliveryAttempt.objects.filter(delivery=delivered)
    assert attempt.status_code == 204 and attempt.error == "" and attempt.at == DECIDED
    assert attempt.url == receiver.url
    assert send_at(DECIDED + datetime.timedelta(hours=1)) == 0
    assert len(receiver.requests) == 1


def test_the_secret_is_long_random_and_rotation_signs_with_the_new_one(
    delivered, endpoint, receiver
):
    assert len(endpoint.plain_secret) >= 43  # 32 bytes, URL-safe base64
    new_secret = webhook_secret_rotate(endpoint=endpoint)
    assert new_secret != endpoint.plain_secret
    send_at(DECIDED)
    headers, raw = receiver.requests[0]["headers"], receiver.requests[0]["body"]
    signed = headers["X-Linzi-Timestamp"].encode() + b"." + raw
    expected = hmac.new(new_secret.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Linzi-Signature"] == f"sha256={expected}"


def test_a_failing_receiver_is_retried_with_exponential_backoff(delivered, receiver):
    receiver.fail_next = 3
    assert send_at(DECIDED) == 0
    delivered.refresh_from_db()
    assert delivered.status == DeliveryStatus.PENDING
    assert delivered.attempts == 1 and "500" in delivered.last_error
    assert delivered.next_attempt_at == DECIDED + datetime.timedelta(minutes=1)

    assert send_at(DECIDED + datetime.timedelta(seconds=59)) == 0
    assert len(receiver.requests) == 1  # not due yet

    minutes = [1, 3, 7]  # waits of 1, 2 and 4 minutes
    for n in minutes[:2]:
        assert send_at(DECIDED + datetime.timedelta(minutes=n)) == 0
    delivered.refresh_from_db()
    assert delivered.next_attempt_at == DECIDED + datetime.timedelta(minutes=7)
    assert send_at(DECIDED + datetime.timedelta(minutes=7)) == 1

    delivered.refresh_from_db()
    assert delivered.status == DeliveryStatus.SENT and delivered.attempts == 4
    log = list(DeliveryAttempt.objects.filter(delivery=delivered).order_by("at"))
    assert [a.status_code for a in log] == [500, 500, 500, 204]
    assert [a.at for a in log] == [DECIDED + datetime.timedelta(minutes=m) for m in (0, 1, 3, 7)]
    assert all("HTTP 500" in a.error for a in log[:3]) and log[3].error == ""
    assert len(receiver.requests) == 4
    assert len({r["body"] for r in receiver.requests}) == 1  # identical bytes every time


def test_after_24_hours_of_failures_the_delivery_fails_and_the_department_is_told(
    delivered, receiver, receiver_clerk
):
    receiver.fail_next = 10_000
    notices_before = set(Notification.objects.values_list("pk", flat=True))
    moments = []
    while delivered.status == DeliveryStatus.PENDING:
        moments.append(delivered.next_attempt_at)
        send_at(delivered.next_attempt_at)
        delivered.refresh_from_db()
        assert len(moments) < 50

    assert delivered.status == DeliveryStatus.FAILED
    assert moments[0] == DECIDED
    assert moments[-1] == DECIDED + datetime.timedelta(hours=24)
    gaps = [later - earlier for earlier, later in itertools.pairwise(moments)]
    assert gaps[:4] == [datetime.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(gaps) == datetime.timedelta(hours=6)
    # Retried for the whole 24 hours, the gaps growing up to the cap.
    assert all(gap > datetime.timedelta(0) for gap in gaps)
    assert DeliveryAttempt.objects.filter(delivery=delivered).count() == len(moments)
    assert delivered.attempts == len(moments) == len(receiver.requests)

    [notice] = Notification.objects.exclude(pk__in=notices_before)
    assert notice.user == receiver_clerk
    assert notice.url == reverse("notifications:push-detail", args=[delivered.push_id])
    assert delivered.push.title in notice.title
    assert receiver.url in notice.body and "HTTP 500" in notice.body
    # Nothing more is sent, and the notice is not repeated.
    assert send_at(DECIDED + datetime.timedelta(days=3)) == 0
    assert Notification.objects.exclude(pk__in=notices_before).count() == 1


def test_a_redirect_is_a_failure_not_followed(delivered, receiver):
    receiver.fail_next, receiver.fail_status = 1, 302
    assert send_at(DECIDED) == 0
    attempt = DeliveryAttempt.objects.get(delivery=delivered)
    assert attempt.status_code == 302 and "HTTP 302" in attempt.error
    assert len(receiver.requests) == 1


def test_an_unreachable_receiver_is_logged_and_retried(delivered, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:9/closed")
    assert send_at(DECIDED) == 0
    attempt = DeliveryAttempt.objects.get(delivery=delivered)
    assert attempt.status_code is None and attempt.error
    delivered.refresh_from_db()
    assert delivered.status == DeliveryStatus.PENDING and delivered.attempts == 1


def test_a_deactivated_endpoint_fails_the_delivery_without_a_request(delivered, endpoint, receiver):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    assert send_at(DECIDED) == 0
    delivered.refresh_from_db()
    assert delivered.status == DeliveryStatus.FAILED
    assert receiver.requests == []
    assert DeliveryAttempt.objects.filter(delivery=delivered).count() == 1


def test_a_leased_row_is_not_sent_by_a_second_run(delivered, receiver):
    ids, lease_until = _claim_batch(due_by=DECIDED, now=DECIDED)
    assert ids == [delivered.pk] and lease_until == DECIDED + LEASE
    assert send_at(DECIDED + datetime.timedelta(minutes=5)) == 0
    assert receiver.requests == []
    # A lease that ran out (a worker died mid-batch) is taken over: at-least-once.
    assert send_at(DECIDED + LEASE) == 1


def redeliver(admin_user, delivery: Delivery) -> None:
    client = Client()
    sign_in(client, admin_user)
    response = client.post(
        reverse("admin:notifications_delivery_changelist"),
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302


def test_a_redelivered_push_arrives_again_with_the_same_push_id(
    delivered, receiver, platform_admin, django_capture_on_commit_callbacks
):
    assert send_at(DECIDED) == 1
    later = DECIDED + datetime.timedelta(days=2)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks() as queued:
        redeliver(platform_admin, delivered)
    assert "notifications.send_pending_webhooks" in queued_tasks(queued)
    assert send_at(later) == 1

    first, second = receiver.requests
    assert second["body"] == first["body"]
    assert receiver.bodies[0]["id"] == receiver.bodies[1]["id"] == delivered.push_id
    assert second["headers"]["X-Linzi-Delivery"] == str(delivered.pk)
    delivered.refresh_from_db()
    assert delivered.status == DeliveryStatus.SENT
    assert DeliveryAttempt.objects.filter(delivery=delivered).count() == 2


def test_redelivering_a_failed_webhook_starts_a_new_24_hour_round(
    delivered, receiver, platform_admin
):
    receiver.fail_next = 10_000
    while delivered.status == DeliveryStatus.PENDING:
        send_at(delivered.next_attempt_at)
        delivered.refresh_from_db()
    assert delivered.status == DeliveryStatus.FAILED

    later = DECIDED + datetime.timedelta(days=5)
    with time_machine.travel(later, tick=False):
        redeliver(platform_admin, delivered)
    assert send_at(later) == 0
    delivered.refresh_from_db()
    assert delivered.status == DeliveryStatus.PENDING  # a fresh round, not failed at once
    assert delivered.attempts == 1 and delivered.first_attempt_at == later
    assert delivered.next_attempt_at == later + datetime.timedelta(minutes=1)
    receiver.fail_next = 0
    assert send_at(delivered.next_attempt_at) == 1


def test_the_delivery_admin_shows_every_attempt(delivered, receiver, platform_admin):
    receiver.fail_next = 1
    send_at(DECIDED)
    send_at(DECIDED + datetime.timedelta(minutes=1))
    client = Client()
    sign_in(client, platform_admin)
    response = client.get(reverse("admin:notifications_delivery_change", args=[delivered.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "HTTP 500" in content and "204" in content


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    "url", ["http://partner.example.gov.cn/hooks", "ftp://partner.example.gov.cn/", "nope"]
)
def test_plain_http_to_another_host_is_refused_in_production(supervision_department, url):
    with pytest.raises(ValidationError) as error:
        webhook_register(department=supervision_department, url=url)
    assert "url" in error.value.message_dict
    assert not WebhookEndpoint.objects.exists()


@override_settings(DEBUG=False)
def test_https_and_the_local_host_are_accepted_in_production(supervision_department):
    endpoint, _secret = webhook_register(
        department=supervision_department, url="https://partner.example.gov.cn/hooks"
    )
    assert endpoint.url == "https://partner.example.gov.cn/hooks"
    local, _secret = webhook_register(
        department=supervision_department, url="http://127.0.0.1:8080/hooks"
    )
    assert local.pk == endpoint.pk  # one endpoint per department, replaced


@override_settings(DEBUG=True)
def test_plain_http_is_allowed_while_debugging(supervision_department):
    endpoint, _secret = webhook_register(
        department=supervision_department, url="http://partner.test/hooks"
    )
    assert endpoint.url == "http://partner.test/hooks"


def test_the_admin_shows_a_new_secret_once_and_rotates_it(platform_admin, supervision_department):
    client = Client()
    sign_in(client, platform_admin)
    response = client.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {"department": supervision_department.pk, "url": "https://partner.example.gov.cn/h"},
        follow=True,
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    page = client.get(reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]))
    assert page.status_code == 200 and endpoint.secret not in page.content.decode()

    response = client.post(
        reverse("admin:notifications_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    old = endpoint.secret
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.content.decode()


@override_settings(DEBUG=False)
def test_the_admin_refuses_plain_http_to_another_host(platform_admin, supervision_department):
    client = Client()
    sign_in(client, platform_admin)
    response = client.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {"department": supervision_department.pk, "url": "http://partner.example.gov.cn/h"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not WebhookEndpoint.objects.exists()


def test_changing_the_url_in_admin_keeps_the_secret(platform_admin, endpoint):
    client = Client()
    sign_in(client, platform_admin)
    response = client.post(
        reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]),
        {"url": "https://partner.example.gov.cn/new", "active": ""},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url == "https://partner.example.gov.cn/new" and not endpoint.active
    assert endpoint.secret == endpoint.plain_secret


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_post_each_delivery_exactly_once(
    require_postgres, supervision_department, receiver
):
    webhook_register(department=supervision_department, url=receiver.url)
    now = timezone.now()
    rows = Delivery.objects.bulk_create(
        Delivery(
            channel=DeliveryChannel.WEBHOOK,
            department=supervision_department,
            address=receiver.url,
            subject="approval_decision",
            body=json.dumps({"id": n}),
            next_attempt_at=now,
            created_at=now,
        )
        for n in range(70)
    )
    sent: list[int] = []

    def run() -> None:
        try:
            sent.append(webhooks_send_pending())
        finally:
            connection.close()

    barrier = threading.Barrier(3)

    def together() -> None:
        barrier.wait()
        run()

    threads = [threading.Thread(target=together) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    delivered_ids = sorted(int(r["headers"]["X-Linzi-Delivery"]) for r in receiver.requests)
    assert delivered_ids == sorted(row.pk for row in rows)  # each once, none twice
    assert sum(sent) == 70
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    assert DeliveryAttempt.objects.count() == 70

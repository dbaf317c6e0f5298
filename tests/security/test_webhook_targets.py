"""Webhook targets (no SSRF) and signatures (GB/T 22239-2019 8.1.4.4, 密评 SM3).

Production refuses loopback targets; the suite allows them (WEBHOOK_ALLOW_LOOPBACK in
pyproject's pytest env) for the receivers of tests/notifications, so every test here switches
it off again unless it says otherwise."""

import datetime
import json
import socket
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    WebhookEndpoint,
)
from notifications.webhooks import webhook_register, webhooks_send_pending
from tests.clients import sign_in
from tests.helpers import at
from tests.security.helpers import load_push_client, local_receiver, resolver

pytestmark = pytest.mark.django_db

DECIDED = at("2026-11-25T10:00")
PUBLIC = "93.184.215.14"  # a public address (no connection is made to it)


@pytest.fixture(autouse=True)
def production_targets(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    settings.WEBHOOK_ALLOWED_PRIVATE_CIDRS = []
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        resolver(
            {
                "partner.example.gov.cn": [[PUBLIC]],
                "meta.partner.example.gov.cn": [["169.254.169.254"]],
                "mixed.partner.example.gov.cn": [[PUBLIC, "127.0.0.1"]],
                "intranet.partner.example.gov.cn": [["10.20.1.5"]],
            }
        ),
    )


def _refusal(url: str, supervision_department: Any) -> str:
    with pytest.raises(ValidationError) as error:
        webhook_register(department=supervision_department, url=url)
    [message] = error.value.message_dict["url"]
    return message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hooks", "127.0.0.1 指向本服务器自身（回环地址）"),
        ("http://127.0.0.1:8080/hooks", "127.0.0.1 指向本服务器自身（回环地址）"),
        ("https://127.1.2.3/hooks", "127.1.2.3 指向本服务器自身"),
        ("https://[::1]/hooks", "::1 指向本服务器自身"),
        ("https://[::ffff:127.0.0.1]/hooks", "127.0.0.1 指向本服务器自身"),
        ("https://localhost/hooks", "localhost 指向本服务器自身"),
        ("https://api.localhost/hooks", "api.localhost 指向本服务器自身"),
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254 是云平台元数据服务地址"),
        ("https://100.100.100.200/latest/", "100.100.100.200 是云平台元数据服务地址"),
        ("https://169.254.10.1/hooks", "169.254.10.1 是链路本地地址"),
        ("https://[fe80::1]/hooks", "fe80::1 是链路本地地址"),
        ("https://metadata.google.internal/computeMetadata/", "是云平台元数据服务"),
        ("https://meta.partner.example.gov.cn/hooks", "169.254.169.254 是云平台元数据服务地址"),
        ("https://mixed.partner.example.gov.cn/hooks", "127.0.0.1 指向本服务器自身"),
        ("https://0.0.0.0/hooks", "0.0.0.0 不是平台可以推送的地址"),
        ("https://10.1.2.3/hooks", "10.1.2.3 是内网地址，但不在平台允许推送的内网地址段内"),
        ("https://192.168.1.10/hooks", "192.168.1.10 是内网地址"),
        ("https://intranet.partner.example.gov.cn/hooks", "10.20.1.5 是内网地址"),
    ],
)
def test_registration_refuses_internal_targets_naming_the_field(
    url: str, reason: str, supervision_department: Any
) -> None:
    message = _refusal(url, supervision_department)
    assert not WebhookEndpoint.objects.exists()
    assert message.startswith("平台不向该回调地址推送：") and reason in message


def test_private_ranges_are_allowed_only_when_listed(
    settings: Any, supervision_department: Any
) -> None:
    settings.WEBHOOK_ALLOWED_PRIVATE_CIDRS = ["10.20.0.0/16", "192.168.1.0/24"]
    for url in (
        "https://intranet.partner.example.gov.cn/hooks",
        "https://10.20.9.9/hooks",
        "https://192.168.1.10/hooks",
    ):
        endpoint, _secret = webhook_register(department=supervision_department, url=url)
        assert endpoint.url == url
    assert "10.1.2.3 是内网地址" in _refusal("https://10.1.2.3/hooks", supervision_department)


def test_listing_a_range_never_opens_loopback_or_link_local(
    settings: Any, supervision_department: Any
) -> None:
    settings.WEBHOOK_ALLOWED_PRIVATE_CIDRS = ["127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/0"]
    for url in ("https://127.0.0.1/hooks", "https://169.254.169.254/", "https://169.254.9.9/"):
        _refusal(url, supervision_department)


def test_public_targets_and_names_that_do_not_resolve_yet_are_accepted(
    supervision_department: Any,
) -> None:
    endpoint, _secret = webhook_register(
        department=supervision_department, url="https://partner.example.gov.cn/hooks"
    )
    assert endpoint.url == "https://partner.example.gov.cn/hooks"
    # Checked again when sending (below); the partner's DNS entry may come later.
    endpoint, _secret = webhook_register(
        department=supervision_department, url="https://not-yet.example.gov.cn/hooks"
    )
    assert endpoint.url == "https://not-yet.example.gov.cn/hooks"


def test_the_admin_form_shows_the_refusal_in_chinese_on_the_url_field(
    platform_admin: Any, supervision_department: Any
) -> None:
    client = Client()
    sign_in(client, platform_admin)
    response = client.post(
        reverse("admin:notifications_webhookendpoint_add"),
        {"department": supervision_department.pk, "url": "https://169.254.169.254/latest/"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["url"]
    assert "169.254.169.254 是云平台元数据服务地址" in errors["url"][0]
    assert not WebhookEndpoint.objects.exists()


@pytest.fixture
def delivery(decide: Any, supervision_department: Any) -> Delivery:
    """A push waiting to be POSTed to partner.example.gov.cn (public at registration)."""
    webhook_register(department=supervision_department, url="https://partner.example.gov.cn/h")
    with time_machine.travel(DECIDED, tick=False):
        decide()
    return Delivery.objects.get(channel=DeliveryChannel.WEBHOOK)


def test_sending_checks_the_address_again_after_resolving(
    delivery: Delivery, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name now resolves to loopback (DNS rebinding): refused, no connection opened."""
    monkeypatch.setattr(
        socket, "getaddrinfo", resolver({"partner.example.gov.cn": [["127.0.0.1"]]})
    )
    connections: list[Any] = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connections.append(a))
    with time_machine.travel(DECIDED, tick=False):
        assert webhooks_send_pending() == 0
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.error.startswith("refused:") and "127.0.0.1" in attempt.error
    assert connections == []


def test_the_connection_goes_to_the_checked_address_with_the_host_named(
    settings: Any, decide: Any, supervision_department: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name resolves to the receiver once, then elsewhere: the POST still reaches the
    address that was checked (no second lookup between check and connect)."""
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.DEBUG = True  # plain http to a name (the receiver speaks no TLS)
    with local_receiver() as receiver:
        url = f"http://hooks.partner.test:{receiver.port}/linzi?x=1"
        webhook_register(department=supervision_department, url=url)
        monkeypatch.setattr(
            socket,
            "getaddrinfo",
            resolver({"hooks.partner.test": [["127.0.0.1"], ["10.255.255.1"]]}),
        )
        with time_machine.travel(DECIDED, tick=False):
            decide()
            assert webhooks_send_pending() == 1
    [request] = receiver.requests
    assert request["path"] == "/linzi?x=1"
    assert request["headers"]["Host"] == f"hooks.partner.test:{receiver.port}"


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_each_delivery_is_signed_over_its_timestamp_and_body(
    settings: Any, decide: Any, supervision_department: Any, algorithm: str
) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.CRYPTO_HASH = algorithm
    push_client = load_push_client()
    with local_receiver() as receiver:
        _endpoint, secret = webhook_register(
            department=supervision_department, url=f"http://127.0.0.1:{receiver.port}/h"
        )
        with time_machine.travel(DECIDED, tick=False):
            decide()
            assert webhooks_send_pending() == 1
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    stamp = headers["X-Linzi-Timestamp"]
    assert stamp == str(int(DECIDED.timestamp()))
    assert headers["X-Linzi-Signature"].startswith(f"{algorithm}=")
    now = DECIDED.timestamp()
    signature = headers["X-Linzi-Signature"]
    assert push_client.verify_signature(body, signature, secret, stamp, now=now)
    # Replayed six minutes later: refused by the receiver.
    assert not push_client.verify_signature(body, signature, secret, stamp, now=now + 360)
    # The timestamp is covered by the signature: a fresher one does not verify.
    assert not push_client.verify_signature(body, signature, secret, str(int(now) + 60), now=now)
    assert json.loads(body)["id"]


def test_a_retry_is_signed_with_a_fresh_timestamp(
    settings: Any, decide: Any, supervision_department: Any
) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    push_client = load_push_client()
    with local_receiver() as receiver:
        url = f"http://127.0.0.1:{receiver.port}/h"
        _endpoint, secret = webhook_register(department=supervision_department, url=url)
        with time_machine.travel(DECIDED, tick=False):
            decide()
        Delivery.objects.update(next_attempt_at=DECIDED)
        for minutes in (0, 30):
            with time_machine.travel(DECIDED + datetime.timedelta(minutes=minutes), tick=False):
                webhooks_send_pending()
                Delivery.objects.update(status=DeliveryStatus.PENDING, next_attempt_at=DECIDED)
    stamps = [int(r["headers"]["X-Linzi-Timestamp"]) for r in receiver.requests]
    assert stamps == [int(DECIDED.timestamp()), int(DECIDED.timestamp()) + 1800]
    last = receiver.requests[-1]
    assert push_client.verify_signature(
        last["body"],
        last["headers"]["X-Linzi-Signature"],
        secret,
        last["headers"]["X-Linzi-Timestamp"],
        now=stamps[-1] + 10,
    )

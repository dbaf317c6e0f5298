"""Outbound webhooks: each new push is POSTed to the receiving department's system.

Contract (shared/API.md, "Outbound webhooks"):

- The body is the push as it was delivered, JSON in UTF-8:
  `{"id", "kind", "sender", "receiver", "sent_at", "deadline", "title", "payload"}` with times
  in ISO 8601 at +08:00. It is computed once, in the transaction that creates the push, and
  stored on the `Delivery` row, so every retry and every redelivery sends identical bytes.
- Headers: `Content-Type: application/json`, `X-Linzi-Event: push.created`,
  `X-Linzi-Delivery: <delivery id>`, `X-Linzi-Timestamp: <Unix seconds of this attempt>` and
  `X-Linzi-Signature: <algorithm>=<hex>`, the HMAC of `f"{timestamp}.".encode() + body`
  with the department's secret; the algorithm is `sha256` or `sm3` (settings.CRYPTO_HASH,
  `linzi_platform.crypto`). Receivers verify it over the bytes they received, before
  parsing, and refuse a timestamp more than 5 minutes old, so a captured request cannot be
  replayed later (see `examples/push_client.py`, `verify_signature`).
- The callback URL may not point to this server, link-local or cloud-metadata addresses, or
  private networks outside WEBHOOK_ALLOWED_PRIVATE_CIDRS; it is checked at registration and
  again before every attempt, and the connection goes to the address checked
  (`webhook_targets`).
- Any 2xx answer is success. Anything else (another status, a redirect, a timeout, a refused
  connection) is retried with exponential backoff — 1, 2, 4 … minutes, at most 6 hours
  apart — until 24 hours have passed since the first attempt; then the delivery is failed
  and the department's staff get an in-app notice. Every attempt is logged
  (`DeliveryAttempt`) and an administrator can deliver again from admin.

**Delivery is at-least-once.** A receiver may get the same push more than once: a retry
after an answer that was lost, a worker that died after the POST, a redelivery from admin.
The push id (`id` in the body) is the receiver's deduplication key; `X-Linzi-Delivery`
names the outbox row, not the push, and is the same for retries of that row.
"""

import datetime
import http.client
import json
import logging
import secrets
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from linzi_platform.crypto import hash_algorithm, mac
from organizations.models import Department

from .models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    Push,
    WebhookEndpoint,
)
from .services import department_notify, for_update_skip_locked
from .webhook_targets import Target, TargetRefused, target_check

logger = logging.getLogger(__name__)

EVENT_PUSH_CREATED = "push.created"
SIGNATURE_HEADER = "X-Linzi-Signature"
TIMESTAMP_HEADER = "X-Linzi-Timestamp"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SECRET_BYTES = 32

RETRY_WINDOW = datetime.timedelta(hours=24)
MAX_BACKOFF = datetime.timedelta(hours=6)
# A claimed batch is leased, not locked, while it is POSTed: no row lock is held during
# the HTTP calls. The batch is small enough to be sent well within the lease even if every
# receiver times out (20 × 10 s), so no other worker takes a row that is still in flight.
LEASE = datetime.timedelta(minutes=10)
WEBHOOK_BATCH_SIZE = 20
RESPONSE_EXCERPT = 200


# Registration -------------------------------------------------------------------------


def webhook_url_check(url: str) -> str:
    """The cleaned URL, or a ValidationError on `url`: https only, except plain http to this
    machine (127.0.0.1, localhost) or anywhere while settings.DEBUG is on; and never to an
    address `webhook_targets` refuses (a name that does not resolve yet is checked when
    sending)."""
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": [_("Enter a valid http:// or https:// URL.")]}) from None
    parts = urlsplit(url)
    if len(url) > 300:
        raise ValidationError({"url": [_("The URL is too long (300 characters at most).")]})
    if parts.username or parts.password:
        raise ValidationError({"url": [_("The URL must not contain a user name or password.")]})
    if parts.scheme == "http" and not settings.DEBUG and parts.hostname not in LOCAL_HOSTS:
        raise ValidationError(
            {"url": [_("The callback URL must use https:// (http:// only for 127.0.0.1).")]}
        )
    try:
        target_check(url, unresolved_ok=True)
    except TargetRefused as exc:
        raise ValidationError(
            {
                "url": [
                    _("The platform does not call this callback URL: %(reason)s") % {"reason": exc}
                ]
            }
        ) from None
    return url


def webhook_register(
    *, department: Department, url: str, actor: object | None = None
) -> tuple[WebhookEndpoint, str]:
    """Register (or replace) the department's callback URL with a new secret, active.

    Returns the endpoint and its secret: show the secret once, it is not displayed again.
    """
    url = webhook_url_check(url)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    now = timezone.now()
    with transaction.atomic():
        endpoint, created = WebhookEndpoint.objects.update_or_create(
            department=department,
            defaults={"url": url, "secret": secret, "active": True},
            create_defaults={"url": url, "secret": secret, "active": True, "created_at": now},
        )
        audit_record(
            actor=actor,
            action="webhook.register",
            obj=endpoint,
            details={"url": url, "created": created},
            department=department,
            at=now,
        )
    return endpoint, secret


def webhook_update(
    *, endpoint: WebhookEndpoint, url: str, active: bool, actor: object | None = None
) -> WebhookEndpoint:
    """Change the URL or switch the endpoint on or off; the secret stays."""
    url = webhook_url_check(url)
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=url, active=active)
        audit_record(
            actor=actor,
            action="webhook.update",
            obj=endpoint,
            details={"url": url, "active": active},
            department=endpoint.department,
        )
    endpoint.refresh_from_db()
    return endpoint


def webhook_secret_rotate(*, endpoint: WebhookEndpoint, actor: object | None = None) -> str:
    """A new secret, effective at once for every later attempt; returns it (shown once)."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret)
        audit_record(
            actor=actor,
            action="webhook.rotate_secret",
            obj=endpoint,
            department=endpoint.department,
        )
    endpoint.secret = secret
    return secret


def webhook_signature(
    body: bytes, secret: str, timestamp: int | str, algorithm: str | None = None
) -> str:
    """The `X-Linzi-Signature` value of a body sent at `timestamp` (Unix seconds):
    `<algorithm>=<hex HMAC of "<timestamp>." + body>`, the configured algorithm by default."""
    algorithm = algorithm or hash_algorithm()
    signed = f"{timestamp}.".encode() + body
    return f"{algorithm}={mac(secret.encode(), signed, algorithm)}"


# Outbox -------------------------------------------------------------------------------


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def webhook_body(push: Push) -> str:
    """The push as delivered, serialized once; what is stored is what is signed and sent."""
    document = {
        "id": push.pk,
        "kind": push.kind,
        "sender": push.sender.code,
        "receiver": push.receiver.code,
        "sent_at": _iso(push.sent_at),
        "deadline": _iso(push.deadline),
        "title": push.title,
        "payload": push.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def webhook_deliveries_record(*, pushes: Sequence[Push], now: datetime.datetime) -> int:
    """Outbox rows for the pushes whose receiver has an active endpoint, in the caller's
    transaction (the one that creates the pushes); the send task runs after commit."""
    endpoints = {
        endpoint.department_id: endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            department_id__in={push.receiver_id for push in pushes}, active=True
        )
    }
    rows = [
        Delivery(
            channel=DeliveryChannel.WEBHOOK,
            push=push,
            department_id=push.receiver_id,
            address=endpoints[push.receiver_id].url,
            subject=push.kind,
            body=webhook_body(push),
            next_attempt_at=now,
            created_at=now,
        )
        for push in pushes
        if push.receiver_id in endpoints
    ]
    if rows:
        Delivery.objects.bulk_create(rows)
        _enqueue_webhooks()
    return len(rows)


def _enqueue_webhooks() -> None:
    from .tasks import send_pending_webhooks

    # One send task per transaction is enough; the task takes every due row. (`shared_task`
    # gives a proxy: compare the bound task by name.)
    if any(
        getattr(getattr(callback, "__self__", None), "name", None) == send_pending_webhooks.name
        for _ids, callback, _robust in connection.run_on_commit
    ):
        return
    # robust: the push is committed; a broker outage only delays the webhook, which the
    # periodic sweep sends later.
    transaction.on_commit(send_pending_webhooks.delay, robust=True)


# Sending ------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address `target_check` allowed, whatever the name resolves to by
    now (no DNS rebinding between the check and the connection); the Host header still
    names the host."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As `_PinnedHTTPConnection`, over TLS: SNI and the certificate check use the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(*, url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST once to the checked address; (status code or None, error text — empty on 2xx).
    A redirect is an answer like any other non-2xx, never followed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None, "refused: not an http(s) URL"
    timeout = getattr(settings, "WEBHOOK_TIMEOUT", 10)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = None
    try:
        target = target_check(url)
        conn = connection_class(target, timeout)
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        status = response.status
        excerpt = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
    except TargetRefused as exc:
        return None, f"refused: {exc}"
    except Exception as exc:  # DNS, timeouts, refused connections, TLS and protocol errors
        return None, f"{type(exc).__name__}: {exc}"[:2000]
    finally:
        if conn is not None:
            conn.close()
    if 200 <= status < 300:
        return status, ""
    return status, f"HTTP {status}: {excerpt}".strip()


def webhook_backoff(attempts: int) -> datetime.timedelta:
    """Wait after the n-th failed attempt of a round: 1, 2, 4 … minutes, at most 6 hours."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claim_batch(
    *, due_by: datetime.datetime, now: datetime.datetime
) -> tuple[list[int], datetime.datetime]:
    """Lease a batch of rows due by `due_by` in one short transaction: lock (skipping rows
    another worker holds), push next_attempt_at past the lease, commit. Returns the ids."""
    lease_until = now + LEASE
    with transaction.atomic():
        due = Delivery.objects.filter(
            channel=DeliveryChannel.WEBHOOK,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=due_by,
        ).order_by("next_attempt_at", "pk")
        ids = list(for_update_skip_locked(due).values_list("pk", flat=True)[:WEBHOOK_BATCH_SIZE])
        if not ids:
            return [], lease_until
        leased = Delivery.objects.filter(
            pk__in=ids, status=DeliveryStatus.PENDING, next_attempt_at__lte=due_by
        ).update(next_attempt_at=lease_until)
        if leased != len(ids):  # a row changed between the lock and the update: re-read
            ids = list(
                Delivery.objects.filter(pk__in=ids, next_attempt_at=lease_until).values_list(
                    "pk", flat=True
                )
            )
    return ids, lease_until


def _record(
    *,
    delivery: Delivery,
    lease_until: datetime.datetime,
    at: datetime.datetime,
    url: str,
    status_code: int | None,
    error: str,
    duration_ms: int,
) -> bool:
    """Log the attempt and move the row on, guarded by the lease: if the row was redelivered
    from admin meanwhile, the attempt is logged but the new round is left alone."""
    first = delivery.first_attempt_at or at
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {"attempts": attempts, "first_attempt_at": first, "address": url}
    failed_for_good = False
    if not error:
        fields.update(status=DeliveryStatus.SENT, sent_at=at, last_error="")
    else:
        fields["last_error"] = error[:2000]
        give_up_at = first + RETRY_WINDOW
        if at >= give_up_at:
            fields["status"] = DeliveryStatus.FAILED
            failed_for_good = True
        else:
            # The last retry lands on the 24-hour mark rather than up to 6 hours after it.
            fields["next_attempt_at"] = min(at + webhook_backoff(attempts), give_up_at)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            at=at,
            url=url,
            status_code=status_code,
            error=error[:2000],
            duration_ms=duration_ms,
        )
        moved = Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=lease_until
        ).update(**fields)
        if moved and failed_for_good:
            _notify_failure(delivery=delivery, url=url, error=error, at=at)
    return bool(moved) and not error


def _notify_failure(*, delivery: Delivery, url: str, error: str, at: datetime.datetime) -> None:
    push = delivery.push
    title = push.title if push is not None else delivery.subject
    department_notify(
        department=delivery.department,
        title=_("Webhook delivery failed: %(title)s") % {"title": title},
        body=_(
            "Push #%(push)s could not be delivered to %(url)s for 24 hours (last error: "
            "%(error)s). It is waiting in the platform inbox; an administrator can deliver "
            "it again from the admin."
        )
        % {"push": delivery.push_id, "url": url, "error": error[:300]},
        url=reverse("notifications:push-detail", args=[delivery.push_id])
        if delivery.push_id
        else "",
        now=at,
        push=push,
    )


def _fail_without_endpoint(
    *, delivery: Delivery, lease_until: datetime.datetime, at: datetime.datetime
) -> None:
    error = _("No active webhook endpoint for this department.")
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery, at=at, url=delivery.address, error=error, duration_ms=0
        )
        Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=lease_until
        ).update(status=DeliveryStatus.FAILED, last_error=error, attempts=delivery.attempts + 1)


def webhooks_send_pending(*, now: datetime.datetime | None = None) -> int:
    """POST every due webhook delivery once; return how many were accepted (2xx).

    Safe to run twice or concurrently: each batch is leased in one UPDATE before any HTTP
    call, and every result is written only if the lease is still this run's.
    """
    clock: Callable[[], datetime.datetime] = (lambda: now) if now is not None else timezone.now
    # Rows due when the run starts: a row that fails now is not retried by this same run.
    due_by = clock()
    sent = 0
    while True:
        ids, lease_until = _claim_batch(due_by=due_by, now=clock())
        if not ids:
            return sent
        deliveries = (
            Delivery.objects.filter(pk__in=ids).select_related("push", "department").order_by("pk")
        )
        departments = {d.department_id for d in deliveries}
        endpoints = {
            e.department_id: e
            for e in WebhookEndpoint.objects.filter(department_id__in=departments, active=True)
        }
        for delivery in deliveries:
            endpoint = endpoints.get(delivery.department_id)
            if endpoint is None:
                _fail_without_endpoint(delivery=delivery, lease_until=lease_until, at=clock())
                continue
            body = delivery.body.encode("utf-8")
            # Signed per attempt: a retry hours later carries a fresh timestamp.
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "Linzi-Webhooks/1",
                "X-Linzi-Event": EVENT_PUSH_CREATED,
                "X-Linzi-Delivery": str(delivery.pk),
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: webhook_signature(body, endpoint.secret, timestamp),
            }
            started = time.monotonic()
            status_code, error = _post(url=endpoint.url, body=body, headers=headers)
            duration_ms = int((time.monotonic() - started) * 1000)
            if error:
                logger.info("webhook delivery %s failed: %s", delivery.pk, error)
            sent += _record(
                delivery=delivery,
                lease_until=lease_until,
                at=clock(),
                url=endpoint.url,
                status_code=status_code,
                error=error,
                duration_ms=duration_ms,
            )
        if len(ids) < WEBHOOK_BATCH_SIZE:
            return sent

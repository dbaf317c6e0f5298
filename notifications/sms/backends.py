"""SMS backends, chosen by settings.SMS_BACKEND (a dotted path), as Django chooses an e-mail
backend: the console (the embedded default) and a file for development, an in-memory outbox
for tests, and the district's government SMS platform over HTTP for production.

A backend's `send(message)` returns the gateway's message id ("" when it has none), raises
`SmsTemporaryError` for a failure worth retrying (the gateway is down, busy or slow) and
`SmsRefused` for a message the gateway will never accept (an invalid or blacklisted number,
an unknown template): the outbox retries the first and records the second for good.

The gateway contract (HttpGatewayBackend):

- `POST SMS_GATEWAY_URL` with a JSON body in UTF-8, keys sorted, no spaces:
  `{"account", "nonce", "params", "phone", "template_id", "timestamp"}`; `params` holds the
  template's parameters as strings, `timestamp` is Unix seconds, `nonce` is random.
- Headers `X-Sms-Timestamp: <timestamp>` and `X-Sms-Signature: <algorithm>=<hex>`, the HMAC of
  `f"{timestamp}.".encode() + body` under SMS_GATEWAY_SECRET; the algorithm is `sha256` or
  `sm3` (settings.CRYPTO_HASH, `linzi_platform.crypto`), as for the outbound webhooks.
- The answer: 2xx with a JSON body `{"code": …, "message": …, "message_id": …}`, where code
  "0" is success and any other code a refusal; 408, 429, 5xx, a timeout or a broken
  connection is retried; any other status (4xx) is a refusal.
"""

import http.client
import json
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from linzi_platform.crypto import hash_algorithm, mac

SIGNATURE_HEADER = "X-Sms-Signature"
TIMESTAMP_HEADER = "X-Sms-Timestamp"
SUCCESS_CODE = "0"
# Statuses that say "try again later", besides every 5xx.
RETRY_STATUSES = frozenset({408, 429})
RESPONSE_EXCERPT = 4000


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    template_id: str
    params: dict[str, str] = field(default_factory=dict)
    # The outbox row's id, for logs; the gateway does not see it.
    reference: str = ""


class SmsError(Exception):
    """A message that was not sent."""


class SmsTemporaryError(SmsError):
    """Not sent this time; worth another attempt later."""


class SmsRefused(SmsError):
    """The gateway refused the message for good; `code` is its result code, if any."""

    def __init__(self, reason: str, code: str = "") -> None:
        super().__init__(reason)
        self.code = code


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> str:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    """Prints each message (development; the embedded default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> str:
        params = json.dumps(message.params, ensure_ascii=False, sort_keys=True)
        self.stream.write(f"SMS to {message.phone} [{message.template_id}] {params}\n")
        self.stream.flush()
        return ""


class FileBackend(BaseSmsBackend):
    """Appends each message as one JSON line to a file per day under SMS_FILE_PATH."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, message: SmsMessage) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        now = timezone.localtime()
        line = json.dumps(
            {
                "at": now.isoformat(),
                "phone": message.phone,
                "template_id": message.template_id,
                "params": message.params,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        with open(self.path / f"sms-{now:%Y%m%d}.log", "a", encoding="utf-8") as file:
            file.write(line + "\n")
        return ""


# The messages LocmemBackend "sent", like django.core.mail.outbox; tests empty it.
outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemBackend(BaseSmsBackend):
    """Keeps each message in `outbox` (tests)."""

    def send(self, message: SmsMessage) -> str:
        with _outbox_lock:
            outbox.append(message)
            return f"locmem-{len(outbox)}"


def sms_signature(
    body: bytes, secret: str, timestamp: int | str, algorithm: str | None = None
) -> str:
    """The `X-Sms-Signature` value: `<algorithm>=<hex HMAC of "<timestamp>." + body>`."""
    algorithm = algorithm or hash_algorithm()
    return f"{algorithm}={mac(secret.encode(), f'{timestamp}.'.encode() + body, algorithm)}"


def sms_body(*, account: str, message: SmsMessage, timestamp: int, nonce: str) -> bytes:
    """The canonical JSON body: what is signed is exactly what is sent."""
    document: dict[str, Any] = {
        "account": account,
        "nonce": nonce,
        "params": {key: str(value) for key, value in message.params.items()},
        "phone": message.phone,
        "template_id": message.template_id,
        "timestamp": timestamp,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


class HttpGatewayBackend(BaseSmsBackend):
    """The government SMS platform (政务短信平台) over HTTP(S), signed with HMAC.

    The URL is the operator's setting (SMS_GATEWAY_URL), not user input, so it is not put
    through the SSRF checks of the webhooks' callback URLs (`webhook_targets`): an intranet
    gateway address is expected here.
    """

    def __init__(
        self,
        url: str | None = None,
        account: str | None = None,
        secret: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.account = account if account is not None else settings.SMS_GATEWAY_ACCOUNT
        self.secret = secret if secret is not None else settings.SMS_GATEWAY_SECRET
        self.timeout = timeout if timeout is not None else settings.SMS_GATEWAY_TIMEOUT

    def send(self, message: SmsMessage) -> str:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SmsTemporaryError("SMS_GATEWAY_URL is not an http(s) URL")
        timestamp = int(time.time())
        body = sms_body(
            account=self.account, message=message, timestamp=timestamp, nonce=secrets.token_hex(8)
        )
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Linzi-SMS/1",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sms_signature(body, self.secret, timestamp),
        }
        status, text = self._post(parts, body, headers)
        if status >= 500 or status in RETRY_STATUSES:
            raise SmsTemporaryError(f"HTTP {status}: {text[:200]}".strip())
        try:
            answer = json.loads(text) if text else {}
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        code = str(answer.get("code", "")).strip()
        reason = str(answer.get("message", "") or "").strip()
        if not 200 <= status < 300:
            raise SmsRefused(reason or f"HTTP {status}: {text[:200]}".strip(), code or str(status))
        if code != SUCCESS_CODE:
            raise SmsRefused(reason or text[:200], code)
        return str(answer.get("message_id", "") or "")[:100]

    def _post(self, parts: Any, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn = connection_class(parts.hostname, parts.port, timeout=self.timeout)
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:  # DNS, timeout, refused, TLS
            raise SmsTemporaryError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            conn.close()


def sms_backend() -> BaseSmsBackend:
    """A new instance of the configured backend (settings.SMS_BACKEND)."""
    return import_string(settings.SMS_BACKEND)()

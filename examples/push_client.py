#!/usr/bin/env python3
"""A partner system talking to the Linzi platform API: copy it and adapt. Standard library only.

    BASE_URL=https://linzi.example.gov.cn API_KEY=<key> python3 push_client.py
    python3 push_client.py https://linzi.example.gov.cn <key> [--item CODE]

1. Records a licence decision (POST /api/v1/licences/, approval-department keys only) with an
   `Idempotency-Key`: a retry with the same key and body (after a timeout, say) returns the
   first answer again instead of recording a second licence.
2. Reads the department's pending inbox (GET /api/v1/pushes/?box=inbox&state=pending,
   following `next`) and claims each push (POST /api/v1/pushes/{id}/claim/); 409 means it
   was already claimed, by a colleague or automatically at its deadline.

Receiving webhooks: check `X-Linzi-Signature` with `verify_signature` over the raw body and
`X-Linzi-Timestamp` before parsing it (a request signed more than 5 minutes ago is refused, so
a captured one cannot be replayed), and treat the push `id` as your deduplication key — a push
may arrive more than once (delivery is at-least-once):

    body = request.body                                  # bytes, exactly as received
    if not verify_signature(
        body,
        request.headers.get("X-Linzi-Signature", ""),
        SECRET,
        request.headers.get("X-Linzi-Timestamp", ""),
    ):
        return 401
    push = json.loads(body)
    if not already_processed(push["id"]):
        process(push)
    return 200                                           # any 2xx; otherwise it is retried
"""

import argparse
import datetime
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

CST = datetime.timezone(datetime.timedelta(hours=8))


MAX_SIGNATURE_AGE = 300  # seconds: an older (or a later-dated) signature is refused
SIGNATURE_ALGORITHMS = ("sha256", "sm3")  # the platform's CRYPTO_HASH setting picks one


def verify_signature(
    body: bytes, header: str, secret: str, timestamp: str, now: float | None = None
) -> bool:
    """True if `header` ("sha256=<hex>" or "sm3=<hex>") is the HMAC of
    `"<timestamp>.".encode() + body` with `secret`, and `timestamp` (Unix seconds, the
    X-Linzi-Timestamp header) is within 5 minutes of `now` (default: this machine's clock).

    SM3 needs an OpenSSL that provides it (`hashlib.new("sm3")`); without one an SM3
    signature is refused, never accepted unchecked.
    """
    if not header or not secret or "=" not in header:
        return False
    algorithm, given = header.split("=", 1)
    algorithm = algorithm.strip().lower()
    if algorithm not in SIGNATURE_ALGORITHMS:
        return False
    timestamp = (timestamp or "").strip()
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > MAX_SIGNATURE_AGE:
        return False
    try:
        expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, algorithm).hexdigest()
    except ValueError:  # this OpenSSL has no SM3
        return False
    given = given.strip().lower()
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def call(
    base_url: str,
    api_key: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> tuple[int, Any]:
    """One API request; returns (HTTP status, decoded JSON). `path` may be a full URL."""
    url = path if path.startswith(("http://", "https://")) else base_url.rstrip("/") + path
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    headers = {"Authorization": f"Api-Key {api_key}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw) if raw else None


def example_licence(item: str) -> dict[str, Any]:
    """A decision like the README's; put your own case's data here."""
    today = datetime.datetime.now(CST).date()
    return {
        "item": item,
        "licence_no": f"DEMO{uuid.uuid4().hex[:12].upper()}",
        "licence_date": today.isoformat(),
        "valid_from": today.isoformat(),
        "valid_to": today.replace(year=today.year + 5).isoformat(),
        "counterparty": {
            "name": "临淄齐鲁食品有限公司",
            "credit_code": "91370305MA3C8Q7X28",
            "contact_name": "王五",
            "contact_phone": "13812345678",
        },
    }


def record_licence(base_url: str, api_key: str, licence: dict[str, Any]) -> dict[str, Any]:
    """POST the decision, retrying network errors with the same Idempotency-Key."""
    key = str(uuid.uuid4())  # one key per decision, reused for its retries
    for attempt in range(3):
        try:
            status, data = call(base_url, api_key, "POST", "/api/v1/licences/", licence, key)
        except OSError as error:  # timeout, connection reset: the licence may exist already
            print(f"network error ({error}); retrying with the same Idempotency-Key")
            time.sleep(2**attempt)
            continue
        if status != 201:
            raise RuntimeError(
                f"licence refused: HTTP {status} {json.dumps(data, ensure_ascii=False)}"
            )
        return data
    raise RuntimeError("licence not recorded: the platform could not be reached")


def claim_pending(base_url: str, api_key: str) -> list[int]:
    """Claim every pending push of the department's inbox; returns the claimed ids."""
    claimed: list[int] = []
    url: str | None = "/api/v1/pushes/?box=inbox&state=pending"
    while url:
        status, page = call(base_url, api_key, "GET", url)
        if status != 200:
            raise RuntimeError(f"inbox: HTTP {status} {page}")
        for push in page["results"]:
            status, answer = call(base_url, api_key, "POST", f"/api/v1/pushes/{push['id']}/claim/")
            if status == 200:
                claimed.append(push["id"])
                print(f"claimed push {push['id']} from {push['sender']}: {push['title']}")
            elif status == 409:
                print(f"push {push['id']} was already claimed: {answer['error']['message']}")
            else:
                print(f"push {push['id']}: HTTP {status} {answer}")
        url = page.get("next")
    return claimed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default=os.environ.get("BASE_URL"))
    parser.add_argument("api_key", nargs="?", default=os.environ.get("API_KEY"))
    parser.add_argument("--item", default=os.environ.get("ITEM", "medical-institution"))
    parser.add_argument("--no-licence", action="store_true", help="only claim the inbox")
    args = parser.parse_args(argv)
    if not args.base_url or not args.api_key:
        parser.error("give BASE_URL and API_KEY (arguments or environment)")
    try:
        if not args.no_licence:
            created = record_licence(args.base_url, args.api_key, example_licence(args.item))
            receivers = ", ".join(p["receiver"] for p in created["pushes"])
            print(f"recorded licence {created['licence_no']} (id {created['id']}) → {receivers}")
        claimed = claim_pending(args.base_url, args.api_key)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"claimed {len(claimed)} pending push(es)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

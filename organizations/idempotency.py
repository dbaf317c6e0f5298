"""`Idempotency-Key` on every API POST (shared/API.md): the same key with the same body
returns the first response and creates nothing new; with another body it answers 422."""

import datetime
import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.models import IdempotencyRecord

KEY_TTL = timedelta(hours=24)
KEY_MAX_LENGTH = 200

# PostgreSQL and SQLite alike: insert the key, or take over its record once it has expired.
CLAIM_KEY_SQL = """
INSERT INTO organizations_idempotencyrecord
    (principal, "key", request_hash, status_code, response_body, created_at)
VALUES (%s, %s, %s, 0, %s, %s)
ON CONFLICT (principal, "key") DO UPDATE SET
    request_hash = excluded.request_hash, status_code = 0,
    response_body = excluded.response_body, created_at = excluded.created_at
WHERE organizations_idempotencyrecord.created_at < %s
"""


class IdempotencyMismatch(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_mismatch"
    default_detail = "This Idempotency-Key was used with a different request body."


def _principal(request: Request) -> str:
    client = getattr(request._request, "api_client", None)
    if client is not None:
        return f"client:{client.pk}"
    return f"user:{request.user.pk}"


def _request_hash(request: Request) -> str:
    try:
        body = json.dumps(request.data, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        body = repr(request.data)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(method: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap an APIView's post(): the work and the stored response share one transaction."""

    @functools.wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return method(view, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > KEY_MAX_LENGTH:
            raise exceptions.ValidationError({"Idempotency-Key": [_("Give 1 to 200 characters.")]})
        principal = _principal(request)
        request_hash = _request_hash(request)
        now = timezone.now()
        with transaction.atomic():
            # In the request's transaction: one commit per write, not two.
            existing = _claim_key(principal=principal, key=key, request_hash=request_hash, now=now)
            if existing is not None:
                if existing.request_hash != request_hash:
                    raise IdempotencyMismatch(
                        _("This Idempotency-Key was used with a different request body.")
                    )
                response = Response(existing.response_body, status=existing.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
            response = method(view, request, *args, **kwargs)
            IdempotencyRecord.objects.filter(principal=principal, key=key).update(
                status_code=response.status_code, response_body=response.data
            )
            return response

    return wrapper


def _claim_key(
    *, principal: str, key: str, request_hash: str, now: datetime.datetime
) -> IdempotencyRecord | None:
    """Claim the key (None: ours to execute) or return the committed record of a retry.

    One statement: insert the key, or take over its record if that has expired. The unique
    constraint makes a concurrent retry wait for the first transaction; it then finds the
    record committed and replays it (or, if the first rolled back, inserts its own).
    """
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_KEY_SQL,
            [principal, key, request_hash, "{}", adapt(now), adapt(now - KEY_TTL)],
        )
        if cursor.rowcount == 1:
            return None
    return IdempotencyRecord.objects.get(principal=principal, key=key)

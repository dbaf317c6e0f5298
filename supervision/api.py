"""What the supervision side's REST API shares (shared/API.md): body parsing, dates, push
summaries. Each subdomain's endpoints are in its package's `api.py`: supervision actions
(R6), the access check and listings (R7), licence letters (R8), legacy cases (R17).

Views parse the body and call one service; every rule lives in services.py / selectors.py.
"""

import contextlib
import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.request import Request

from approvals.api import PushSummaryOutput
from counterparties.models import Counterparty
from counterparties.selectors import counterparty_by_code
from linzi_platform.parsers import loads_json
from notifications.models import Push
from notifications.selectors import pushes_visible
from organizations.scoping import Actor

ACTION_SUBJECT = "supervision.supervisionaction"
LETTER_SUBJECT = "supervision.licenceletter"
LISTING_SUBJECT = "supervision.counterpartylisting"
# Uploaded files always come under this key (multipart, several times for several files).
ATTACHMENTS = "attachments"


# --------------------------------------------------------------------------- helpers


def _request_body(request: Request, *, nested: Iterable[str] = ()) -> Any:
    """The body as one plain object. JSON as sent; a multipart/form body flattened to one
    value per key, where a nested object comes either as a JSON string
    (`counterparty={"name": …}`) or as dotted keys (`counterparty.name=…`), and every file
    sent under `attachments` is collected into one list."""
    data = request.data
    if not isinstance(data, QueryDict):
        return data
    nested = set(nested)
    body: dict[str, Any] = {}
    for key in data:
        if key in request.FILES:
            continue
        value = data.get(key)
        head, _dot, tail = key.partition(".")
        if tail and head in nested:
            if value != "":
                target = body.setdefault(head, {})
                if isinstance(target, dict):
                    target[tail] = value
            continue
        if head in nested and isinstance(value, str):
            text = value.strip()
            if not text:
                body.setdefault(key, None)
                continue
            # Not JSON: left as text, and the serializer answers "expected an object".
            with contextlib.suppress(ValueError):
                value = loads_json(text)
        body[key] = value
    if ATTACHMENTS in request.FILES:
        body[ATTACHMENTS] = request.FILES.getlist(ATTACHMENTS)
    return body


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _counterparty_for_code(code: str | None, field: str) -> Counterparty | None:
    """None for no code; a 400 on `field` for a code nobody has."""
    if not code:
        return None
    counterparty = counterparty_by_code(code)
    if counterparty is None:
        raise exceptions.ValidationError(
            {field: [_("No counterparty with this credit code or ID number is on record.")]}
        )
    return counterparty


def _visible_or_404(queryset: QuerySet, pk: int) -> Any:
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _pushes_for(
    actor: Actor, *, kind: str, subject_type: str, ids: Iterable[int]
) -> dict[int, list[Push]]:
    """The pushes about these records that the actor's department sent or received."""
    found: dict[int, list[Push]] = {}
    keys = [str(pk) for pk in ids]
    if not keys:
        return found
    pushes = (
        pushes_visible(actor=actor)
        .filter(kind=kind, subject_type=subject_type, subject_id__in=keys)
        .order_by("receiver__code", "id")
    )
    for push in pushes:
        found.setdefault(int(push.subject_id), []).append(push)
    return found


# --------------------------------------------------------------------------- shared parts


@extend_schema_field(
    {
        "type": "string",
        "example": "2026-09-30",
        "description": "a date (YYYY-MM-DD) or an ISO 8601 date and time",
    }
)
class DateOrDateTimeField(serializers.Field):
    """A date, or a date and time reduced to its date in Asia/Shanghai."""

    def to_internal_value(self, data: Any) -> datetime.date:
        text = data.strip() if isinstance(data, str) else ""
        try:
            if len(text) == 10:
                value = parse_date(text)
                if value is not None:
                    return value
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            raise serializers.ValidationError(
                serializers.DateField.default_error_messages["invalid"].format(
                    format="YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss][+HH:MM]"
                )
            )
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return timezone.localdate(moment)

    def to_representation(self, value: datetime.date) -> str:
        return value.isoformat()


class ItemRefOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LicenceRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    licence_no = serializers.CharField()
    item = ItemRefOutput()
    status = serializers.CharField()


class PartyRefOutput(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True)
    id_number = serializers.CharField(allow_null=True)


class EvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


def _first_push(pushes: list[Push]) -> dict[str, Any] | None:
    return PushSummaryOutput(pushes[0]).data if pushes else None

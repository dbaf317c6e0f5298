"""Keyset ("seek") pagination for web lists: the page after a row is found by comparing
with that row's sort key, so page 1000 costs what page 1 costs (no OFFSET, no COUNT)."""

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from linzi_platform.parsers import loads_json


@dataclass(frozen=True)
class KeysetPage:
    items: list[Any]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime.datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(
    cursor: str, fields: Sequence[tuple[str, bool]], model: type[Model]
) -> list[Any] | None:
    try:
        raw = loads_json(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(raw, list) or len(raw) != len(fields):
        return None
    values: list[Any] = []
    for (name, _desc), value in zip(fields, raw, strict=True):
        field = model._meta.get_field(name)
        if field.get_internal_type() == "DateTimeField":
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is None:
                return None
            values.append(parsed)
        elif isinstance(value, int) and not isinstance(value, bool):
            values.append(value)
        else:
            return None
    return values


def keyset_page(
    queryset: QuerySet, *, order: Sequence[tuple[str, bool]], cursor: str | None, size: int
) -> KeysetPage:
    """One page of `queryset` in `order` ((field, descending) pairs, the last one unique).

    A malformed cursor is treated as the first page, never as an error.
    """
    values = _decode(cursor, order, queryset.model) if cursor else None
    ordering = [f"-{name}" if descending else name for name, descending in order]
    if values is None:
        rows = list(queryset.order_by(*ordering)[: size + 1])
    else:
        # The rows after the cursor as one index range per sort column, read in order and
        # only until the page is full: (a = v1, b = v2, c after v3), then (a = v1, b after
        # v2), then (a after v1). Each range starts at the cursor in the index, whereas a
        # single OR of the three makes PostgreSQL walk the index from the top and filter out
        # every row above the cursor — with mixed sort directions no row comparison helps.
        rows = []
        for position in range(len(order) - 1, -1, -1):
            name, descending = order[position]
            branch = queryset.filter(
                **{order[i][0]: values[i] for i in range(position)},
                **{f"{name}__{'lt' if descending else 'gt'}": values[position]},
            )
            rows += list(branch.order_by(*ordering)[: size + 1 - len(rows)])
            if len(rows) > size:
                break
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _encode([getattr(last, name) for name, _desc in order])
    return KeysetPage(items=rows, next_cursor=next_cursor)


class ApiCursorPagination(CursorPagination):
    """Keyset pagination for every API list (shared/API.md), newest first by default.

    Unlike DRF's default, a malformed `page_size` or `cursor` is a 400 naming the parameter
    instead of being silently ignored or answered with 404.
    """

    ordering: Any = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1 or size > self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError(
                {self.cursor_query_param: [_("This page link is invalid; start again.")]}
            ) from exc

"""Keyset ("seek") pagination for web lists: the page after a row is found by comparing
with that row's sort key, so page 1000 costs what page 1 costs (no OFFSET, no COUNT)."""

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.dateparse import parse_datetime


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
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
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
    if values is not None:
        after = Q()
        for position in range(len(order) - 1, -1, -1):
            name, descending = order[position]
            step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[position]})
            equal_before = Q(**{order[i][0]: values[i] for i in range(position)})
            after = (
                (equal_before & step) | after if position < len(order) - 1 else equal_before & step
            )
        queryset = queryset.filter(after)
    ordering = [f"-{name}" if descending else name for name, descending in order]
    rows = list(queryset.order_by(*ordering)[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _encode([getattr(last, name) for name, _desc in order])
    return KeysetPage(items=rows, next_cursor=next_cursor)

"""Showing a push's payload snapshot whatever wrote it (R2).

A snapshot is never rewritten, so the detail page must show what an earlier version of the
platform or a partner system's push stored: keys may be missing, null, of another type, or
unknown to the kind. The kind's payload serializer declares the keys its template shows;
`snapshot_display` turns a stored payload into what the templates read:

- a declared key that is missing, null or blank reads as `MISSING` (shown as "—"), and so
  does every lookup below it, so a template lookup or filter argument never raises;
- a declared key whose value has another type (a string where a dict is expected, a dict
  where a text is expected) also reads as `MISSING`, and the value as sent is listed;
- a key the kind does not declare is listed, as sent.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

MISSING_MARK = "—"


class Missing:
    """A value the snapshot does not hold: false, shown as "—", and missing all the way down."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return MISSING_MARK

    def __repr__(self) -> str:
        return "MISSING"

    def __getitem__(self, key: object) -> "Missing":
        return self

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


MISSING = Missing()


class Snapshot(dict):
    """A dict of a snapshot's values whose missing keys read as `MISSING`.

    A dict subclass so that `{% for %}`, `|length` and JSON behave as on the stored dict."""

    def __missing__(self, key: object) -> Missing:
        return MISSING


# What a declared key holds, derived from the kind's payload serializer.
ANY = "any"  # undeclared: shown as sent
TEXT = "text"
INTEGER = "integer"
DATETIME = "datetime"
LIST = "list"
DICT = "dict"  # a dict whose keys are not declared (DictField)


@dataclass(frozen=True)
class Shape:
    type: str
    fields: dict[str, "Shape"] | None = None  # the declared keys of a nested serializer


def _shape_of(declared: serializers.Field) -> Shape:
    if isinstance(declared, serializers.Serializer):
        return Shape(DICT, {name: _shape_of(child) for name, child in declared.fields.items()})
    if isinstance(declared, serializers.DictField):
        return Shape(DICT)
    if isinstance(declared, serializers.ListField | serializers.ListSerializer):
        return Shape(LIST)
    if isinstance(declared, serializers.DateTimeField):
        return Shape(DATETIME)
    if isinstance(declared, serializers.IntegerField):
        return Shape(INTEGER)
    if isinstance(declared, serializers.JSONField):
        return Shape(ANY)
    return Shape(TEXT)


@cache
def payload_shape(serializer_class: type[serializers.Serializer]) -> Shape:
    """The keys a kind declares, nested serializers included, from its payload serializer."""
    return _shape_of(serializer_class())


@dataclass
class SnapshotDisplay:
    payload: Snapshot
    # (where, value as sent) of each value the kind's template does not show.
    others: list[tuple[str, str]] = field(default_factory=list)


def as_text(value: Any) -> str:
    """A stored value as one line of text: "—" when empty, containers as compact JSON."""
    if value is None or value == "" or isinstance(value, Missing):
        return MISSING_MARK
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def local_time_text(value: str) -> str:
    """An ISO 8601 time as sent, as the local "2026-12-01 21:18"; other text as it is."""
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        return value
    if timezone.is_naive(moment):
        return moment.strftime("%Y-%m-%d %H:%M")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _as_sent(value: Any) -> Any:
    """An undeclared value, readable by templates that list it (dicts become Snapshots)."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, dict):
        return Snapshot({str(key): _as_sent(item) for key, item in value.items()})
    if isinstance(value, list):
        return [_as_sent(item) for item in value]
    return value


def _fits(value: Any, shape: Shape) -> bool:
    if shape.type == ANY:
        return True
    if shape.type == DICT:
        return isinstance(value, dict)
    if shape.type == LIST:
        return isinstance(value, list)
    if shape.type == INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    # A text, a date or a time: any scalar reads as text; a container never does.
    return not isinstance(value, dict | list)


def _read(value: Any, shape: Shape, where: str, others: list[tuple[str, str]]) -> Any:
    if value is None or value == "":
        return MISSING
    if not _fits(value, shape):
        others.append((where, as_text(value)))
        return MISSING
    if shape.type == DICT and shape.fields is not None:
        return _read_dict(value, shape.fields, where, others)
    if shape.type == LIST:
        return [as_text(item) for item in value]
    if shape.type == DATETIME and isinstance(value, str):
        return local_time_text(value)
    return _as_sent(value)


def _read_dict(
    data: dict[str, Any], fields: dict[str, Shape], where: str, others: list[tuple[str, str]]
) -> Snapshot:
    read = Snapshot()
    for key, value in data.items():
        path = f"{where}.{key}" if where else str(key)
        if key in fields:
            read[key] = _read(value, fields[key], path, others)
        else:
            others.append((path, as_text(value)))
    return read


def snapshot_display(
    payload: Any, serializer_class: type[serializers.Serializer] | None
) -> SnapshotDisplay:
    """What the templates read of a stored payload, and the values they do not show.

    Without a serializer (a kind shown by the generic template) every key is shown as sent.
    """
    if not isinstance(payload, dict):
        empty = payload is None or payload == {} or payload == ""
        return SnapshotDisplay(Snapshot(), [] if empty else [("", as_text(payload))])
    if serializer_class is None:
        return SnapshotDisplay(_as_sent(payload))
    shape = payload_shape(serializer_class)
    others: list[tuple[str, str]] = []
    return SnapshotDisplay(_read_dict(payload, shape.fields or {}, "", others), others)

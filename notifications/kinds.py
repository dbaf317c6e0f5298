"""The registry of push kinds. Each app registers its kinds in its AppConfig.ready();
the engine itself knows none of them, so both directions share one mechanism (R1, R6)."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.snapshots import SnapshotDisplay, snapshot_display

GENERIC_TEMPLATE = "notifications/payloads/generic.html"


@dataclass(frozen=True)
class PushKind:
    key: str
    label: str | Promise
    payload_serializer: type[serializers.Serializer]
    # Template included by the push detail page to show this kind's payload.
    # Its payload serializer declares the keys that template shows; any other key is listed
    # beside it (R2: a snapshot is shown whatever wrote it).
    template: str = GENERIC_TEMPLATE

    def validate_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload as it will be stored; a bad one is a programming error, not user input."""
        try:
            self._payload_validator.run_validation(payload)
        except serializers.ValidationError as exc:
            raise ValueError(f"invalid {self.key} payload: {exc.detail}") from None
        return payload

    @cached_property
    def _payload_validator(self) -> serializers.Serializer:
        """One unbound serializer per kind, its fields built once rather than for every push
        (a serializer copies its declared fields per instance); validating keeps no state in
        it, so the threads of a process share it."""
        return self.payload_serializer()

    def snapshot(self, payload: Any) -> SnapshotDisplay:
        """What this kind's template reads of a stored payload, and what it does not show."""
        if self.template == GENERIC_TEMPLATE:
            return snapshot_display(payload, None)
        return snapshot_display(payload, self.payload_serializer)


class _AnyPayload(serializers.Serializer):
    pass


_REGISTRY: dict[str, PushKind] = {}


def register_push_kind(kind: PushKind) -> PushKind:
    existing = _REGISTRY.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"push kind {kind.key!r} is registered twice")
    _REGISTRY[kind.key] = kind
    return kind


def push_kind(key: str) -> PushKind:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise ValueError(f"unknown push kind {key!r}") from None


def push_kind_choices() -> list[tuple[str, str | Promise]]:
    return [(kind.key, kind.label) for kind in _REGISTRY.values()]


def push_kind_shown(key: str) -> PushKind:
    """The kind a stored push is shown as: its registered kind, or for a kind no app registers
    (retired, or a partner system's) the generic template, which shows every key as sent."""
    return _REGISTRY.get(key) or PushKind(
        key=key, label=_("unregistered kind"), payload_serializer=_AnyPayload
    )

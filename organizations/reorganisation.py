"""The registry of a department's open work, for reorganisations (机构改革, R21).

This app sits below the ones that own pushes, inquiries and verifications, so it cannot look
at them. Each of those apps registers, in its AppConfig.ready(), one `OpenWorkKind` per kind
of record a reorganised department hands over; `organizations.services` previews, moves and
audits them without knowing what they are.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from .models import Department


@dataclass(frozen=True)
class MovedRecord:
    """One record handed to the successor; it becomes one audit event."""

    object_type: str
    object_id: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenWorkKind:
    """One kind of record a department hands over when it is merged.

    - `open_work(department, now)`: the rows that would move, for the confirmation page and
      for refusing a plain deactivation;
    - `move(department, successor, now)`: hand them over with conditional UPDATEs (deadlines
      untouched) and return what moved;
    - `settle(department, now)`: optional, first closes what is already past its deadline
      (auto-claim, deemed consent), so that lateness stays charged to the old department;
    - `blocks_deactivation`: a department with such rows cannot be deactivated without a
      successor (open work would be orphaned). Webhook endpoints, for instance, do not block.
    """

    key: str
    label: str | Promise
    open_work: Callable[[Department, datetime.datetime], QuerySet]
    move: Callable[[Department, Department, datetime.datetime], Sequence[MovedRecord]]
    settle: Callable[[Department, datetime.datetime], object] | None = None
    describe: Callable[[Model], str] = str
    blocks_deactivation: bool = True


_REGISTRY: dict[str, OpenWorkKind] = {}


def register_open_work(kind: OpenWorkKind) -> OpenWorkKind:
    existing = _REGISTRY.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"open work kind {kind.key!r} is registered twice")
    _REGISTRY[kind.key] = kind
    return kind


def open_work_kinds() -> list[OpenWorkKind]:
    return list(_REGISTRY.values())


def move_open_rows(
    open_rows: QuerySet,
    *,
    to: dict[str, Any],
    object_type: str,
    details: dict[str, str] | None = None,
) -> list[MovedRecord]:
    """Hand `open_rows` to the successor: lock them, then one conditional UPDATE that takes
    only rows still matching `open_rows` (a claim in flight decides first), and one
    MovedRecord per row with `details` (detail name → field; dates as ISO text)."""
    fields = list((details or {}).values())
    rows = list(open_rows.select_for_update().values_list("pk", *fields))
    open_rows.filter(pk__in=[row[0] for row in rows]).update(**to)
    return [
        MovedRecord(
            object_type,
            str(row[0]),
            {
                name: value.isoformat() if isinstance(value, datetime.date) else value
                for name, value in zip(details or {}, row[1:], strict=True)
            },
        )
        for row in rows
    ]

"""Writing to and checking the audit trail (R20).

Every other app records its actions here, inside the transaction that makes the change, so
the change and its audit event are committed or rolled back together.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import enum
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models, transaction
from django.utils import timezone

from audit.models import (
    CHAIN_HEAD_PK,
    GENESIS_HASH,
    LEGACY_ALGORITHM,
    AuditChainHead,
    AuditEvent,
    canonical_time,
    event_content,
    event_hash,
    normalize_details,
)
from linzi_platform import crypto

SYSTEM_LABEL = "system"
ANONYMOUS_LABEL = "anonymous"
API_LABEL_PREFIX = "api:"
BULK_BATCH_SIZE = 500


@dataclass(frozen=True)
class AuditEntry:
    """One event of an ``audit_record_many`` call: what was acted on, and how.

    ``department`` overrides the call's department for this one event (e.g. an auto-claim
    sweep records each push against its own receiving department).
    """

    object_type: str
    object_id: str | int
    details: Mapping[str, Any] = field(default_factory=dict)
    department: models.Model | None = None

    @classmethod
    def for_object(
        cls,
        obj: models.Model,
        *,
        details: Mapping[str, Any] | None = None,
        department: models.Model | None = None,
    ) -> AuditEntry:
        object_type, object_id = _object_key(obj)
        return cls(object_type, object_id, details or {}, department)


@dataclass(frozen=True)
class _Actor:
    user_id: Any
    label: str
    department_id: int | None


def _resolve_actor(actor: object | None) -> _Actor:
    if actor is None:
        return _Actor(None, SYSTEM_LABEL, None)
    identity = getattr(actor, "audit_identity", None)
    if callable(identity):
        # organizations.scoping.Actor (a staff user or an API client on behalf of a
        # department) names itself: the trail stays below organizations (R20).
        user_id, label, department_id = identity()
        return _Actor(user_id, label, department_id)
    if isinstance(actor, AbstractBaseUser):
        try:
            department_id = actor.membership.department_id  # type: ignore[attr-defined]
        except (AttributeError, ObjectDoesNotExist):
            department_id = None
        return _Actor(actor.pk, actor.get_username(), department_id)
    client = getattr(actor, "api_client", None)  # ApiClientPrincipal, i.e. request.user
    if client is not None:
        return _resolve_actor(client)
    if getattr(actor, "is_anonymous", False):
        return _Actor(None, ANONYMOUS_LABEL, None)
    if hasattr(actor, "name") and hasattr(actor, "department"):
        # An API client (organizations.ApiClient) acting for its department; department_id
        # when it is a model instance, to spare a query.
        department_id = getattr(actor, "department_id", None)
        if department_id is None and actor.department is not None:
            department_id = actor.department.pk
        return _Actor(None, f"{API_LABEL_PREFIX}{actor.name}", department_id)
    raise TypeError(f"Cannot record an audit event for actor {actor!r}.")


def _object_key(obj: models.Model) -> tuple[str, str]:
    if obj.pk is None:
        raise ValueError("Cannot audit an unsaved object.")
    return obj._meta.label_lower, str(obj.pk)


def _event_time(at: datetime.datetime | None) -> datetime.datetime:
    at = timezone.now() if at is None else at
    canonical_time(at)  # refuses naive times before anything is written
    return at


def _lock_chain_head() -> AuditChainHead:
    """Lock the head row for the rest of the transaction; create it if it is missing.

    The migration creates the row; it goes missing only when a test flushes the tables.
    It is then rebuilt from the newest event so the chain carries on rather than forking.
    """
    # Plain SQL where rows can be locked: every writer waits for this row, so what reading
    # it costs is paid by all of them.
    if connection.features.has_select_for_update:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_event_id, last_hash FROM audit_auditchainhead WHERE id = %s "
                "FOR UPDATE",
                [CHAIN_HEAD_PK],
            )
            found = cursor.fetchone()
        if found is not None:
            return AuditChainHead(pk=CHAIN_HEAD_PK, last_event_id=found[0], last_hash=found[1])
    else:
        head = AuditChainHead.objects.filter(pk=CHAIN_HEAD_PK).first()
        if head is not None:
            return head
    newest = AuditEvent.objects.order_by("-id").only("id", "hash").first()
    AuditChainHead.objects.get_or_create(
        pk=CHAIN_HEAD_PK,
        defaults={
            "last_event_id": newest.id if newest else 0,
            "last_hash": newest.hash if newest else GENESIS_HASH,
        },
    )
    return AuditChainHead.objects.select_for_update().get(pk=CHAIN_HEAD_PK)


def audit_record(
    *,
    actor: object | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    details: Mapping[str, Any] | None = None,
    department: models.Model | None = None,
    at: datetime.datetime | None = None,
) -> AuditEvent:
    """Record one event in the caller's transaction and return it.

    ``actor``: an ``organizations.scoping.Actor``, a user (department from their staff
    membership), an API client or its request principal (anything with ``name`` and
    ``department``; labelled ``api:<name>``) or ``None`` for the system.
    ``obj`` sets ``object_type`` (``app_label.model_name``) and ``object_id`` (its pk).
    ``department`` overrides the actor's department. ``details`` must be JSON-able; it is
    stored as the JSON the database gives back, which is also what the hash covers.
    Inside ``audit_deferred()`` the event gets its number and hash when the block ends.
    """
    if not action:
        raise ValueError("An audit event needs an action.")
    who = _resolve_actor(actor)
    if obj is not None:
        object_type, object_id = _object_key(obj)
    normalized = normalize_details(details)
    row = _PlainEvent(
        at=_event_time(at),
        actor_id=who.user_id,
        actor_label=who.label,
        action=action,
        department_id=department.pk if department is not None else who.department_id,
        object_type=object_type,
        object_id=str(object_id),
        details=normalized,
        flat=_is_flat(normalized),
    )
    # The caller gets the model instance at once; it is the one inserted (numbered and
    # hashed when written).
    row.instance = row.as_event()
    _write_or_defer([row])
    return row.instance


def audit_record_many(
    *,
    actor: object | None,
    action: str,
    entries: Iterable[AuditEntry],
    department: models.Model | None = None,
    at: datetime.datetime | None = None,
) -> int:
    """Record one event per entry, all with the same actor, action and time; return the count.

    Set-based for sweeps over thousands of rows: one head lock, the chain computed in
    Python, one batched INSERT. A department on an entry wins over ``department``, which
    wins over the actor's.
    """
    if not action:
        raise ValueError("An audit event needs an action.")
    who = _resolve_actor(actor)
    when = _event_time(at)
    default_department_id = department.pk if department is not None else who.department_id
    rows = []
    for entry in entries:
        details, flat = _plain_details(entry.details)
        rows.append(
            _PlainEvent(
                at=when,
                actor_id=who.user_id,
                actor_label=who.label,
                action=action,
                department_id=(
                    entry.department.pk if entry.department is not None else default_department_id
                ),
                object_type=entry.object_type,
                object_id=str(entry.object_id),
                details=details,
                flat=flat,
            )
        )
    _write_or_defer(rows)
    return len(rows)


_deferred: ContextVar[list[_PlainEvent] | None] = ContextVar("audit_deferred", default=None)


@contextlib.contextmanager
def audit_deferred() -> Iterator[None]:
    """Collect the events recorded inside the block; chain and write them when it ends.

    Every writer locks the chain head until it commits, so a transaction that writes its
    events as it goes holds every other writer back from its first event to its commit.
    Deferred, the head is locked when the block ends: one lock, one INSERT and one head
    update for all of the block's events, and held only through what follows the block
    before the commit. Use it inside the transaction that makes the changes (it refuses
    otherwise). An exception out of the block discards the collected events, as the
    transaction discards the changes; so inside the block, do not roll back a savepoint in
    which an event was recorded and carry on. Nested blocks join the outermost one.
    """
    if _deferred.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("audit_deferred() must be used inside a transaction.")
    pending: list[_PlainEvent] = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending:
        _write_chained(pending)


def _write_or_defer(rows: list[_PlainEvent]) -> None:
    if not rows:
        return
    pending = _deferred.get()
    if pending is not None:
        pending.extend(rows)
        return
    _write_chained(rows)


def _write_chained(rows: list[_PlainEvent]) -> None:
    """Number, hash and insert ``rows`` after the chain head, and move the head, in the
    caller's transaction (or one of its own): the events and the head commit together and
    the head stays locked until then. No savepoint: a failure here fails the transaction."""
    algorithm = crypto.hash_algorithm()
    if algorithm not in crypto.ALGORITHMS:
        # Refused before the transaction is touched (`manage.py check` says so first).
        raise ValueError(f"Unknown audit hash algorithm {algorithm!r} (settings.CRYPTO_HASH).")
    with transaction.atomic(savepoint=False):
        head = _lock_chain_head()
        number, prev_hash = head.last_event_id, head.last_hash
        # Hashed from plain values rather than model instances: a sweep of 100k rows spends
        # its time in the database, not in building AuditEvent objects.
        at_texts: dict[datetime.datetime, str] = {}
        for row in rows:
            number += 1
            at_text = at_texts.get(row.at)
            if at_text is None:
                at_text = at_texts[row.at] = canonical_time(row.at)
            row.id, row.prev_hash, row.hash_algorithm = number, prev_hash, algorithm
            row.hash = event_hash(
                event_content(
                    id=number,
                    at_text=at_text,
                    actor_id=row.actor_id,
                    actor_label=row.actor_label,
                    department_id=row.department_id,
                    action=row.action,
                    object_type=row.object_type,
                    object_id=row.object_id,
                    details=row.details,
                    prev_hash=prev_hash,
                    algorithm=algorithm,
                ),
                algorithm=algorithm,
                floats_normalized=row.flat,
            )
            prev_hash = row.hash
            if row.instance is not None:
                row.instance.id, row.instance.prev_hash = row.id, row.prev_hash
                row.instance.hash, row.instance.hash_algorithm = row.hash, algorithm
        if connection.vendor == "postgresql" and len(rows) < COPY_THRESHOLD:
            _insert_events_moving_head(rows, head_pk=head.pk)
            return
        _insert_events(rows)
        AuditChainHead.objects.filter(pk=head.pk).update(last_event_id=number, last_hash=prev_hash)


# Exactly these types: a str or int subclass (a lazy translation, a TextChoices member) is
# turned into its plain JSON value by the round trip, so it takes the slow path.
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def _is_flat(details: Any) -> bool:
    """A dict of strings, integers, booleans and None only: no float, nothing nested."""
    return type(details) is dict and all(
        type(key) is str and type(value) in _PLAIN_TYPES for key, value in details.items()
    )


def _plain_details(details: Mapping[str, Any] | None) -> tuple[dict[str, Any], bool]:
    """normalize_details(), without its JSON round trip for the common flat mapping of
    strings, integers, booleans and None (which the round trip returns unchanged); and
    whether the details are flat."""
    if _is_flat(details):
        return dict(details), True  # type: ignore[arg-type]
    return normalize_details(details), False


@dataclass
class _PlainEvent:
    at: datetime.datetime
    actor_id: Any
    actor_label: str
    action: str
    department_id: int | None
    object_type: str
    object_id: str
    details: dict[str, Any]
    id: int = 0
    prev_hash: str = ""
    hash: str = ""
    hash_algorithm: str = LEGACY_ALGORITHM
    instance: AuditEvent | None = None  # audit_record()'s event, numbered once written
    flat: bool = False  # details are flat (no float): the hash can skip the float pass

    def as_event(self) -> AuditEvent:
        """The model instance of this row (audit_record's own, when it has one)."""
        if self.instance is not None:
            return self.instance
        return AuditEvent(
            id=self.id or None,
            at=self.at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            department_id=self.department_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            details=self.details,
            prev_hash=self.prev_hash,
            hash=self.hash,
            hash_algorithm=self.hash_algorithm,
        )


COPY_THRESHOLD = 200


def _insert_events(rows: list[_PlainEvent]) -> None:
    """Insert chained events: COPY on PostgreSQL for large batches (no per-row ORM cost),
    the append-only manager's bulk_create otherwise."""
    if connection.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        at_texts: dict[datetime.datetime, str] = {}
        for row in rows:
            at_text = at_texts.get(row.at)
            if at_text is None:
                at_text = at_texts[row.at] = row.at.isoformat()
            writer.writerow(
                (
                    row.id,
                    at_text,
                    "\\N" if row.actor_id is None else row.actor_id,
                    row.actor_label,
                    "\\N" if row.department_id is None else row.department_id,
                    row.action,
                    row.object_type,
                    row.object_id,
                    json.dumps(row.details, ensure_ascii=False),
                    row.prev_hash,
                    row.hash,
                    row.hash_algorithm,
                )
            )
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {AuditEvent._meta.db_table} (id, at, actor_id, actor_label, "
                "department_id, action, object_type, object_id, details, prev_hash, hash, "
                "hash_algorithm) FROM STDIN WITH (FORMAT csv, NULL '\\N', FORCE_NOT_NULL "
                "(actor_label, action, object_type, object_id, details, prev_hash, hash, "
                "hash_algorithm))",
                buffer,
            )
        for row in rows:  # audit_record's instances are saved now, as bulk_create marks them
            if row.instance is not None:
                row.instance._state.adding = False
                row.instance._state.db = connection.alias
        return
    AuditEvent.objects.bulk_create(
        [row.as_event() for row in rows],
        batch_size=BULK_BATCH_SIZE,
    )


_INSERT_MOVING_HEAD_SQL = """
WITH head AS (
    UPDATE audit_auditchainhead SET last_event_id = %s, last_hash = %s WHERE id = %s
)
INSERT INTO audit_auditevent (id, at, actor_id, actor_label, department_id, action,
    object_type, object_id, details, prev_hash, hash, hash_algorithm)
SELECT id, at, actor_id, actor_label, department_id, action, object_type, object_id,
    details::jsonb, prev_hash, hash, hash_algorithm
FROM UNNEST(%s::bigint[], %s::timestamptz[], %s::bigint[], %s::text[], %s::bigint[],
    %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
    AS t(id, at, actor_id, actor_label, department_id, action, object_type, object_id,
        details, prev_hash, hash, hash_algorithm)
"""


def _insert_events_moving_head(rows: list[_PlainEvent], *, head_pk: int) -> None:
    """PostgreSQL, a few events (a decision's): insert them and move the chain head to the
    last one in one statement, the head locked since ``_lock_chain_head``."""
    last = rows[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_MOVING_HEAD_SQL,
            [
                last.id,
                last.hash,
                head_pk,
                [row.id for row in rows],
                [row.at for row in rows],
                [row.actor_id for row in rows],
                [row.actor_label for row in rows],
                [row.department_id for row in rows],
                [row.action for row in rows],
                [row.object_type for row in rows],
                [row.object_id for row in rows],
                [json.dumps(row.details, ensure_ascii=False) for row in rows],
                [row.prev_hash for row in rows],
                [row.hash for row in rows],
                [row.hash_algorithm for row in rows],
            ],
        )
    for row in rows:  # audit_record's instances are saved now, as bulk_create marks them
        if row.instance is not None:
            row.instance._state.adding = False
            row.instance._state.db = connection.alias


class ChainProblem(enum.StrEnum):
    MISSING_EVENTS = "missing_events"
    BROKEN_LINK = "broken_link"
    ALTERED = "altered"
    MISSING_HEAD = "missing_head"
    TRUNCATED = "truncated"
    UNCHAINED_EVENTS = "unchained_events"
    UNAVAILABLE_ALGORITHM = "unavailable_algorithm"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""
    problem: ChainProblem | None = None


def verify_chain(*, batch_size: int = 5000) -> VerifyResult:
    """Recompute every event's hash in number order and check each link and the head.

    Runs beside live writers: it checks the events up to the head as read at the start
    (events and head are committed together), then that no event lies beyond the head.
    """
    head = AuditChainHead.objects.filter(pk=CHAIN_HEAD_PK).first()
    if head is None:
        newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        if newest is None:
            return VerifyResult(ok=True, checked=0)
        return VerifyResult(
            ok=False,
            checked=0,
            first_broken_id=newest,
            reason="the chain head row is missing while events exist",
            problem=ChainProblem.MISSING_HEAD,
        )

    def broken(event_id: int, problem: ChainProblem, reason: str) -> VerifyResult:
        return VerifyResult(
            ok=False, checked=checked, first_broken_id=event_id, reason=reason, problem=problem
        )

    checked = 0
    expected_id, prev_hash = 1, GENESIS_HASH
    events = AuditEvent.objects.filter(id__lte=head.last_event_id).order_by("id")
    for event in events.iterator(chunk_size=batch_size):
        if event.id != expected_id:
            return broken(
                event.id,
                ChainProblem.MISSING_EVENTS,
                f"events #{expected_id}..#{event.id - 1} are missing before event #{event.id}",
            )
        if event.prev_hash != prev_hash:
            return broken(
                event.id,
                ChainProblem.BROKEN_LINK,
                f"event #{event.id} does not link to the hash of event #{event.id - 1}",
            )
        # Each event under its own recorded algorithm: a trail that switched from SHA-256
        # to SM3 (or back) verifies, and the algorithm is itself covered (event_content).
        if event.hash_algorithm not in crypto.ALGORITHMS:
            return broken(
                event.id,
                ChainProblem.ALTERED,
                f"event #{event.id} names an unknown hash algorithm "
                f"{event.hash_algorithm!r}: it was altered",
            )
        if not crypto.algorithm_available(event.hash_algorithm):
            return broken(
                event.id,
                ChainProblem.UNAVAILABLE_ALGORITHM,
                f"event #{event.id} is hashed with {event.hash_algorithm}, which this "
                "Python's hashlib does not provide: it cannot be verified here",
            )
        if event.compute_hash() != event.hash:
            return broken(
                event.id,
                ChainProblem.ALTERED,
                f"event #{event.id} does not match its hash: its content was altered",
            )
        checked += 1
        expected_id, prev_hash = event.id + 1, event.hash

    last_id = expected_id - 1
    if last_id != head.last_event_id:
        return broken(
            last_id + 1,
            ChainProblem.TRUNCATED,
            f"events #{last_id + 1}..#{head.last_event_id} are missing at the end of the chain",
        )
    if prev_hash != head.last_hash:
        return broken(
            last_id,
            ChainProblem.ALTERED,
            f"event #{last_id} does not match the hash kept in the chain head: "
            "it was altered and re-hashed",
        )
    # Read the newest number before the head: any event committed by then has its head
    # committed too, so an event beyond the head was inserted outside the chain.
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    current_head = AuditChainHead.objects.filter(pk=CHAIN_HEAD_PK).first()
    if current_head is None or newest > current_head.last_event_id:
        return broken(
            head.last_event_id + 1,
            ChainProblem.UNCHAINED_EVENTS,
            f"event #{newest} lies beyond the chain head: it was inserted outside the chain",
        )
    return VerifyResult(ok=True, checked=checked)

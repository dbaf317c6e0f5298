"""The append-only audit trail (R20): who, which department, when, what.

Each event carries the hash of its own content and of its predecessor (``prev_hash``), so
any later change, deletion or insertion in the middle of the trail is detectable with
``manage.py verify_audit``. The hash is SHA-256 or SM3 (GB/T 32905, for a 密评 under
GB/T 39786-2021), as settings.CRYPTO_HASH says when the event is written; each event records
its algorithm, so a trail that switched algorithm verifies event by event. Events are
numbered 1, 2, 3 … without gaps: the number is taken from the single ``AuditChainHead`` row,
which every writer locks, so the chain never forks. On PostgreSQL a trigger refuses any
UPDATE, DELETE or TRUNCATE as well (migration 0004).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linzi_platform import crypto

GENESIS_HASH = "0" * 64
CHAIN_HEAD_PK = 1
# The algorithm of every event written before events recorded theirs: its content is hashed
# without naming it, as it always was.
LEGACY_ALGORITHM = "sha256"


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or remove a recorded audit event."""


def normalize_details(details: Any) -> dict[str, Any]:
    """Return ``details`` as plain JSON data (what the database gives back when read).

    Tuples become lists, dates/decimals/UUIDs/lazy strings become strings, keys become
    strings; NaN and infinities are refused (PostgreSQL's jsonb cannot hold them).
    """
    if details is None:
        return {}
    normalized = json.loads(json.dumps(details, cls=DjangoJSONEncoder, allow_nan=False))
    if not isinstance(normalized, dict):
        raise TypeError("Audit details must be a mapping.")
    return normalized


# Values the number normalisation below leaves as they are: checked before recursing, so a
# flat mapping of strings and integers (nearly every event) costs no call per value.
_UNCHANGED_TYPES = frozenset({str, int, bool, type(None)})


def _integral_floats_as_ints(value: Any) -> Any:
    # jsonb normalises numbers: 1e20 comes back as the integer 100000000000000000000 and
    # 1.0 may come back as 1 from other stores. An integral float therefore hashes as the
    # exact integer it denotes, so the hash does not depend on the database's number style.
    kind = type(value)
    if kind in _UNCHANGED_TYPES:
        return value
    if kind is float:
        return int(Decimal(repr(value))) if value.is_integer() else value
    if isinstance(value, dict):
        return {
            key: item if type(item) in _UNCHANGED_TYPES else _integral_floats_as_ints(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            item if type(item) in _UNCHANGED_TYPES else _integral_floats_as_ints(item)
            for item in value
        ]
    return value


def canonical_json(value: Any, *, floats_normalized: bool = False) -> str:
    """One byte-stable JSON text for ``value``: sorted keys, no spaces, UTF-8 kept as is.
    ``floats_normalized``: the caller knows ``value`` holds no float (skips that pass)."""
    return json.dumps(
        value if floats_normalized else _integral_floats_as_ints(value),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )


def canonical_time(at: datetime.datetime) -> str:
    if timezone.is_naive(at):
        raise ValueError("Audit event times must be timezone-aware.")
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def event_content(
    *,
    id: int,
    at_text: str,
    actor_id: object,
    actor_label: str,
    department_id: object,
    action: str,
    object_type: str,
    object_id: str,
    details: Any,
    prev_hash: str,
    algorithm: str,
) -> dict[str, Any]:
    """The fields an event's hash covers, in their canonical form (`at_text` from
    canonical_time): one definition for the model and for the bulk writer's plain rows.

    The algorithm is covered too, except SHA-256's: an SHA-256 event's content is what it was
    before events named their algorithm, so the trail written then still verifies. An SM3
    event states "sm3" inside what its hash covers; changing the recorded algorithm either
    way changes both the digest function and the content, and the event no longer matches.
    """
    content = {
        "id": id,
        "at": at_text,
        "actor_id": None if actor_id is None else str(actor_id),
        "actor_label": actor_label,
        "department_id": None if department_id is None else str(department_id),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
        "prev_hash": prev_hash,
    }
    if algorithm != LEGACY_ALGORITHM:
        content["algorithm"] = algorithm
    return content


def event_hash(content: dict[str, Any], *, algorithm: str, floats_normalized: bool = False) -> str:
    """The hex digest of the canonical content; ValueError for an algorithm this Python's
    hashlib lacks or that the platform does not know (linzi_platform.crypto.ALGORITHMS)."""
    if algorithm not in crypto.ALGORITHMS:
        raise ValueError(f"Unknown audit hash algorithm {algorithm!r}.")
    return crypto.digest(
        canonical_json(content, floats_normalized=floats_normalized).encode("utf-8"), algorithm
    )


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Every bulk path that could change or remove events refuses."""

    def update(self, **kwargs: Any) -> int:
        raise AuditTrailIsAppendOnly("Audit events cannot be updated.")

    def _update(self, values: Any) -> Any:
        raise AuditTrailIsAppendOnly("Audit events cannot be updated.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AuditTrailIsAppendOnly("Audit events cannot be updated.")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditTrailIsAppendOnly("Audit events cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("Audit events cannot be deleted.")

    def _raw_delete(self, using: str | None) -> int:
        raise AuditTrailIsAppendOnly("Audit events cannot be deleted.")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        objs = list(objs)
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise AuditTrailIsAppendOnly("Audit events are inserted, never upserted.")
        if any(not obj.hash or not obj.prev_hash for obj in objs):
            raise AuditTrailIsAppendOnly(
                "Audit events must be chained: record them with audit.services."
            )
        return super().bulk_create(objs, *args, **kwargs)


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    # Assigned from the chain head under its lock, so numbers are gapless and a deleted
    # event shows up as a hole; the column is called ``id`` like every other table's.
    id = models.BigIntegerField(_("sequence number"), primary_key=True, editable=False)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor label"), max_length=200)
    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("department"),
    )
    # Indexed in Meta: a plain index, without the LIKE-pattern twin PostgreSQL gets for a
    # CharField with db_index/unique (no query searches actions or hashes by prefix, and
    # every event written, a sweep's 100k included, paid for both twins).
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    # The algorithm of `hash` (settings.CRYPTO_HASH when written); events from before the
    # field existed are SHA-256.
    hash_algorithm = models.CharField(
        _("hash algorithm"), max_length=16, default=LEGACY_ALGORITHM, editable=False
    )

    objects = AuditEventManager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        # Related-object access goes through the refusing queryset too.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx"),
            models.Index(fields=["action"], name="audit_event_action_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_event_hash_unique")]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} · {self.actor_label}"

    def save(
        self,
        *,
        force_insert: bool | tuple[Any, ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Any = None,
    ) -> None:
        if not self._state.adding or force_update or update_fields is not None:
            raise AuditTrailIsAppendOnly("Audit events cannot be updated.")
        if not self.hash or not self.prev_hash or self.id is None:
            raise AuditTrailIsAppendOnly(
                "Audit events must be chained: record them with audit.services.audit_record()."
            )
        # Always an INSERT: an existing number fails on the primary key instead of
        # silently overwriting that event.
        super().save(force_insert=True, using=using)

    def delete(self, using: str | None = None, keep_parents: bool = False) -> Any:
        raise AuditTrailIsAppendOnly("Audit events cannot be deleted.")

    def content(self) -> dict[str, Any]:
        """The fields the hash covers, in their canonical form."""
        return event_content(
            id=self.id,
            at_text=canonical_time(self.at),
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            department_id=self.department_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            details=self.details,
            prev_hash=self.prev_hash,
            algorithm=self.hash_algorithm,
        )

    def compute_hash(self) -> str:
        """The hash of the event's content under its recorded algorithm."""
        return event_hash(self.content(), algorithm=self.hash_algorithm)


class AuditChainHead(models.Model):
    """The one row (pk=1) naming the newest event; locked by every writer."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=CHAIN_HEAD_PK)
    last_event_id = models.BigIntegerField(_("last event number"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=CHAIN_HEAD_PK), name="audit_chain_head_single_row"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.last_event_id} {self.last_hash[:12]}"

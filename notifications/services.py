"""The push/claim engine (R1–R6) and the outbox of notices it writes.

Every write is here; views, API endpoints and Celery tasks only parse input and call one of
these functions, so the web form, the API and the beat sweep can never disagree.
"""

import datetime
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial, update_wrapper
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import (
    Case,
    F,
    PositiveIntegerField,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import AuditEntry, audit_record, audit_record_many
from linzi_platform.errors import DomainConflict
from organizations.models import Department
from organizations.scoping import Actor
from organizations.selectors import departments_in_office
from workdays.calendar import add_working_days, working_minutes_between

from .kinds import push_kind
from .models import (
    Delivery,
    DeliveryChannel,
    NoticeKind,
    NoticeResolution,
    Notification,
    Obligation,
    OverdueRecord,
    Push,
    PushState,
)
from .planner import statistics_refresh_after_sweep
from .sms.outbox import sms_auto_claimed_record

CLAIM_WORKING_DAYS = 1
FEEDBACK_WORKING_DAYS = 1
# Rows per sweep transaction. Larger batches commit less often (on PostgreSQL 5,000 sweep
# 100k pushes about 10 % faster than 1,000); a batch locks its rows for well under a second.
SWEEP_BATCH_SIZE = 5000
# Other databases take the portable path, whose statements carry one parameter per row:
# SQLite before 3.32 accepts at most 999.
PORTABLE_SWEEP_BATCH_SIZE = 900


class PushConflict(DomainConflict):
    """The push is not in a state that allows the action (API 409)."""


@dataclass(frozen=True)
class PushSubject:
    """What a push is about, and the columns inboxes search on."""

    subject_type: str
    subject_id: str
    title: str
    counterparty_name: str = ""
    counterparty_code: str = ""
    reference_no: str = ""
    item_code: str = ""


def local_time(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _actor_user(actor: Actor) -> Any:
    user = actor.user
    return user if user is not None and getattr(user, "pk", None) else None


@dataclass(frozen=True)
class DepartmentNotice:
    """One notice to every active staff member of a department."""

    department_id: int
    title: str
    body: str
    url: str
    push_id: int | None = None
    kind: str = NoticeKind.OTHER


def departments_notify(
    *,
    notices: Sequence[DepartmentNotice],
    now: datetime.datetime,
    roles: Sequence[str] | None = None,
) -> None:
    """In-app notices for each notice's department's active staff (or only those in `roles`),
    and e-mail outbox rows for those of them who keep e-mail notifications on: one staff
    query and two bulk INSERTs, whatever the number of notices (a sweep's whole batch)."""
    if not notices:
        return
    members = get_user_model().objects.filter(
        membership__department_id__in={notice.department_id for notice in notices},
        is_active=True,
    )
    if roles is not None:
        members = members.filter(membership__role__in=roles)
    staff: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, email, department_id, wants_email in members.values_list(
        "pk", "email", "membership__department_id", "membership__email_notifications"
    ):
        staff[department_id].append((pk, email if wants_email else ""))
    Notification.objects.bulk_create(
        Notification(
            user_id=pk,
            kind=n.kind,
            title=n.title,
            body=n.body,
            url=n.url,
            push_id=n.push_id,
            created_at=now,
        )
        for n in notices
        for pk, _email in staff[n.department_id]
    )
    Delivery.objects.bulk_create(
        Delivery(
            channel=DeliveryChannel.EMAIL,
            push_id=n.push_id,
            department_id=n.department_id,
            recipient_id=pk,
            address=email,
            subject=n.title,
            body=f"{n.body}\n\n{n.url}",
            next_attempt_at=now,
            created_at=now,
        )
        for n in notices
        for pk, email in staff[n.department_id]
        if email
    )
    deliveries_enqueue()


def department_notify(
    *,
    department: Department,
    title: str,
    body: str,
    url: str,
    now: datetime.datetime,
    push: Push | None = None,
    roles: Sequence[str] | None = None,
    kind: str = NoticeKind.OTHER,
) -> None:
    """`departments_notify` for one department."""
    notice = DepartmentNotice(
        department_id=department.pk,
        title=title,
        body=body,
        url=url,
        push_id=push.pk if push is not None else None,
        kind=kind,
    )
    departments_notify(notices=[notice], now=now, roles=roles)


def deliveries_enqueue() -> None:
    from .tasks import deliveries_send_pending

    # One send task per transaction is enough; the task takes every due row.
    # shared_task returns a proxy, so the queued callback is recognised by its task name.
    if any(
        getattr(getattr(callback, "__self__", None), "name", None) == deliveries_send_pending.name
        for _ids, callback, _robust in connection.run_on_commit
    ):
        return
    # robust: the change is committed; a broker outage only delays the e-mail, which the
    # periodic retry sweep sends later.
    transaction.on_commit(deliveries_send_pending.delay, robust=True)


def fanout_enqueue(push_ids: Sequence[int]) -> None:
    """Queue the fan-out of these pushes for after the caller's commit (fanout.py)."""
    from .fanout import fanout_publish

    # Named as the function (a failed robust callback is logged by its `__qualname__`);
    # robust: the pushes are committed, a failed publish leaves them to the fan-out sweep.
    publish = update_wrapper(partial(fanout_publish, list(push_ids)), fanout_publish)
    transaction.on_commit(publish, robust=True)


def push_send(
    *,
    kind: str,
    sender: Department,
    receivers: Sequence[Department],
    payload: dict[str, Any],
    subject: PushSubject,
    actor: Actor,
    sent_at: datetime.datetime | None = None,
) -> list[Push]:
    """Create one push per receiver with the payload snapshot and the claim deadline, and
    their audit events, in the caller's transaction (R1, R2, R6, R20). The pushes are their
    own outbox: their notices, e-mail and webhook rows follow the commit (fanout.py)."""
    push_type = push_kind(kind)
    push_type.validate_payload(payload)
    # A deactivated department receives nothing new; a merged one's successor does (R21).
    receivers = departments_in_office(receivers)
    if not receivers:
        return []
    sent_at = sent_at or timezone.now()
    deadline = add_working_days(sent_at, CLAIM_WORKING_DAYS)
    # No savepoint of its own: nothing here is retried, a failure fails the caller's work.
    with transaction.atomic(savepoint=False):
        pushes = [
            Push(
                kind=kind,
                sender=sender,
                receiver=receiver,
                sent_at=sent_at,
                sent_by_label=actor.label,
                deadline=deadline,
                title=subject.title[:300],
                payload=payload,
                subject_type=subject.subject_type,
                subject_id=subject.subject_id,
                counterparty_name=subject.counterparty_name,
                counterparty_code=subject.counterparty_code,
                reference_no=subject.reference_no,
                item_code=subject.item_code,
            )
            for receiver in receivers
        ]
        Push.objects.bulk_create(pushes)
        if pushes[0].pk is None:  # backends without RETURNING on bulk insert
            pushes = list(
                Push.objects.filter(
                    sender=sender,
                    subject_type=subject.subject_type,
                    subject_id=subject.subject_id,
                    kind=kind,
                    sent_at=sent_at,
                ).order_by("id")
            )
        audit_record_many(
            actor=actor,
            action="push.send",
            entries=[
                AuditEntry(
                    object_type="notifications.push",
                    object_id=str(push.pk),
                    details={
                        "kind": kind,
                        "receiver": push.receiver.code,
                        "deadline": push.deadline.isoformat(),
                        "subject": f"{subject.subject_type}:{subject.subject_id}",
                    },
                )
                for push in pushes
            ],
            department=sender,
            at=sent_at,
        )
        # The notices, e-mail and webhook rows only announce the push: they are written
        # after the commit, exactly once, by the fan-out (notifications/fanout.py explains
        # why that is safe and how nothing is lost).
        fanout_enqueue([push.pk for push in pushes])
    return pushes


def push_claim(*, push: Push, actor: Actor) -> Push:
    """The receiver claims a pending push (R3): one conditional UPDATE decides.

    A push whose deadline has passed is auto-claimed as overdue instead (R4), and the
    manual claim is refused, so a late click cannot erase the lateness.
    """
    if actor.department is None or push.receiver_id != actor.department.pk:
        raise PushConflict(_("Only the receiving department can claim this push."))
    now = timezone.now()
    user = _actor_user(actor)
    with transaction.atomic():
        won = Push.objects.filter(
            pk=push.pk, receiver=actor.department, state=PushState.PENDING, deadline__gte=now
        ).update(
            state=PushState.CLAIMED,
            state_rank=1,
            claimed_at=now,
            claimed_by=user,
            claimed_by_label=actor.label,
            # Stored once, so the monthly report aggregates it in the database.
            claim_working_minutes=working_minutes_between(push.sent_at, now),
        )
        if won:
            notices_resolve(push_ids=[push.pk], resolution=NoticeResolution.CLAIMED, now=now)
            audit_record(
                actor=actor,
                action="push.claim",
                object_type="notifications.push",
                object_id=push.pk,
                details={"kind": push.kind, "sender": push.sender.code},
                at=now,
            )
    push.refresh_from_db()
    if won:
        return push
    if push.state == PushState.PENDING and push.deadline < now:
        pushes_auto_claim_overdue(now=now, only_ids=[push.pk])
        push.refresh_from_db()
        raise PushConflict(
            _(
                "The claim deadline %(deadline)s has passed: the push was auto-claimed and the "
                "delay is recorded against your department."
            )
            % {"deadline": local_time(push.deadline)}
        )
    raise PushConflict(_already_claimed_message(push))


def _already_claimed_message(push: Push) -> str:
    if push.state == PushState.AUTO_CLAIMED:
        return _("This push was auto-claimed at its deadline %(deadline)s.") % {
            "deadline": local_time(push.deadline)
        }
    return _("This push was already claimed by %(who)s at %(when)s.") % {
        "who": push.claimed_by_label,
        "when": local_time(push.claimed_at),
    }


@dataclass(frozen=True)
class BulkClaimResult:
    claimed: list[int]
    refused: list[int]


def pushes_claim(*, push_ids: Iterable[int], actor: Actor) -> BulkClaimResult:
    """Claim several pending pushes of the actor's department at once."""
    wanted = sorted(set(push_ids))
    now = timezone.now()
    user = _actor_user(actor)
    with transaction.atomic():
        claimable = Push.objects.filter(
            pk__in=wanted, receiver=actor.department, state=PushState.PENDING, deadline__gte=now
        ).order_by("pk")
        locked = list(for_update_skip_locked(claimable).values_list("pk", "kind", "sent_at"))
        ids = [pk for pk, _kind, _sent in locked]
        minutes = Case(
            *[
                When(pk=pk, then=Value(working_minutes_between(sent_at, now)))
                for pk, _kind, sent_at in locked
            ],
            default=Value(None),
            output_field=PositiveIntegerField(),
        )
        Push.objects.filter(pk__in=ids, state=PushState.PENDING).update(
            state=PushState.CLAIMED,
            state_rank=1,
            claimed_at=now,
            claimed_by=user,
            claimed_by_label=actor.label,
            claim_working_minutes=minutes,
        )
        notices_resolve(push_ids=ids, resolution=NoticeResolution.CLAIMED, now=now)
        audit_record_many(
            actor=actor,
            action="push.claim",
            entries=[
                AuditEntry(
                    object_type="notifications.push", object_id=str(pk), details={"kind": kind}
                )
                for pk, kind, _sent in locked
            ],
            at=now,
        )
    # Overdue ones among the selection are auto-claimed, as a single claim would do.
    pushes_auto_claim_overdue(now=now, only_ids=wanted)
    return BulkClaimResult(claimed=ids, refused=[pk for pk in wanted if pk not in set(ids)])


# The notices that ask for a push's claim: the push's own and its deadline reminder.
CLAIM_NOTICE_KINDS = (NoticeKind.PUSH, NoticeKind.REMINDER)


def notices_resolve(*, push_ids: Sequence[int], resolution: str, now: datetime.datetime) -> int:
    """Mark the claim notices of these pushes done, in the caller's transaction: one
    set-based UPDATE over the push index, whatever the number of staff notified."""
    if not push_ids:
        return 0
    return Notification.objects.filter(
        push_id__in=push_ids, kind__in=CLAIM_NOTICE_KINDS, resolved_at__isnull=True
    ).update(resolved_at=now, resolution=resolution)


def for_update_skip_locked(queryset: QuerySet) -> QuerySet:
    """Lock the rows for this transaction, skipping rows another transaction holds. Only the
    queryset's own rows are locked, never those of select_related tables."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


def pushes_auto_claim_overdue(
    *,
    now: datetime.datetime | None = None,
    batch_size: int = SWEEP_BATCH_SIZE,
    only_ids: Sequence[int] | None = None,
    pause: float = 0.0,
) -> int:
    """Auto-claim every pending push whose deadline has passed (R4); return how many.

    Set-based and batched: each batch locks its rows (skipping rows another sweep or a
    manual claim holds), flips them in one UPDATE, charges the lateness to the receiving
    department and writes the audit events in bulk. Safe to run twice or concurrently. Each
    full batch is followed by `pause` times its time asleep (the beat's sweep: background.py).
    After a large sweep the planner statistics are refreshed (planner.py, PostgreSQL)."""
    now = now or timezone.now()
    total = 0
    if connection.vendor == "postgresql":
        claim_batch = _auto_claim_batch_postgresql
    else:
        claim_batch = _auto_claim_batch_portable
        batch_size = min(batch_size, PORTABLE_SWEEP_BATCH_SIZE)
    while True:
        started = time.monotonic()
        with transaction.atomic():
            rows = claim_batch(now=now, batch_size=batch_size, only_ids=only_ids)
            if not rows:
                break
            notices_resolve(
                push_ids=[pk for pk, *_rest in rows],
                resolution=NoticeResolution.AUTO_CLAIMED,
                now=now,
            )
            departments = Department.objects.in_bulk(
                {receiver_id for _pk, receiver_id, *_r in rows}
            )
            # Text messages (R4) before the audit events: the chain stays locked to the commit.
            sms_auto_claimed_record(
                receiver_counts=Counter(receiver_id for _pk, receiver_id, *_r in rows),
                names={pk: department.name for pk, department in departments.items()},
                now=now,
            )
            audit_record_many(
                actor=None,
                action="push.auto_claim",
                entries=[
                    AuditEntry(
                        object_type="notifications.push",
                        object_id=str(pk),
                        details={"kind": kind, "deadline": deadline.isoformat(), "overdue": True},
                        department=departments[receiver_id],
                    )
                    for pk, receiver_id, deadline, kind in rows
                ],
                at=now,
            )
        total += len(rows)
        if len(rows) < batch_size:
            break
        if pause:
            time.sleep((time.monotonic() - started) * pause)
    statistics_refresh_after_sweep(total)
    return total


_AutoClaimed = list[tuple[int, int, datetime.datetime, str]]

# One statement per batch: lock the oldest overdue pending rows (skipping rows a claim or
# another sweep holds), flip them and charge the lateness, returning what was flipped.
_AUTO_CLAIM_SQL = """
WITH picked AS (
    SELECT id FROM {push}
    WHERE state = %(pending)s AND deadline < %(now)s {only_ids}
    ORDER BY deadline, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
), flipped AS (
    UPDATE {push} AS push
    SET state = %(auto_claimed)s, state_rank = 1, claimed_at = push.deadline,
        claimed_by_id = NULL, claimed_by_label = 'system', overdue = true
    FROM picked
    WHERE push.id = picked.id AND push.state = %(pending)s
    RETURNING push.id, push.receiver_id, push.deadline, push.kind
), recorded AS (
    INSERT INTO {overdue} (department_id, obligation, object_type, object_id, deadline,
                           recorded_at)
    SELECT receiver_id, %(obligation)s, 'notifications.push', id::text, deadline, %(now)s
    FROM flipped
    ON CONFLICT DO NOTHING
)
SELECT id, receiver_id, deadline, kind FROM flipped ORDER BY deadline, id
"""


def _auto_claim_batch_postgresql(
    *, now: datetime.datetime, batch_size: int, only_ids: Sequence[int] | None
) -> _AutoClaimed:
    sql = _AUTO_CLAIM_SQL.format(
        push=Push._meta.db_table,
        overdue=OverdueRecord._meta.db_table,
        only_ids="" if only_ids is None else "AND id = ANY(%(ids)s)",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "pending": PushState.PENDING,
                "auto_claimed": PushState.AUTO_CLAIMED,
                "obligation": Obligation.CLAIM,
                "now": now,
                "limit": batch_size,
                "ids": list(only_ids or []),
            },
        )
        return [tuple(row) for row in cursor.fetchall()]


def _auto_claim_batch_portable(
    *, now: datetime.datetime, batch_size: int, only_ids: Sequence[int] | None
) -> _AutoClaimed:
    overdue = Push.objects.filter(state=PushState.PENDING, deadline__lt=now)
    if only_ids is not None:
        overdue = overdue.filter(pk__in=only_ids)
    rows = list(
        for_update_skip_locked(overdue.order_by("deadline", "pk")).values_list(
            "pk", "receiver_id", "deadline", "kind"
        )[:batch_size]
    )
    if not rows:
        return rows
    Push.objects.filter(pk__in=[pk for pk, *_rest in rows], state=PushState.PENDING).update(
        state=PushState.AUTO_CLAIMED,
        state_rank=1,
        claimed_at=F("deadline"),
        claimed_by=None,
        claimed_by_label="system",
        overdue=True,
    )
    OverdueRecord.objects.bulk_create(
        [
            OverdueRecord(
                department_id=receiver_id,
                obligation=Obligation.CLAIM,
                object_type="notifications.push",
                object_id=str(pk),
                deadline=deadline,
                recorded_at=now,
            )
            for pk, receiver_id, deadline, _kind in rows
        ],
        ignore_conflicts=True,
    )
    return rows


def notifications_mark_read(*, user: Any, ids: Sequence[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def notification_preferences_save(
    *, user: Any, email: bool, sms: bool | None = None, mobile: str | None = None
) -> None:
    """A person's own choice of e-mail and SMS reminders (in-app notices always arrive);
    `sms` and `mobile` are left as they are when not given."""
    from organizations.models import StaffMembership

    changes: dict[str, Any] = {"email_notifications": email}
    details: dict[str, Any] = {"email": email}
    if sms is not None:
        changes["sms_reminders"] = details["sms"] = sms
    if mobile is not None:
        changes["mobile"] = mobile
        # The trail says that the number changed, not the number (personal data).
        details["mobile_set"] = bool(mobile)
    StaffMembership.objects.filter(user=user).update(**changes)
    audit_record(actor=user, action="notifications.preferences", details=details)

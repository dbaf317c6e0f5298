"""A push's fan-out, after its sender's commit: the in-app notices, the e-mail outbox rows and
the webhook outbox row that tell the receiving department (R1, R6).

Why after the commit. R1 makes the decision and its pushes one transaction: the push is
what reaches the receiver, and it is in its inbox, under its supervision (R3) and counting
towards its claim deadline (R4) from the moment of the commit; R2's snapshot is the push's
payload; R20's audit event of each push is written with it. The notices, e-mails and webhook
rows only *announce* a push that already exists: none of them is read by R1–R5, and none can
exist without the push. So they are left out of the decision's transaction — which stays as
short as the rules allow — on one condition: nothing can be lost.

How nothing is lost. The push is its own outbox. `Push.fanned_out_at` is null until its
fan-out is written; the commit queues one task per transaction (`transaction.on_commit`,
robust: a broker outage is logged and the decision stands) and the beat sweep
`notifications.fan_out_missing` (every minute) fans out every push still unannounced after
`PUSH_FANOUT_GRACE_SECONDS` — a process killed between its commit and the enqueue, a broker
that was down, a worker killed mid-task (its transaction is rolled back, the marker stays
null). Each fan-out locks its pushes (`FOR UPDATE SKIP LOCKED … WHERE fanned_out_at IS
NULL`) and writes their rows and the marker in one transaction, so the task and the sweep
racing each other fan a push out exactly once.

One task per busy moment, not per commit. Publishing a task costs a decision about as
much as one of its statements, so a process publishes at most one fan-out task per
`FANOUT_COALESCE_SECONDS`, due that long after its publish, and the task fans out every
push still missing when it runs. A commit that finds its process's window open publishes
nothing: the window's task is due after the window ends, so after this commit, and takes
this push with the rest. (Workers on other hosts run it at the publisher's clock: a skew
larger than the window only leaves a push to the sweep.)
"""

import datetime
import threading
import time
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .kinds import push_kind
from .models import NoticeKind, NoticeResolution, Push, PushState
from .services import (
    DepartmentNotice,
    departments_notify,
    for_update_skip_locked,
    local_time,
    notices_resolve,
)
from .webhooks import webhook_deliveries_record

# Pushes per sweep transaction: one staff query and three bulk INSERTs each.
FANOUT_BATCH_SIZE = 500
# At most one fan-out task per process per window; the notices wait this much longer.
FANOUT_COALESCE_SECONDS = 0.2

_window = threading.Lock()
_window_ends = 0.0  # time.monotonic() at which this process's open window closes


def fanout_grace() -> datetime.timedelta:
    """How long a push may wait for its after-commit task before the sweep takes it."""
    return datetime.timedelta(seconds=settings.PUSH_FANOUT_GRACE_SECONDS)


def pushes_fan_out(
    *,
    push_ids: Sequence[int] | None = None,
    sent_before: datetime.datetime | None = None,
    limit: int = FANOUT_BATCH_SIZE,
) -> int:
    """Fan out the given pushes (or up to `limit` of those sent before `sent_before`) whose
    fan-out is still missing, in one transaction; returns how many this call fanned out.
    A push another transaction is fanning out is skipped, one already done is not seen."""
    missing = Push.objects.filter(fanned_out_at__isnull=True)
    if push_ids is not None:
        missing = missing.filter(pk__in=list(push_ids))
    if sent_before is not None:
        missing = missing.filter(sent_at__lt=sent_before)
    with transaction.atomic():
        pushes = list(
            for_update_skip_locked(
                missing.select_related("sender", "receiver").order_by("sent_at", "pk")[:limit]
            )
        )
        if not pushes:
            return 0
        now = timezone.now()
        # Webhook rows first: the sender's language never reaches them; the notices are
        # written in the platform's language, whoever's request made the push.
        webhook_deliveries_record(pushes=pushes, now=now)
        with translation.override(settings.LANGUAGE_CODE):
            departments_notify(notices=[_claim_notice(push) for push in pushes], now=now)
        _resolve_settled(pushes, now=now)
        Push.objects.filter(pk__in=[push.pk for push in pushes]).update(fanned_out_at=now)
    return len(pushes)


def pushes_fan_out_missing(*, now: datetime.datetime) -> int:
    """The beat sweep: every push whose fan-out is still missing a grace period after it
    was sent, batch by batch. Safe to run twice or next to the after-commit tasks."""
    return _fan_out_batches(sent_before=now - fanout_grace())


def pushes_fan_out_due(push_ids: Sequence[int] | None = None) -> int:
    """The after-commit task: these pushes, then every other push whose fan-out is still
    missing (the commits its coalescing window left to it), batch by batch."""
    total = pushes_fan_out(push_ids=push_ids) if push_ids else 0
    return total + _fan_out_batches(sent_before=None)


def _fan_out_batches(*, sent_before: datetime.datetime | None) -> int:
    total = 0
    while True:
        done = pushes_fan_out(sent_before=sent_before)
        total += done
        if done < FANOUT_BATCH_SIZE:
            return total


def fanout_publish(push_ids: Sequence[int]) -> None:
    """The commit's callback (services.fanout_enqueue): publish the fan-out task unless a
    task this process published is still due to run after this commit (see above)."""
    global _window_ends
    from .tasks import fan_out_pushes

    if fan_out_pushes.app.conf.task_always_eager:  # run at once: a countdown means nothing
        fan_out_pushes.delay(list(push_ids))
        return
    with _window:
        opened = time.monotonic()
        if opened < _window_ends:
            return
        _window_ends = opened + FANOUT_COALESCE_SECONDS
    try:
        fan_out_pushes.apply_async((list(push_ids),), countdown=FANOUT_COALESCE_SECONDS)
    except Exception:
        # Nothing published: the next commit publishes (what is missed meanwhile is the
        # sweep's), and the caller's robust on_commit logs the error.
        with _window:
            _window_ends = 0.0
        raise


def _claim_notice(push: Push) -> DepartmentNotice:
    title = _("New %(kind)s from %(sender)s: %(title)s") % {
        "kind": push_kind(push.kind).label,
        "sender": push.sender.name,
        "title": push.title,
    }
    body = _("Please claim it by %(deadline)s (1 working day).") % {
        "deadline": local_time(push.deadline)
    }
    return DepartmentNotice(
        department_id=push.receiver_id,
        title=title,
        body=body,
        url=reverse("notifications:push-detail", args=[push.pk]),
        push_id=push.pk,
        kind=NoticeKind.PUSH,
    )


def _resolve_settled(pushes: Sequence[Push], *, now: datetime.datetime) -> None:
    """A push claimed (or auto-claimed) before its fan-out gets its notices already done,
    as a claim after the fan-out would have left them (the claim waits for this lock)."""
    for state, resolution in (
        (PushState.CLAIMED, NoticeResolution.CLAIMED),
        (PushState.AUTO_CLAIMED, NoticeResolution.AUTO_CLAIMED),
    ):
        settled = [push.pk for push in pushes if push.state == state]
        notices_resolve(push_ids=settled, resolution=resolution, now=now)

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
"""

import datetime
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
    total = 0
    cutoff = now - fanout_grace()
    while True:
        done = pushes_fan_out(sent_before=cutoff)
        total += done
        if done < FANOUT_BATCH_SIZE:
            return total


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

"""Races on PostgreSQL: one conditional UPDATE decides who wins, every time."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import OverdueRecord, Push, PushState
from notifications.services import PushConflict, push_claim, pushes_auto_claim_overdue
from organizations.scoping import actor_for_user
from tests.factories import bulk_pushes

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def make_pushes(sender, receiver, count: int, *, deadline: datetime.datetime) -> list[Push]:
    return bulk_pushes(
        sender=sender,
        receivers=[receiver],
        count=count,
        sent_at=timezone.now(),
        deadline=deadline,
        title="race",
    )


def run_together(*targets) -> None:
    barrier = threading.Barrier(len(targets))

    def wrap(target):
        def run():
            try:
                barrier.wait()
                target()
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def test_manual_claim_and_the_sweep_on_one_push_have_exactly_one_winner_200_times(
    require_postgres, approval_department, supervision_department, supervision_clerk
):
    actor = actor_for_user(supervision_clerk)
    deadline = timezone.now() + datetime.timedelta(hours=1)
    # The sweep runs "after" the deadline while the clerk clicks before it: both may act.
    sweep_now = deadline + datetime.timedelta(minutes=1)
    pushes = make_pushes(approval_department, supervision_department, 200, deadline=deadline)
    for push in pushes:
        outcome: dict[str, object] = {}

        def claim(push=push, outcome=outcome):
            try:
                push_claim(push=Push.objects.get(pk=push.pk), actor=actor)
                outcome["claim"] = True
            except PushConflict:
                outcome["claim"] = False

        def sweep(push=push, outcome=outcome):
            outcome["sweep"] = pushes_auto_claim_overdue(now=sweep_now, only_ids=[push.pk])

        run_together(claim, sweep)
        assert (outcome["claim"], outcome["sweep"]) in {(True, 0), (False, 1)}, outcome
        push.refresh_from_db()
        if outcome["claim"]:
            assert push.state == PushState.CLAIMED and not push.overdue
        else:
            assert push.state == PushState.AUTO_CLAIMED and push.overdue
    ids = [str(p.pk) for p in pushes]
    claims = AuditEvent.objects.filter(action="push.claim", object_id__in=ids).count()
    autos = AuditEvent.objects.filter(action="push.auto_claim", object_id__in=ids).count()
    assert claims + autos == 200
    assert OverdueRecord.objects.filter(object_id__in=ids).count() == autos


def test_two_sweeps_at_once_claim_every_push_once_with_one_audit_event_each(
    require_postgres, approval_department, supervision_department
):
    deadline = timezone.now() - datetime.timedelta(minutes=5)
    pushes = make_pushes(approval_department, supervision_department, 600, deadline=deadline)
    counts: list[int] = []

    def sweep():
        counts.append(pushes_auto_claim_overdue(batch_size=50))

    run_together(sweep, sweep)
    assert sum(counts) == 600
    ids = [str(p.pk) for p in pushes]
    assert Push.objects.filter(state=PushState.AUTO_CLAIMED).count() == 600
    assert AuditEvent.objects.filter(action="push.auto_claim", object_id__in=ids).count() == 600
    assert OverdueRecord.objects.filter(object_id__in=ids).count() == 600

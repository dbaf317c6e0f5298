"""A push's fan-out follows its sender's commit (R1, R6; notifications/fanout.py): the
decision writes the pushes and their audit events only; one task queued by the commit writes
the notices, e-mail and webhook rows once; the beat sweep takes any push left unannounced."""

import datetime

import pytest
import time_machine

from audit.models import AuditEvent
from linzi_platform.celery import app
from notifications import fanout
from notifications.fanout import (
    FANOUT_COALESCE_SECONDS,
    fanout_publish,
    pushes_fan_out,
    pushes_fan_out_missing,
)
from notifications.models import Delivery, DeliveryChannel, Notification, Push, PushState
from notifications.services import push_claim
from notifications.sweeps import sweeps
from notifications.tasks import fan_out_pushes
from notifications.webhooks import webhook_register
from organizations.scoping import actor_for_user
from tests.helpers import at

pytestmark = pytest.mark.django_db

DECIDED = at("2026-11-25T10:00")


def queued(callbacks: list) -> list[str]:
    """What the on-commit callbacks publish: a Celery task's name (a bound `delay` or a
    partial of it), or the fan-out's publisher (a partial of `fanout_publish`)."""
    names = []
    for callback in callbacks:
        bound = getattr(callback, "func", callback)
        if bound is fanout_publish:
            names.append("notifications.fan_out_pushes")
            continue
        names.append(getattr(getattr(bound, "__self__", None), "name", ""))
    return names


def rows() -> tuple[int, int, int]:
    return (
        Notification.objects.count(),
        Delivery.objects.filter(channel=DeliveryChannel.EMAIL).count(),
        Delivery.objects.filter(channel=DeliveryChannel.WEBHOOK).count(),
    )


def test_the_decision_writes_pushes_and_audit_but_leaves_the_notices_to_one_task_after_commit(
    decide, supervision_department, supervision_clerk, django_capture_on_commit_callbacks,
    eager_tasks,
):  # fmt: skip
    webhook_register(department=supervision_department, url="https://partner.example.cn/hook")
    with time_machine.travel(DECIDED, tick=False):
        with django_capture_on_commit_callbacks() as callbacks:
            licence = decide(fan_out=False)
        pushes = list(Push.objects.filter(subject_id=str(licence.pk)))
        # R1, R20: the pushes and their audit events are the decision's own work.
        assert len(pushes) == 2
        assert all(push.fanned_out_at is None for push in pushes)
        assert AuditEvent.objects.filter(action="push.send").count() == 2
        assert rows() == (0, 0, 0)
        assert queued(callbacks).count("notifications.fan_out_pushes") == 1
        # The commit runs the task (eagerly here, as a worker would).
        for callback in callbacks:
            callback()
    notices, emails, webhooks = rows()
    assert notices >= 1 and emails >= 1 and webhooks == 1
    assert Notification.objects.filter(user=supervision_clerk, push__in=pushes).count() == 1
    assert all(
        push.fanned_out_at == DECIDED for push in Push.objects.filter(pk__in=[p.pk for p in pushes])
    )
    # Once: the task again, and the sweep long after, find nothing left to do.
    for callback in callbacks:
        callback()
    assert pushes_fan_out_missing(now=DECIDED + datetime.timedelta(days=1)) == 0
    assert rows() == (notices, emails, webhooks)


def test_the_notice_is_written_in_the_platforms_language_and_names_the_push(
    decide, supervision_clerk
):
    with time_machine.travel(DECIDED, tick=False):
        licence = decide()
    notice = Notification.objects.get(user=supervision_clerk)
    assert notice.push.subject_id == str(licence.pk)
    assert licence.item.name in notice.title and "2026-11-26 17:30" in notice.body
    assert notice.url.endswith(f"/{notice.push_id}/")


def test_the_sweep_waits_out_the_grace_period_then_fans_out_what_was_missed(
    decide, supervision_clerk
):
    with time_machine.travel(DECIDED, tick=False):
        licence = decide(fan_out=False)
    assert pushes_fan_out_missing(now=DECIDED + datetime.timedelta(seconds=30)) == 0
    assert rows() == (0, 0, 0)
    assert pushes_fan_out_missing(now=DECIDED + datetime.timedelta(minutes=2)) == 2
    assert not Push.objects.filter(subject_id=str(licence.pk), fanned_out_at=None).exists()
    assert Notification.objects.filter(user=supervision_clerk).count() == 1
    assert pushes_fan_out_missing(now=DECIDED + datetime.timedelta(minutes=3)) == 0


def test_a_push_claimed_before_its_fan_out_gets_its_notice_already_done(
    decide, supervision_department, supervision_clerk
):
    with time_machine.travel(DECIDED, tick=False):
        licence = decide(fan_out=False)
        push = Push.objects.get(subject_id=str(licence.pk), receiver=supervision_department)
        push_claim(push=push, actor=actor_for_user(supervision_clerk))
        assert pushes_fan_out(push_ids=[push.pk]) == 1
    push.refresh_from_db()
    assert push.state == PushState.CLAIMED
    notice = Notification.objects.get(user=supervision_clerk, push=push)
    assert notice.resolved_at is not None and notice.resolution == "claimed"


def test_the_fan_out_sweep_is_on_the_beat_every_minute_and_settles_no_deadline():
    entries = [e for e in app.conf.beat_schedule.values() if e["task"].endswith("fan_out_missing")]
    assert entries == [{"task": "notifications.fan_out_missing", "schedule": 60}]
    sweep = next(s for s in sweeps() if s.task == "notifications.fan_out_missing")
    assert sweep.settles_deadlines is False


class _Publishes:
    """Stands in for the broker: the fan-out tasks a process publishes, and when."""

    def __init__(self, monkeypatch) -> None:
        self.calls: list[tuple[tuple, dict]] = []
        self.clock = 1000.0
        self.refuse = False
        monkeypatch.setattr(fanout.time, "monotonic", lambda: self.clock)
        monkeypatch.setattr(fan_out_pushes, "apply_async", self)

    def __call__(self, args: tuple, **options) -> None:
        if self.refuse:
            raise ConnectionRefusedError("broker down")
        self.calls.append((args, options))


def test_a_process_publishes_one_fan_out_task_per_window_due_after_it(monkeypatch):
    publishes = _Publishes(monkeypatch)
    fanout_publish([1, 2])
    publishes.clock += FANOUT_COALESCE_SECONDS / 2
    fanout_publish([3])  # the window's task is due after this commit: nothing published
    assert publishes.calls == [(([1, 2],), {"countdown": FANOUT_COALESCE_SECONDS})]
    publishes.clock += FANOUT_COALESCE_SECONDS / 2
    fanout_publish([4])
    assert [args for args, _options in publishes.calls] == [([1, 2],), ([4],)]


def test_a_publish_the_broker_refused_leaves_the_window_closed_for_the_next_commit(
    monkeypatch,
):
    publishes = _Publishes(monkeypatch)
    publishes.refuse = True
    with pytest.raises(ConnectionRefusedError):
        fanout_publish([1])
    publishes.refuse = False
    fanout_publish([2])
    assert [args for args, _options in publishes.calls] == [([2],)]


def test_the_windows_task_fans_out_the_pushes_of_the_commits_that_published_nothing(
    decide, supervision_clerk
):
    with time_machine.travel(DECIDED, tick=False):
        first = decide(fan_out=False)
        second = decide(fan_out=False)
        told = [p.pk for p in Push.objects.filter(subject_id=str(first.pk))]
        assert fan_out_pushes(told) == 4
    pushes = Push.objects.filter(subject_id__in=[str(first.pk), str(second.pk)])
    assert pushes.count() == 4 and not pushes.filter(fanned_out_at=None).exists()
    assert Notification.objects.filter(user=supervision_clerk).count() == 2
    assert fan_out_pushes(told) == 0

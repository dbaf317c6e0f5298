"""Races at scale on PostgreSQL, with threads (R3, R4: one winner per transition).

Each race is genuine: the two contenders are released by one barrier per push and act on
the same row at the same moment. Persistent thread pairs (one connection each) keep 1000
races well under a minute.
"""

import datetime
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import Licence
from audit.models import AuditEvent
from audit.services import verify_chain
from notifications.models import OverdueRecord, Push, PushState
from notifications.services import PushConflict, push_claim, pushes_auto_claim_overdue
from notifications.tasks import auto_claim_overdue
from organizations.models import IdempotencyRecord
from organizations.scoping import actor_for_user
from tests.clients import api_for
from tests.factories import ApprovalItemFactory, DepartmentFactory
from tests.notifications.test_api import licence_body
from tests.notifications.test_races import make_pushes

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RACES = 1000
PAIRS = 4  # thread pairs racing side by side, each over its own share of the pushes
RETRIES = 50
SWEPT = 3000


def run_threads(targets: list[Callable[[], None]]) -> list[BaseException]:
    """Run the targets in threads, each with its own connection; return their errors."""
    errors: list[BaseException] = []

    def wrap(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as exc:  # reported to the test thread
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(target)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return errors


def test_a_thousand_claim_versus_auto_claim_races_each_have_exactly_one_winner(
    require_postgres, approval_department, supervision_department, supervision_clerk
):
    actor = actor_for_user(supervision_clerk)
    deadline = timezone.now() + datetime.timedelta(hours=1)
    # The sweep runs "after" the deadline while the clerk clicks before it: both may act.
    sweep_now = deadline + datetime.timedelta(minutes=1)
    make_pushes(approval_department, supervision_department, RACES, deadline=deadline)
    pushes = list(Push.objects.select_related("sender").order_by("pk"))
    claimed: dict[int, bool] = {}
    swept: dict[int, int] = {}

    def pair(share: list[Push]) -> list[Callable[[], None]]:
        barrier = threading.Barrier(2, timeout=120)

        def clerk() -> None:
            for push in share:
                barrier.wait()
                try:
                    push_claim(push=push, actor=actor)
                    claimed[push.pk] = True
                except PushConflict:
                    claimed[push.pk] = False

        def sweep() -> None:
            for push in share:
                barrier.wait()
                swept[push.pk] = pushes_auto_claim_overdue(now=sweep_now, only_ids=[push.pk])

        return [clerk, sweep]

    targets = [target for n in range(PAIRS) for target in pair(pushes[n::PAIRS])]
    assert run_threads(targets) == []

    assert len(claimed) == len(swept) == RACES
    outcomes = Counter((claimed[push.pk], swept[push.pk]) for push in pushes)
    assert set(outcomes) <= {(True, 0), (False, 1)}, outcomes
    states = dict(Push.objects.values_list("pk", "state"))
    for push in pushes:
        won_by_clerk = claimed[push.pk]
        assert states[push.pk] == (PushState.CLAIMED if won_by_clerk else PushState.AUTO_CLAIMED)
    ids = [str(push.pk) for push in pushes]
    events = Counter(
        AuditEvent.objects.filter(
            action__in=["push.claim", "push.auto_claim"], object_id__in=ids
        ).values_list("object_id", flat=True)
    )
    assert events == Counter({pk: 1 for pk in ids}), "exactly one winner, one audit event"
    autos = outcomes[(False, 1)]
    assert Push.objects.filter(overdue=True).count() == autos
    assert OverdueRecord.objects.filter(object_id__in=ids).count() == autos
    assert verify_chain().ok


def test_fifty_concurrent_retries_with_one_idempotency_key_record_one_licence(
    require_postgres, approval_department, supervision_department
):
    second = DepartmentFactory(code="wsjk-retry", name="重试测试卫健局")
    ApprovalItemFactory(code="food", supervision_departments=[supervision_department, second])
    key_header = api_for(approval_department)._credentials["HTTP_AUTHORIZATION"]
    barrier = threading.Barrier(RETRIES, timeout=120)
    responses: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def retry() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=key_header)
        barrier.wait()
        response = client.post(
            "/api/v1/licences/",
            licence_body(),
            format="json",
            HTTP_IDEMPOTENCY_KEY="retry-storm-50",
        )
        with lock:
            responses.append((response.status_code, response.json()))

    assert run_threads([retry] * RETRIES) == []

    assert len(responses) == RETRIES
    assert {status for status, _body in responses} == {201}
    bodies = [body for _status, body in responses]
    assert all(body == bodies[0] for body in bodies), "every retry answers the first response"
    licence = Licence.objects.get()
    assert bodies[0]["id"] == licence.pk
    assert Push.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="licence.decide").count() == 1
    assert AuditEvent.objects.filter(action="push.send").count() == 2
    assert verify_chain().ok


def test_two_beat_sweeps_at_once_auto_claim_every_push_once_with_one_audit_event_each(
    require_postgres, approval_department, supervision_department
):
    deadline = timezone.now() - datetime.timedelta(minutes=5)
    pushes = make_pushes(approval_department, supervision_department, SWEPT, deadline=deadline)
    counts: list[int] = []
    barrier = threading.Barrier(2, timeout=120)

    def beat_sweep() -> None:
        barrier.wait()
        counts.append(auto_claim_overdue())  # the beat task's body, default batch size

    assert run_threads([beat_sweep, beat_sweep]) == []

    assert sum(counts) == SWEPT
    ids = [str(p.pk) for p in pushes]
    assert Push.objects.filter(state=PushState.AUTO_CLAIMED, overdue=True).count() == SWEPT
    events = Counter(
        AuditEvent.objects.filter(action="push.auto_claim").values_list("object_id", flat=True)
    )
    assert events == Counter({pk: 1 for pk in ids})
    assert OverdueRecord.objects.filter(object_id__in=ids).count() == SWEPT
    assert verify_chain().ok

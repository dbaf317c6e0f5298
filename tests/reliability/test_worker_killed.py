"""Worker killed (R1, R4, R20: nothing lost): a real Celery worker is SIGKILLed in the middle of
an auto-claim sweep, of a webhook batch and of an e-mail batch; nothing is lost, nothing
that matters is done twice.

What guarantees recovery:

- Tasks are acknowledged late (`task_acks_late`): the killed worker's message stays
  unacknowledged in Redis and is delivered again after the transport's visibility timeout
  (`CELERY_VISIBILITY_TIMEOUT`, 3600 s in production, 3 s for the workers here). With a
  prefork pool, `task_reject_on_worker_lost` requeues at once when only the child dies.
  Beat also re-sends every sweep on its schedule, so even a lost message only delays.
- The auto-claim sweep is idempotent by construction: each batch is one transaction (the
  killed batch is rolled back by PostgreSQL when the connection dies) and the next run
  takes whatever is still pending; one conditional UPDATE per batch, so one audit event
  and one overdue record per push.
- A webhook batch is leased (next_attempt_at moved 10 minutes ahead) before any POST, and
  each result is written as it comes. A killed worker's sent rows are recorded; its
  in-flight and untried rows come due again when the lease ends and the beat retry task
  (every minute) sends them. Delivery is at-least-once: the in-flight push may arrive
  twice, with the same push id (the receiver's deduplication key).
- E-mail outbox rows are sent one per transaction (the row locked while it is sent): a
  killed worker has recorded every e-mail it sent except the one in flight, which the
  redelivered task sends again.
"""

import datetime
import re
from collections import Counter

import pytest

from audit.models import AuditEvent
from audit.services import verify_chain
from notifications.background import BACKGROUND_SWEEP_BATCH_SIZE
from notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryChannel,
    DeliveryStatus,
    OverdueRecord,
    Push,
    PushState,
)
from notifications.tasks import auto_claim_overdue
from notifications.webhooks import webhook_register, webhooks_send_pending
from organizations.models import StaffRole
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    StaffFactory,
    bulk_pushes,
    record_licence,
)
from tests.reliability.helpers import (
    gate_install,
    gate_release,
    other_backends,
    process_env,
    smtp_env,
    wait_until,
    waiting_at_gate,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = "3"
ADVISORY_KEY = 104_010  # the lock a test holds to stop the sweep inside its second batch


def worker_env(broker_url: str) -> dict[str, str]:
    return process_env(broker_url=broker_url, CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)


def sweep_is_waiting_on_the_test() -> bool:
    return waiting_at_gate(ADVISORY_KEY)


def task_ids(log: str, task: str) -> list[str]:
    return re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", log)


def the_task_id(log: str, task: str) -> str:
    """The one message of `task` the workers received. A message held unacknowledged longer
    than the 3 s visibility timeout may be received again, by the same worker too, under
    the same id: every line names that one id."""
    ids = set(task_ids(log, task))
    assert len(ids) == 1, log
    return ids.pop()


@pytest.fixture
def stop_in_the_second_batch(require_postgres):
    """A test-only trigger: the sweep's UPDATE of one chosen push waits for an advisory lock
    the test holds, so the worker can be killed mid-sweep at a known point."""

    def install(push_pk: int) -> None:
        gate_install(
            key=ADVISORY_KEY,
            name="reliability_wait",
            table="notifications_push",
            event="UPDATE",
            when="OLD.id = %s",
            params=[push_pk],
        )

    def release() -> None:
        gate_release(name="reliability_wait", table="notifications_push")

    yield install, release
    release()


def test_a_worker_killed_in_the_middle_of_the_auto_claim_sweep_loses_nothing(
    require_redis, stop_in_the_second_batch, workers
):
    install, release = stop_in_the_second_batch
    approval = ApprovalDepartmentFactory(code="xzsp-kill", name="杀进程测试行政审批服务局")
    receivers = [DepartmentFactory(code=f"kill-{n}") for n in range(3)]
    first_batch = BACKGROUND_SWEEP_BATCH_SIZE  # the beat's task sweeps in batches of this
    total = first_batch + 500
    base = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
    # Distinct deadlines: the sweep takes them in this order, batch by batch.
    pushes = bulk_pushes(
        sender=approval,
        receivers=receivers,
        count=total,
        sent_at=base,
        deadline=base,
        deadline_step=datetime.timedelta(seconds=1),
        title="overdue",
    )
    install(pushes[first_batch + 200].pk)  # inside the second batch

    worker = workers.start(worker_env(require_redis))
    auto_claim_overdue.delay()  # as beat sends it
    wait_until(sweep_is_waiting_on_the_test, what="the sweep to reach its second batch")
    # Mid-sweep: the first batch is committed, the second is being written.
    assert Push.objects.filter(state=PushState.AUTO_CLAIMED).count() == first_batch

    workers.kill(worker)
    release()
    # PostgreSQL rolls the killed worker's open batch back once its backend notices.
    wait_until(lambda: other_backends() == 0, what="the killed worker's connection to end")
    assert Push.objects.filter(state=PushState.AUTO_CLAIMED).count() == first_batch
    assert AuditEvent.objects.filter(action="push.auto_claim").count() == first_batch
    task_id = the_task_id(workers.logs(), "notifications.auto_claim_overdue")

    # A new worker gets the unacknowledged message again (nothing else is sent) and the
    # sweep finishes the work.
    workers.start(worker_env(require_redis))
    wait_until(
        lambda: not Push.objects.filter(state=PushState.PENDING).exists(),
        what="the redelivered sweep to finish",
    )
    received = task_ids(workers.logs(), "notifications.auto_claim_overdue")
    assert set(received) == {task_id} and len(received) >= 2
    ids = [str(p.pk) for p in pushes]
    assert Push.objects.filter(state=PushState.AUTO_CLAIMED, overdue=True).count() == total
    events = Counter(
        AuditEvent.objects.filter(action="push.auto_claim").values_list("object_id", flat=True)
    )
    assert events == Counter({pk: 1 for pk in ids}), "one audit event per auto-claim"
    assert OverdueRecord.objects.filter(object_id__in=ids).count() == total
    assert verify_chain().ok


def test_a_worker_killed_during_a_webhook_batch_loses_no_delivery(
    require_postgres, require_redis, workers, webhook_receiver
):
    approval = ApprovalDepartmentFactory(code="xzsp-hook", name="杀进程测试审批局")
    clerk = StaffFactory(department=approval, role=StaffRole.CLERK).user
    receivers = [DepartmentFactory(code=f"hook-{n}") for n in range(3)]
    for department in receivers:
        webhook_register(department=department, url=webhook_receiver.url)
    item = ApprovalItemFactory(code="hook-item", supervision_departments=receivers)
    # The second POST of the batch is held open until the worker has been killed.
    webhook_receiver.hold = {2}

    worker = workers.start(worker_env(require_redis))
    # Committed here; its after-commit enqueue reaches the worker through Redis.
    licence = record_licence(
        clerk,
        item,
        name="临淄杀进程测试有限公司",
        credit_body="91370305MA3K0001",
        licence_no="JY13703059990001",
    )
    # The rows are written by the push's fan-out, which the worker runs just after the
    # decision's commit (notifications.fan_out_pushes).
    deliveries = Delivery.objects.filter(
        channel=DeliveryChannel.WEBHOOK, push__subject_id=str(licence.pk)
    ).order_by("pk")
    wait_until(lambda: deliveries.count() == 3, what="the push's fan-out")
    rows = list(deliveries)
    assert webhook_receiver.held.wait(timeout=90), workers.logs()
    workers.kill(worker)
    webhook_receiver.release.set()
    task_id = the_task_id(workers.logs(), "notifications.send_pending_webhooks")

    # What the killed worker left: the first row sent and logged, the others leased.
    first, in_flight, untried = (Delivery.objects.get(pk=row.pk) for row in rows)
    assert first.status == DeliveryStatus.SENT
    assert (in_flight.status, untried.status) == (DeliveryStatus.PENDING,) * 2
    assert in_flight.next_attempt_at == untried.next_attempt_at > first.sent_at
    lease_until = in_flight.next_attempt_at
    assert len(webhook_receiver.requests) == 2

    # The message is delivered again to a new worker; while the lease holds, the rows it
    # leased are nobody's to send, so the rerun posts nothing.
    workers.start(worker_env(require_redis))
    wait_until(
        lambda: f"notifications.send_pending_webhooks[{task_id}] succeeded" in workers.logs(),
        what="the redelivered webhook task",
    )
    assert len(webhook_receiver.requests) == 2

    # The beat retry task at the end of the lease finishes the batch.
    assert webhooks_send_pending(now=lease_until) == 2
    assert Counter(
        Delivery.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)
    ) == Counter({DeliveryStatus.SENT: 3})
    # At least once: the in-flight push arrived twice (same push id, same bytes), the
    # others once.
    assert webhook_receiver.push_ids() == Counter(
        {first.push_id: 1, in_flight.push_id: 2, untried.push_id: 1}
    )
    bodies = [r["body"] for r in webhook_receiver.requests]
    assert bodies.count(in_flight.body.encode()) == 2
    assert DeliveryAttempt.objects.filter(delivery__in=rows, status_code=204).count() == 3
    assert webhooks_send_pending(now=lease_until + datetime.timedelta(hours=1)) == 0
    assert verify_chain().ok


def test_a_worker_killed_in_the_middle_of_sending_e_mail_resends_only_the_one_in_flight(
    require_postgres, require_redis, workers, smtp_sink
):
    approval = ApprovalDepartmentFactory(code="xzsp-mail", name="杀进程测试审批局（邮件）")
    clerk = StaffFactory(department=approval, role=StaffRole.CLERK).user
    market = DepartmentFactory(code="mail-0")
    for _n in range(3):
        StaffFactory(department=market)
    item = ApprovalItemFactory(code="mail-item", supervision_departments=[market])
    # The second e-mail is accepted by the SMTP server, but its answer is held until the
    # worker has been killed: the worker dies not knowing it was sent.
    smtp_sink.hold = {2}
    env = {**worker_env(require_redis), **smtp_env(smtp_sink)}

    worker = workers.start(env)
    licence = record_licence(
        clerk,
        item,
        name="临淄邮件测试有限公司",
        credit_body="91370305MA3M0001",
        licence_no="JY13703059990002",
    )
    # The rows are written by the push's fan-out, which the worker runs just after the
    # decision's commit (notifications.fan_out_pushes).
    deliveries = Delivery.objects.filter(
        channel=DeliveryChannel.EMAIL, push__subject_id=str(licence.pk)
    ).order_by("next_attempt_at", "pk")
    wait_until(lambda: deliveries.count() == 3, what="the push's fan-out")
    rows = list(deliveries)
    assert smtp_sink.held.wait(timeout=90), workers.logs()
    workers.kill(worker)
    smtp_sink.release.set()
    wait_until(lambda: other_backends() == 0, what="the killed worker's connection to end")

    # Each e-mail is recorded as sent in its own transaction: the first one stays sent.
    statuses = [Delivery.objects.get(pk=row.pk).status for row in rows]
    assert statuses == [DeliveryStatus.SENT, DeliveryStatus.PENDING, DeliveryStatus.PENDING]

    workers.start(env)  # the unacknowledged message is delivered to it again
    wait_until(
        lambda: not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists(),
        what="the redelivered e-mail task",
    )
    sent = smtp_sink.counts()
    expected = [(row.address, row.subject) for row in rows]
    # At least once; twice only for the one whose answer the killed worker never read.
    assert [sent[key] for key in expected] == [1, 2, 1]
    assert set(Delivery.objects.filter(pk__in=[r.pk for r in rows]).values_list("attempts")) == {
        (1,)
    }

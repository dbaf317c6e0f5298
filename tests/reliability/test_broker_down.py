"""Broker down (R1, R4: nothing lost), for real: a Redis of our own is not running while a
decision is recorded in a platform process, then started, and a real worker delivers.

What guarantees it: the pushes are written in the decision's transaction and are their own
outbox (`fanned_out_at` null until their notices, e-mail and webhook rows are written); the
after-commit enqueue is robust (a failed publish is logged, the decision stands) and fails
fast because the tasks store no result; the beat entry `fan-out-missing-pushes` writes the
missed rows and `retry-pending-webhooks` and `retry-pending-deliveries` (every minute)
send whatever is still pending once the broker is back. Rows are leased or locked while
sent, so a retry sweep racing the normal enqueue sends nothing twice.
"""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from approvals.models import Licence
from audit.services import verify_chain
from linzi_platform.celery import app
from notifications.models import Delivery, DeliveryChannel, DeliveryStatus, Push
from notifications.webhooks import webhook_register
from organizations.models import StaffRole
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    StaffFactory,
    valid_credit_code,
)
from tests.reliability.helpers import (
    PlatformProcess,
    beat_client,
    drain,
    process_env,
    smtp_env,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

FAN_OUT_SWEEP = "notifications.fan_out_missing"
RETRY_TASKS = ("notifications.send_pending_webhooks", "notifications.send_pending_deliveries")

# What the decision view and the API call, in a long-lived process of its own (as a web
# worker is) whose broker is the private Redis.
DECIDE = """
import datetime
from django.contrib.auth import get_user_model
from approvals.models import ApprovalItem
from approvals.services import DecisionInput, licence_decide
from organizations.scoping import actor_for_user

def handler(arguments):
    clerk = get_user_model().objects.get(pk=arguments.pop("clerk"))
    decision = DecisionInput(
        item=ApprovalItem.objects.get(code=arguments.pop("item")),
        licence_date=datetime.date(2026, 9, 30),
        valid_from=datetime.date(2026, 9, 30),
        valid_to=datetime.date(2031, 9, 29),
        **arguments,
    )
    licence = licence_decide(actor=actor_for_user(clerk), decision=decision)
    return {"licence": licence.pk}
"""


@pytest.fixture
def web_process(tmp_path: Path, private_redis, smtp_sink) -> Iterator[PlatformProcess]:
    env = process_env(broker_url=private_redis.url, **smtp_env(smtp_sink))
    process = PlatformProcess(DECIDE, env=env, log_path=tmp_path / "web.log")
    yield process
    process.close()


@pytest.fixture
def platform(require_postgres, webhook_receiver):
    """An approval clerk, an item pushed to two supervision departments which both have a
    webhook endpoint and staff who take e-mail (and one who does not)."""
    approval = ApprovalDepartmentFactory(code="xzsp-rel", name="可靠性测试行政审批服务局")
    market = DepartmentFactory(code="scjg-rel", name="可靠性测试市场监管局")
    health = DepartmentFactory(code="wsjk-rel", name="可靠性测试卫健局")
    clerk = StaffFactory(department=approval, role=StaffRole.CLERK).user
    StaffFactory(department=market)
    StaffFactory(department=market)
    StaffFactory(department=health)
    StaffFactory(department=health, email_notifications=False)
    ApprovalItemFactory(code="food", name="食品经营许可", supervision_departments=[market, health])
    for department in (market, health):
        webhook_register(department=department, url=webhook_receiver.url)
    return clerk


def decision(clerk, n: int) -> dict[str, Any]:
    return {
        "clerk": clerk.pk,
        "item": "food",
        "counterparty": {
            "name": f"临淄断线测试食品有限公司{n}",
            "credit_code": valid_credit_code(f"91370305MA3D{n:04d}"),
            "contact_name": "张三",
            "contact_phone": "13812345678",
        },
        "licence_no": f"JY1370305088{n:04d}",
    }


def outbox(licence_pk: int) -> dict[str, list[Delivery]]:
    rows = Delivery.objects.filter(push__subject_id=str(licence_pk)).order_by("pk")
    return {
        channel: [row for row in rows if row.channel == channel]
        for channel in (DeliveryChannel.WEBHOOK, DeliveryChannel.EMAIL)
    }


def everything_sent() -> bool:
    return not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()


def test_a_decision_recorded_while_the_broker_is_down_is_delivered_once_when_it_is_back(
    platform, private_redis, web_process, workers, webhook_receiver, smtp_sink, monkeypatch
):
    # The beat schedule that re-sends pending outbox rows is what recovery relies on.
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {FAN_OUT_SWEEP, *RETRY_TASKS} <= schedule

    # 1. Broker down: the decision is recorded all the same; its pushes are its outbox.
    assert not private_redis.running
    first = web_process.call(decision(platform, 1))
    log = web_process.log()
    assert "in on_commit()" in log, "the enqueue must have been tried and have failed"
    assert "Connection refused" in log
    # A bare publish failed at once; the result store was never touched (subscribing to it
    # with Redis down blocks the request ~20 s per task, then breaks the backend).
    assert "kombu.exceptions.OperationalError" in log
    assert "result store" not in log
    licence = Licence.objects.get(pk=first["licence"])
    pushes = list(Push.objects.filter(subject_id=str(licence.pk)).order_by("pk"))
    assert len(pushes) == 2
    assert all(push.fanned_out_at is None for push in pushes)
    assert outbox(licence.pk) == {DeliveryChannel.WEBHOOK: [], DeliveryChannel.EMAIL: []}

    # 2. The broker is back and a worker runs; beat's next ticks (sent here by name, twice,
    # as two ticks of the minute schedule would) fan the pushes out and deliver.
    private_redis.start()
    workers.start(
        process_env(
            broker_url=private_redis.url, PUSH_FANOUT_GRACE_SECONDS="0", **smtp_env(smtp_sink)
        )
    )
    beat = beat_client(private_redis.url, monkeypatch)
    beat.send_task(FAN_OUT_SWEEP)
    drain(beat)
    rows = outbox(licence.pk)
    assert not Push.objects.filter(pk__in=[p.pk for p in pushes], fanned_out_at=None).exists()
    assert len(rows[DeliveryChannel.WEBHOOK]) == 2
    assert {row.push_id for row in rows[DeliveryChannel.WEBHOOK]} == {p.pk for p in pushes}
    assert len(rows[DeliveryChannel.EMAIL]) == 3  # three receiving staff take e-mail
    for _tick in range(2):
        for task in (FAN_OUT_SWEEP, *RETRY_TASKS):
            beat.send_task(task)
    drain(beat)
    assert everything_sent(), workers.logs()
    assert webhook_receiver.push_ids() == Counter({push.pk: 1 for push in pushes})
    expected_mail = Counter((row.address, row.subject) for row in rows[DeliveryChannel.EMAIL])
    assert smtp_sink.counts() == expected_mail

    # 3. The same process records the next decision with the broker up: its own after-commit
    # enqueue delivers it, no retry tick needed — the outage left the process able to publish.
    logged = len(log)
    second = web_process.call(decision(platform, 2))
    assert "in on_commit()" not in web_process.log()[logged:]
    second_pushes = list(Push.objects.filter(subject_id=str(second["licence"])))

    def second_delivered() -> bool:
        fanned_out = not Push.objects.filter(
            pk__in=[p.pk for p in second_pushes], fanned_out_at=None
        ).exists()
        return fanned_out and everything_sent()

    wait_until(second_delivered, what="the second decision's fan-out and deliveries")

    # 4. More ticks find nothing to do: every push arrived once, every e-mail went once.
    for task in (FAN_OUT_SWEEP, *RETRY_TASKS):
        beat.send_task(task)
    drain(beat)
    assert webhook_receiver.push_ids() == Counter({p.pk: 1 for p in pushes + second_pushes})
    expected_mail = Counter(
        (row.address, row.subject) for row in Delivery.objects.filter(channel="email")
    )
    assert sum(expected_mail.values()) == 6
    assert smtp_sink.counts() == expected_mail
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    assert verify_chain().ok

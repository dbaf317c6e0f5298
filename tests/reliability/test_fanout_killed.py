"""Killed between commit and fan-out (R1, R6: nothing lost): a real platform process records a
decision and dies right after its commit, before the fan-out task is queued; the beat sweep
finds the pushes whose fan-out is missing and writes their notices, e-mail and webhook rows
exactly once — also when the sweep and the after-commit task race (notifications/fanout.py).
"""

import datetime
import subprocess
import sys
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from approvals.models import Licence
from notifications.fanout import pushes_fan_out, pushes_fan_out_missing
from notifications.models import Delivery, DeliveryChannel, Notification, Push
from notifications.webhooks import webhook_register
from organizations.models import StaffRole
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    StaffFactory,
    valid_credit_code,
)
from tests.reliability.helpers import process_env
from tests.services import ROOT

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

KILLED = 9

# The decision as the API records it, in a process that dies (os._exit: no cleanup, no
# on-commit callback after it) at the first on-commit callback, i.e. right after its commit
# and before the fan-out task is queued.
DECIDE_AND_DIE = """
import datetime, os, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import transaction
from approvals.models import ApprovalItem
from approvals.services import DecisionInput, licence_decide
from organizations.scoping import actor_for_user

clerk = get_user_model().objects.get(pk=int(sys.argv[1]))
day = datetime.date(2026, 9, 30)
with transaction.atomic():
    transaction.on_commit(lambda: os._exit(9))
    licence_decide(
        actor=actor_for_user(clerk),
        decision=DecisionInput(
            item=ApprovalItem.objects.get(code="food-kill"),
            counterparty={
                "name": "临淄断电测试食品有限公司",
                "credit_code": sys.argv[2],
                "contact_name": "张三",
                "contact_phone": "13812345678",
            },
            licence_no="JY-KILLED-1",
            licence_date=day,
            valid_from=day,
        ),
    )
print("survived", flush=True)
"""


@pytest.fixture
def world(require_postgres):
    approval = ApprovalDepartmentFactory(code="xzsp-kill", name="断电测试行政审批服务局")
    market = DepartmentFactory(code="scjg-kill", name="断电测试市场监管局")
    health = DepartmentFactory(code="wsjk-kill", name="断电测试卫健局")
    clerk = StaffFactory(department=approval, role=StaffRole.CLERK).user
    for department in (market, health):
        StaffFactory(department=department)
        StaffFactory(department=department)
    ApprovalItemFactory(code="food-kill", supervision_departments=[market, health])
    webhook_register(department=market, url="https://market.example.gov.cn/hook")
    return clerk


def fan_out_rows() -> Counter:
    return Counter(
        [("notice", n.push_id) for n in Notification.objects.all()]
        + [(d.channel, d.push_id) for d in Delivery.objects.all()]
    )


def test_a_process_killed_after_its_commit_loses_no_fan_out(world):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            DECIDE_AND_DIE,
            str(world.pk),
            valid_credit_code("91370305MA3K0001"),
        ],
        cwd=ROOT,
        env=process_env(broker_url="redis://127.0.0.1:1/0"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == KILLED, result.stderr[-3000:]
    assert "survived" not in result.stdout
    # The decision and its pushes are committed; nothing announced them.
    licence = Licence.objects.get(licence_no="JY-KILLED-1")
    pushes = list(Push.objects.filter(subject_id=str(licence.pk)).order_by("pk"))
    assert len(pushes) == 2 and all(push.fanned_out_at is None for push in pushes)
    assert fan_out_rows() == Counter()

    # Within the grace period the sweep leaves them to their (never queued) task.
    now = timezone.now()
    assert pushes_fan_out_missing(now=now) == 0
    # After it, the sweep announces both pushes, once; a second run finds nothing.
    later = now + datetime.timedelta(minutes=2)
    assert pushes_fan_out_missing(now=later) == 2
    market, health = (p.pk for p in sorted(pushes, key=lambda p: p.receiver.code))
    expected = Counter(
        {
            ("notice", market): 2,
            ("notice", health): 2,
            (DeliveryChannel.EMAIL, market): 2,
            (DeliveryChannel.EMAIL, health): 2,
            (DeliveryChannel.WEBHOOK, market): 1,
        }
    )
    assert fan_out_rows() == expected
    assert pushes_fan_out_missing(now=later) == 0
    assert fan_out_rows() == expected


def test_the_sweep_and_the_task_racing_fan_out_each_push_exactly_once(world, decide_many):
    pushes = decide_many(world, 12)
    ids = [push.pk for push in pushes]
    later = timezone.now() + datetime.timedelta(minutes=2)
    start = threading.Barrier(4)
    done: list[int] = []
    lock = threading.Lock()

    def run(work) -> None:
        try:
            start.wait()
            count = work()
            with lock:
                done.append(count)
        finally:
            connection.close()

    workers = [
        threading.Thread(target=run, args=(lambda: pushes_fan_out(push_ids=ids),)),
        threading.Thread(target=run, args=(lambda: pushes_fan_out(push_ids=ids[::-1]),)),
        threading.Thread(target=run, args=(lambda: pushes_fan_out_missing(now=later),)),
        threading.Thread(target=run, args=(lambda: pushes_fan_out_missing(now=later),)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    # Whoever locked a push first fanned it out; a push another held was skipped, and
    # whatever a racer skipped, a last sweep takes.
    done.append(pushes_fan_out_missing(now=later))
    assert sum(done) == len(ids)
    rows = fan_out_rows()
    for push in pushes:
        assert rows[("notice", push.pk)] == 2
        assert rows[(DeliveryChannel.EMAIL, push.pk)] == 2
    to_market = sum(1 for push in pushes if push.receiver.code == "scjg-kill")
    assert sum(n for (kind, _p), n in rows.items() if kind == DeliveryChannel.WEBHOOK) == to_market
    assert not Push.objects.filter(pk__in=ids, fanned_out_at=None).exists()


@pytest.fixture
def decide_many():
    """Decisions committed without their after-commit task (as if it never came)."""
    from approvals.models import ApprovalItem
    from approvals.services import DecisionInput, licence_decide
    from organizations.scoping import actor_for_user

    def _decide(clerk, count: int) -> list[Push]:
        day = datetime.date(2026, 9, 30)
        made: list[Push] = []
        for n in range(count):
            licence = licence_decide(
                actor=actor_for_user(clerk),
                decision=DecisionInput(
                    item=ApprovalItem.objects.get(code="food-kill"),
                    counterparty={
                        "name": f"临淄竞争测试食品有限公司{n}",
                        "credit_code": valid_credit_code(f"91370305MA3R{n:04d}"),
                        "contact_name": "张三",
                        "contact_phone": "13812345678",
                    },
                    licence_no=f"JY-RACE-{n}",
                    licence_date=day,
                    valid_from=day,
                ),
            )
            made += licence.pushes_created
        return made

    return _decide

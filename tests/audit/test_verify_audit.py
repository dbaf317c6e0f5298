from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditChainHead, AuditEvent
from audit.services import AuditEntry, ChainProblem, audit_record, audit_record_many, verify_chain
from tests.helpers import tamper_with_audit_trail

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_events(staff_user: Any) -> list[AuditEvent]:
    return [
        audit_record(actor=staff_user, action="push.send", details={"n": n, "收件": "卫健局"})
        for n in range(5)
    ]


def test_an_empty_trail_is_intact(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("verify_audit")

    assert "审计链完整：已校验 0 条记录" in capsys.readouterr().out


def test_an_intact_chain_passes(
    five_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    audit_record_many(
        actor=None, action="push.auto_claim", entries=[AuditEntry("a.b", n) for n in range(7)]
    )

    call_command("verify_audit", "--batch-size", "3")

    assert "审计链完整：已校验 12 条记录" in capsys.readouterr().out


def test_an_altered_event_is_named(five_events: list[AuditEvent]) -> None:
    tamper_with_audit_trail(
        "UPDATE audit_auditevent SET action=%s WHERE id=%s", ["push.withdraw", 3]
    )

    with pytest.raises(CommandError, match=r"第一条异常记录 ID：3") as raised:
        call_command("verify_audit")

    assert "篡改" in str(raised.value)
    result = verify_chain()
    assert (result.ok, result.first_broken_id, result.checked) == (False, 3, 2)
    assert result.problem == ChainProblem.ALTERED


def test_altered_details_are_detected(five_events: list[AuditEvent]) -> None:
    tamper_with_audit_trail(
        "UPDATE audit_auditevent SET details=%s WHERE id=%s", ['{"n": 1, "收件": "应急局"}', 2]
    )

    result = verify_chain()

    assert (result.ok, result.first_broken_id, result.problem) == (False, 2, ChainProblem.ALTERED)


def test_an_altered_and_rehashed_event_breaks_the_next_link(
    five_events: list[AuditEvent],
) -> None:
    forged = AuditEvent.objects.get(pk=3)
    forged.action = "push.withdraw"
    tamper_with_audit_trail(
        "UPDATE audit_auditevent SET action=%s, hash=%s WHERE id=%s",
        ["push.withdraw", forged.compute_hash(), 3],
    )

    result = verify_chain()

    assert (result.ok, result.first_broken_id) == (False, 4)
    assert result.problem == ChainProblem.BROKEN_LINK


def test_a_deleted_event_is_named(five_events: list[AuditEvent]) -> None:
    tamper_with_audit_trail("DELETE FROM audit_auditevent WHERE id=%s", [3])

    with pytest.raises(CommandError, match=r"第一条异常记录 ID：4") as raised:
        call_command("verify_audit")

    assert "#3" in str(raised.value)
    result = verify_chain()
    assert (result.first_broken_id, result.problem) == (4, ChainProblem.MISSING_EVENTS)


def test_a_deleted_first_event_is_detected(five_events: list[AuditEvent]) -> None:
    tamper_with_audit_trail("DELETE FROM audit_auditevent WHERE id=%s", [1])

    result = verify_chain()

    assert (result.ok, result.first_broken_id) == (False, 2)


def test_a_deleted_newest_event_is_detected(five_events: list[AuditEvent]) -> None:
    tamper_with_audit_trail("DELETE FROM audit_auditevent WHERE id=%s", [5])

    result = verify_chain()

    assert (result.ok, result.first_broken_id, result.problem) == (
        False,
        5,
        ChainProblem.TRUNCATED,
    )


def test_an_event_inserted_beyond_the_head_is_detected(five_events: list[AuditEvent]) -> None:
    AuditChainHead.objects.filter(pk=1).update(last_event_id=4, last_hash=five_events[3].hash)

    result = verify_chain()

    assert (result.ok, result.first_broken_id) == (False, 5)
    assert result.problem == ChainProblem.UNCHAINED_EVENTS


def test_the_command_exits_non_zero_on_a_broken_chain(five_events: list[AuditEvent]) -> None:
    tamper_with_audit_trail(
        "UPDATE audit_auditevent SET action=%s WHERE id=%s", ["push.withdraw", 2]
    )

    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")

    assert raised.value.returncode == 1

"""The audit chain under SM3 (GB/T 32905-2016; GB/T 39786-2021 密评): events record their
hash algorithm, a trail that switched algorithm verifies event by event, a changed algorithm
is detected, and `manage.py check` refuses an algorithm this Python cannot provide (R20)."""

import datetime
import hashlib
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from audit.checks import check_hash_algorithm
from audit.models import AuditEvent, canonical_json
from audit.services import (
    COPY_THRESHOLD,
    AuditEntry,
    ChainProblem,
    audit_record,
    audit_record_many,
    verify_chain,
)
from linzi_platform import crypto
from tests.helpers import tamper_with_audit_trail

pytestmark = pytest.mark.django_db

# GB/T 32905-2016, Appendix A.1: SM3("abc").
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def record(action: str, **details: Any) -> AuditEvent:
    return audit_record(actor=None, action=action, details=details)


def expected_hash(event: AuditEvent, *, named: bool) -> str:
    """The hash of a system event (no actor, no department) computed here, independently of
    audit.models' event_content and event_hash; `named`: the algorithm is in the content."""
    content = {
        "id": event.id,
        "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": None,
        "actor_label": event.actor_label,
        "department_id": None,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    if named:
        content["algorithm"] = event.hash_algorithm
    return hashlib.new(event.hash_algorithm, canonical_json(content).encode()).hexdigest()


def test_this_python_computes_the_standard_sm3() -> None:
    assert crypto.algorithm_available("sm3")
    assert crypto.digest(b"abc", "sm3") == SM3_ABC


def test_an_event_written_under_sm3_records_it_and_verifies(settings: Any) -> None:
    settings.CRYPTO_HASH = "sm3"

    event = record("push.send", to="卫健局")

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (event.hash_algorithm, stored.hash_algorithm) == ("sm3", "sm3")
    # The SM3 event names its algorithm inside what its hash covers.
    assert stored.hash == expected_hash(stored, named=True)
    assert stored.hash != expected_hash(stored, named=False)
    assert verify_chain().ok


def test_a_sha256_event_hashes_as_every_event_did_before_algorithms_were_recorded() -> None:
    event = AuditEvent.objects.get(pk=record("push.send", to="卫健局").pk)

    assert event.hash_algorithm == "sha256"
    assert event.hash == expected_hash(event, named=False)


@pytest.mark.parametrize("count", [3, COPY_THRESHOLD + 5])
def test_a_sweep_written_under_sm3_records_it_on_every_event(settings: Any, count: int) -> None:
    """Both insert paths of the bulk writer (batched INSERT, and COPY on PostgreSQL)."""
    record("push.send")
    settings.CRYPTO_HASH = "sm3"

    audit_record_many(
        actor=None, action="push.auto_claim", entries=[AuditEntry("a.b", n) for n in range(count)]
    )

    algorithms = list(AuditEvent.objects.order_by("id").values_list("hash_algorithm", flat=True))
    assert algorithms == ["sha256"] + ["sm3"] * count
    assert verify_chain().ok


def test_a_chain_switching_sha256_sm3_sha256_verifies(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for algorithm in ("sha256", "sm3", "sha256"):
        settings.CRYPTO_HASH = algorithm
        record("push.send", under=algorithm)
        record("push.claim", under=algorithm)

    call_command("verify_audit")

    assert "审计链完整：已校验 6 条记录" in capsys.readouterr().out
    algorithms = list(AuditEvent.objects.order_by("id").values_list("hash_algorithm", flat=True))
    assert algorithms == ["sha256", "sha256", "sm3", "sm3", "sha256", "sha256"]


@pytest.mark.parametrize(
    ("written_under", "claimed"),
    [("sha256", "sm3"), ("sm3", "sha256"), ("sm3", "md5"), ("sha256", "")],
)
def test_changing_an_events_algorithm_breaks_verification(
    settings: Any, written_under: str, claimed: str
) -> None:
    for algorithm in ("sha256", written_under, "sha256"):
        settings.CRYPTO_HASH = algorithm
        record("push.send", under=algorithm)

    tamper_with_audit_trail(
        "UPDATE audit_auditevent SET hash_algorithm=%s WHERE id=%s", [claimed, 2]
    )

    result = verify_chain()
    assert (result.ok, result.first_broken_id, result.checked) == (False, 2, 1)
    assert result.problem == ChainProblem.ALTERED
    with pytest.raises(CommandError, match=r"第一条异常记录 ID：2.*篡改"):
        call_command("verify_audit")


def test_an_sm3_event_on_a_python_without_sm3_is_reported_as_unverifiable(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    record("push.send")
    settings.CRYPTO_HASH = "sm3"
    record("push.claim")
    monkeypatch.setattr(crypto, "algorithm_available", lambda algorithm: algorithm == "sha256")

    result = verify_chain()

    assert (result.ok, result.first_broken_id) == (False, 2)
    assert result.problem == ChainProblem.UNAVAILABLE_ALGORITHM
    with pytest.raises(CommandError, match="本机不支持该记录的哈希算法"):
        call_command("verify_audit")


def test_an_unknown_configured_algorithm_writes_nothing(settings: Any) -> None:
    settings.CRYPTO_HASH = "md5"

    with pytest.raises(ValueError, match="md5"):
        record("push.send")

    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("algorithm", ["sha256", "sm3", " SM3 "])
def test_check_accepts_an_available_algorithm(algorithm: str) -> None:
    with override_settings(CRYPTO_HASH=algorithm):
        assert check_hash_algorithm() == []


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sm4"])
def test_check_refuses_an_unknown_algorithm(algorithm: str) -> None:
    with override_settings(CRYPTO_HASH=algorithm):
        errors = check_hash_algorithm()

    assert [error.id for error in errors] == ["audit.E001"]
    assert "不是受支持的哈希算法" in errors[0].msg


def test_check_refuses_sm3_when_this_python_lacks_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "algorithm_available", lambda algorithm: algorithm == "sha256")

    with override_settings(CRYPTO_HASH="sm3"):
        errors = check_hash_algorithm()

    assert [error.id for error in errors] == ["audit.E001"]
    assert "hashlib 不提供该算法" in errors[0].msg


def test_manage_py_check_fails_on_an_unavailable_algorithm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(crypto, "algorithm_available", lambda algorithm: False)

    with override_settings(CRYPTO_HASH="sm3"), pytest.raises(CommandError, match=r"audit\.E001"):
        call_command("check")

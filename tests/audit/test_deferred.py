"""audit_deferred(): a transaction's events are chained when its work is done, so the chain
head is locked only around the commit, not from the first event on."""

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction

from audit.models import AuditChainHead, AuditEvent
from audit.services import AuditEntry, audit_deferred, audit_record, audit_record_many, verify_chain


@pytest.mark.django_db
def test_events_are_written_in_order_when_the_block_ends() -> None:
    with transaction.atomic(), audit_deferred():
        first = audit_record(actor=None, action="licence.decide", object_id="1")
        audit_record_many(
            actor=None, action="push.send", entries=[AuditEntry("n.push", n) for n in (7, 8)]
        )
        with audit_deferred():  # a nested block joins the outer one
            last = audit_record(actor=None, action="licence.note", object_id="1")
        assert first.id is None and AuditEvent.objects.count() == 0
    events = list(AuditEvent.objects.order_by("id").values_list("id", "action", "object_id"))
    assert events == [
        (1, "licence.decide", "1"),
        (2, "push.send", "7"),
        (3, "push.send", "8"),
        (4, "licence.note", "1"),
    ]
    assert (first.id, last.id) == (1, 4)
    assert AuditEvent.objects.get(pk=4).hash == last.hash
    assert AuditChainHead.objects.get().last_event_id == 4
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_exception_discards_the_events_with_the_transaction() -> None:
    audit_record(actor=None, action="before")
    with pytest.raises(ZeroDivisionError), transaction.atomic(), audit_deferred():
        audit_record(actor=None, action="lost")
        1 / 0  # noqa: B018
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["before"]
    assert AuditChainHead.objects.get().last_event_id == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside a transaction"), audit_deferred():
        pass


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_head_is_not_locked_while_the_deferred_work_goes_on(require_postgres: Any) -> None:
    """A long decision that has recorded its events does not hold other writers back."""
    recorded, other_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def long_decision() -> None:
        try:
            with transaction.atomic(), audit_deferred():
                audit_record(actor=None, action="licence.decide", object_id="slow")
                recorded.set()
                # Still working: another writer must get through meanwhile.
                if not other_done.wait(timeout=20):
                    raise AssertionError("the other writer was blocked by the deferred block")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=long_decision)
    thread.start()
    assert recorded.wait(timeout=20)
    with transaction.atomic():
        # Runs in another connection; would wait on the head lock if it were held.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '5s'")
        audit_record(actor=None, action="push.claim", object_id="fast")
    other_done.set()
    thread.join(timeout=30)
    close_old_connections()
    assert errors == []
    assert list(AuditEvent.objects.order_by("id").values_list("object_id", flat=True)) == [
        "fast",
        "slow",
    ]
    assert verify_chain().ok

"""Concurrent writers on PostgreSQL: the head lock serializes them, the chain never forks."""

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction

from audit.models import AuditEvent
from audit.services import AuditEntry, audit_record, audit_record_many, verify_chain

WRITERS = 8
EVENTS_PER_WRITER = 10


def write_events(writer: int, errors: list[BaseException]) -> None:
    try:
        for n in range(EVENTS_PER_WRITER):
            with transaction.atomic():
                if n % 3 == 0:
                    audit_record_many(
                        actor=None,
                        action="push.auto_claim",
                        entries=[AuditEntry("w.x", f"{writer}-{n}-{k}") for k in range(4)],
                    )
                else:
                    audit_record(actor=None, action="push.claim", object_id=f"{writer}-{n}")
    except BaseException as exc:  # reported to the test thread
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(require_postgres: Any) -> None:
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=write_events, args=(writer, errors)) for writer in range(WRITERS)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()

    assert errors == []
    expected = WRITERS * (4 * 4 + 6)  # 4 bulk calls of 4 events, 6 single events per writer
    assert AuditEvent.objects.count() == expected
    result = verify_chain(batch_size=7)
    assert (result.ok, result.checked) == (True, expected)

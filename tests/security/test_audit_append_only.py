"""The audit trail is append-only in PostgreSQL itself (R20; GB/T 22239-2019 8.1.4.3 c):
raw SQL through the application's own connection cannot rewrite, delete or truncate events,
while inserting keeps working and `manage.py flush` still empties the database."""

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record, verify_chain

pytestmark = [pytest.mark.services, pytest.mark.django_db]

APP_ROLE = "linzi_audit_app_role_test"


@pytest.fixture
def three_events(require_postgres: None, approval_clerk: Any) -> list[AuditEvent]:
    events = [
        audit_record(actor=approval_clerk, action="push.send", details={"n": n}) for n in range(3)
    ]
    # The test's own transaction holds the deferred foreign-key checks of these inserts,
    # and PostgreSQL refuses a TRUNCATE with pending trigger events before our trigger
    # could: run the checks now, as a commit would have.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return events


def refused(sql: str, params: list[Any] | None = None) -> str:
    """Run `sql` in a savepoint and return the database's refusal (fails if it succeeds)."""
    with (
        pytest.raises(DatabaseError) as raised,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(raised.value)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'push.withdraw' WHERE id = 2",
        "UPDATE audit_auditevent SET details = '{}'",
        "DELETE FROM audit_auditevent WHERE id = 3",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent CASCADE",
    ],
)
def test_raw_sql_cannot_rewrite_the_trail(three_events: list[AuditEvent], sql: str) -> None:
    message = refused(sql)

    assert "audit trail is append-only" in message
    assert (
        list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
        == ["push.send"] * 3
    )
    assert verify_chain().ok


def test_an_application_session_variable_does_not_open_the_trail(
    three_events: list[AuditEvent],
) -> None:
    """No application-level switch exists: whatever custom setting the connection sets, the
    trigger still refuses."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL linzi.audit_maintenance = 'on'")
        message = refused("DELETE FROM audit_auditevent WHERE id = 1")

    assert "append-only" in message
    assert AuditEvent.objects.count() == 3


def test_a_non_superuser_role_cannot_bypass_the_trigger(three_events: list[AuditEvent]) -> None:
    """The one bypass (session_replication_role) needs a privilege a production application
    role does not have: a plain role with full table rights is refused both ways."""
    with transaction.atomic(), connection.cursor() as cursor:  # rolled back: role and grants
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON audit_auditevent TO {APP_ROLE}")
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        bypass = refused("SET LOCAL session_replication_role = replica")
        rewrite = refused("UPDATE audit_auditevent SET action = 'x'")
        cursor.execute("RESET ROLE")

    assert "permission denied" in bypass
    assert "append-only" in rewrite
    assert AuditEvent.objects.filter(action="push.send").count() == 3


def test_inserting_still_works_and_the_chain_verifies(three_events: list[AuditEvent]) -> None:
    audit_record(actor=None, action="push.auto_claim", details={"n": 3})

    assert AuditEvent.objects.count() == 4
    result = verify_chain()
    assert (result.ok, result.checked) == (True, 4)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_as_the_database_superuser(require_postgres: None) -> None:
    """Transactional tests and a developer's reset flush every table; they run as the
    superuser, for whom `manage.py flush` sets the trigger bypass in its own transaction."""
    audit_record(actor=None, action="push.send")

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
    assert "append-only" in refused("TRUNCATE audit_auditevent CASCADE")


@pytest.mark.django_db(transaction=True)
def test_flush_as_a_non_superuser_is_refused_clearly(require_postgres: None) -> None:
    audit_record(actor=None, action="push.send")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
            cursor.execute(f"SET ROLE {APP_ROLE}")
        with pytest.raises(CommandError, match="审计记录只增不改"):
            call_command("flush", interactive=False, verbosity=0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {APP_ROLE}")
            cursor.execute(f"DROP ROLE {APP_ROLE}")

    assert AuditEvent.objects.count() == 1

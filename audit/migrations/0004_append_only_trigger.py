"""The audit trail is append-only in the database too (R20; GB/T 22239-2019 level 3, 8.1.4.3
security audit: audit records are protected from deletion, modification or overwriting).

On PostgreSQL two triggers refuse any change to ``audit_auditevent``: BEFORE UPDATE OR
DELETE (for each row) and BEFORE TRUNCATE (for each statement). They raise SQLSTATE 42501
(insufficient_privilege) with a message naming the rule, so raw SQL through the
application's own connection fails exactly as the ORM does in audit/models.py. SQLite has no
such trigger here: there the model and its queryset are the guard (and the hash chain
detects what gets past them).

Who may still remove events, and how (the design, and why):

- Nobody through the application. There is no application-level switch: a session variable
  such as ``SET linzi.audit_maintenance = on`` would be settable by the very connection the
  trigger is meant to stop, so it would guard nothing.
- The one bypass is PostgreSQL's own ``session_replication_role = replica``, under which
  ordinary triggers do not fire. Setting it needs superuser (or an explicit
  ``GRANT SET ON PARAMETER session_replication_role``), a privilege the production
  application role must not have (docs/security.md). So the bypass is a database privilege
  granted by the DBA, not a secret in the code.
- ``manage.py flush`` (audit/management/commands/flush.py) sets it with SET LOCAL inside its
  own transaction, which is how the test suite's transactional tests (Django's
  TransactionTestCase TRUNCATEs every table when a test ends) and a developer's reset keep
  working: they run as the database superuser. In production, with a non-superuser role,
  flush refuses with a clear message, which is what it should do to an audit trail.
- Nothing else deletes events: users and departments are PROTECTed by the foreign keys, a
  reorganisation (R21) leaves history where it happened, there is no retention job, and the
  benchmark drops and re-creates its own database (DROP TABLE fires no trigger).
- A role that owns the table can still ``ALTER TABLE … DISABLE TRIGGER`` or drop it; the
  trigger is a guard against the application, not against the table's owner. A deployment
  that wants the owner out of the application's reach runs migrations as the owner role and
  the application as a role with SELECT/INSERT on the trail (docs/security.md). What gets
  past every guard is still detected by the hash chain (``manage.py verify_audit``).

Schema changes are unaffected: ADD COLUMN with a default and ALTER COLUMN fire no row
trigger. A future data migration that must rewrite events would have to drop the trigger
and say why.
"""

from django.db import migrations

FUNCTION = "audit_event_refuse_change"
ROW_TRIGGER = "audit_event_no_update_delete"
TRUNCATE_TRIGGER = "audit_event_no_truncate"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only (R20): % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit events are only ever inserted; see audit/migrations/0004.';
END
$$
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)
    # params=None: the SQL holds '%' placeholders of RAISE, not of the driver.
    schema_editor.execute(CREATE_FUNCTION, params=None)
    schema_editor.execute(
        f"CREATE TRIGGER {ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        params=None,
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
        params=None,
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)
    for trigger in (ROW_TRIGGER, TRUNCATE_TRIGGER):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}", params=None)
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_plain_action_and_hash_indexes"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]

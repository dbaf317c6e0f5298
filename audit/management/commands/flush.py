"""`manage.py flush` that may empty the append-only audit trail on PostgreSQL (R20).

Django's flush (and so every transactional test when it ends) TRUNCATEs all tables, which
the audit trail's trigger refuses (audit/migrations/0004_append_only_trigger.py). This
command runs the flush's TRUNCATE under ``SET LOCAL session_replication_role = replica``,
PostgreSQL's own switch that keeps ordinary triggers from firing. Only a superuser (or a
role granted SET on that parameter) may set it: the test database and a developer's
database run as one, a production application role does not, and there flush refuses.
"""

from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections

BYPASS_TRIGGERS = "SET LOCAL session_replication_role = replica"


def _truncate_bypassing_triggers(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    # The flush runs its statements in one transaction (execute_sql_flush), so SET LOCAL
    # lasts exactly until the flush commits or fails.
    if sql.lstrip().upper().startswith("TRUNCATE"):
        context["cursor"].execute(BYPASS_TRIGGERS)
    return execute(sql, params, many, context)


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        try:
            with connection.execute_wrapper(_truncate_bypassing_triggers):
                return super().handle(**options)
        except CommandError as exc:
            if "session_replication_role" in str(exc.__cause__):
                raise CommandError(
                    "审计记录只增不改，当前数据库角色无权清空审计表。"
                    "The audit trail is append-only: emptying it needs a PostgreSQL role "
                    "allowed to set session_replication_role (a superuser), which the "
                    "production application role is not."
                ) from exc
            raise

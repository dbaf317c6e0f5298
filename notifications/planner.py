"""Planner statistics of the push table kept up to date after a large sweep (R4).

PostgreSQL's autovacuum analyses a table only after a fraction of it changed (10 % by
default: 118,000 rows of a 1.18M-row push table), so after a sweep that auto-claimed 100,000
pushes the planner still believed they were pending — and picked plans for the admin's
ranking, the inbox state counts and the monthly figures from row counts that were off by
that much. The sweep analyses the tables it changed itself once it changed many rows."""

from django.db import connection

# A sweep that changed more rows than this refreshes the statistics (a few hundred
# milliseconds on a million-row table, once per large sweep).
ANALYZE_AFTER_ROWS = 10_000
ANALYZED_TABLES = ("notifications_push", "notifications_overduerecord")


def statistics_refresh_after_sweep(changed: int) -> bool:
    """ANALYZE the push and overdue-record tables when `changed` rows were swept; PostgreSQL
    only (other databases plan without such statistics). Returns whether it ran."""
    if connection.vendor != "postgresql" or changed <= ANALYZE_AFTER_ROWS:
        return False
    with connection.cursor() as cursor:
        for table in ANALYZED_TABLES:
            cursor.execute(f"ANALYZE {table}")
    return True

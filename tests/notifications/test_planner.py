"""The planner's view of the push table after a large sweep, and PostgreSQL's JIT (R4)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import planner
from notifications.models import Push, PushState
from notifications.services import pushes_auto_claim_overdue
from tests.factories import bulk_pushes


def overdue(approval_department, supervision_department, count: int) -> None:
    now = timezone.now()
    bulk_pushes(
        sender=approval_department,
        receivers=[supervision_department],
        count=count,
        sent_at=now - datetime.timedelta(days=3),
        deadline=now - datetime.timedelta(days=2),
        deadline_step=datetime.timedelta(seconds=1),
    )


def analyzed(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]


@pytest.mark.services
def test_a_sweep_of_many_pushes_refreshes_the_planner_statistics(
    require_postgres, approval_department, supervision_department, monkeypatch
):
    monkeypatch.setattr(planner, "ANALYZE_AFTER_ROWS", 2)
    overdue(approval_department, supervision_department, 3)
    with CaptureQueriesContext(connection) as queries:
        assert pushes_auto_claim_overdue() == 3
    assert analyzed(queries) == [
        "ANALYZE notifications_push",
        "ANALYZE notifications_overduerecord",
    ]
    assert Push.objects.filter(state=PushState.AUTO_CLAIMED).count() == 3


def test_a_small_sweep_leaves_the_statistics_to_autovacuum(
    approval_department, supervision_department
):
    overdue(approval_department, supervision_department, 3)
    with CaptureQueriesContext(connection) as queries:
        assert pushes_auto_claim_overdue() == 3
    assert analyzed(queries) == []


def test_other_databases_are_never_analyzed(db):
    ran = planner.statistics_refresh_after_sweep(10**6)
    assert ran is (connection.vendor == "postgresql")


@pytest.mark.services
def test_the_web_connections_to_postgresql_compile_no_plan(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)

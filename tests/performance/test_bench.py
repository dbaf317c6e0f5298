"""`manage.py bench` end to end on a tiny scale: every figure row is printed. No timing is
asserted here (figures on a shared CI machine are informative only)."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from audit.models import AuditEvent
from audit.services import AuditEntry, audit_record_many, verify_chain

ROOT = Path(settings.BASE_DIR)
FIGURES = (
    "P1 ", "P2 ", "P3.1 ", "P3.2 ", "P3.3 ", "P3.4 ", "P3.5 ", "P3.6 ", "P3.7 ", "P3.8 ",
    "P3.9 ", "P3.10 ", "P3.11 ", "P3.12 ", "P3.13 ", "P3.14 ", "P4 ", "P5 ", "P6 ", "P7 ",
    "P8.1 ", "P8.2 ", "P8.3 ", "P8.4 ", "P8.5 ", "P8.6 ", "P8.7 ", "P8.8 ", "P8.9 ",
)  # fmt: skip
# P3's home pages: each role's, on the first and on the last working day of a month.
HOME_PAGES = (
    "approval clerk", "approval head", "supervision clerk", "supervision head", "platform admin",
)  # fmt: skip
# P8: every page the simulated staff and API clients click.
LOADED_PAGES = (
    "API inbox", "API outbox", "home (admin)", "home (clerk)", "home (head)", "inbox", "outbox",
    "push detail", "report page",
)  # fmt: skip


def run_bench(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "bench", *args],
        cwd=ROOT,
        # The bench app is installed by its own settings only, as `make bench` does.
        env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "benchmarks.settings", **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_bench_refuses_without_postgresql_in_both_languages(tmp_path):
    result = run_bench("--quick", env={"DATABASE_URL": "", "CELERY_BROKER_URL": ""})
    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr
    assert "基准测试需要 PostgreSQL" in result.stderr


def test_bench_refuses_without_redis(tmp_path):
    result = run_bench(
        "--quick",
        env={
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/linzi_bench",
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        },
    )
    assert result.returncode == 2
    assert "Redis" in result.stderr


@pytest.mark.services
def test_bench_quick_runs_end_to_end_and_prints_every_figure(
    require_postgres, require_redis, tmp_path
):
    # A database of its own next to the test database, never the configured one.
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/postgres"
    )
    output = tmp_path / "last.md"
    result = run_bench(
        "--quick",
        "--scale",
        "0.01",
        "--clients",
        "2",
        "--bench-db",
        f"{settings_dict['NAME']}_bench",
        "--output",
        str(output),
        env={"DATABASE_URL": url, "CELERY_BROKER_URL": require_redis},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in FIGURES:
        assert f"\n{figure}" in result.stdout, figure
    for page in HOME_PAGES:
        for day in ("first", "last"):
            assert f"home of the {page}, {day} working day" in result.stdout, (page, day)
    for number, page in enumerate(LOADED_PAGES, start=1):
        assert re.search(rf"\nP8\.{number} {re.escape(page)} under load, 20 users", result.stdout)
        # Every page answered every request, alone and under load.
        assert re.search(
            rf"P8\.{number}: \d+ requests under load, \d+ alone, errors 0\n", result.stdout
        )
    # P1 is measured against the endpoint's floor, without a failed request on any side; the
    # bare endpoint stays in its note.
    assert re.search(r"errors 0/0/0; floor = /bench/licence-floor/", result.stdout)
    assert re.search(r"floor = [\d.]+ of bare", result.stdout)
    # P7: the seeded overdue pushes (undone after P2's sweep) are all auto-claimed by the
    # background jobs while the clients decide, none refused, no deadlock.
    assert re.search(
        r"P7: p99 [\d.]+x alone; \d+ decisions during .*errors 0/0; deadlocks 0; "
        r"overdue left 0\n",
        result.stdout,
    )
    table = output.read_text(encoding="utf-8")
    assert "| figure | ours | reference | ratio | target | pass/fail |" in table
    assert all(f"| {figure}" in table for figure in FIGURES)


@pytest.mark.services
def test_a_large_audit_batch_goes_in_by_copy_and_keeps_the_chain_intact(require_postgres):
    tricky = 'quote " comma , newline \n backslash \\ tab \t null \\N 中文'
    entries = [
        AuditEntry(
            object_type="notifications.push",
            object_id="\\N" if n == 0 else str(n),
            details={"text": tricky, "n": n, "flag": True, "none": None, "nested": {"a": [1]}},
        )
        for n in range(300)
    ]
    assert audit_record_many(actor=None, action="push.auto_claim", entries=entries) == 300
    assert verify_chain().ok
    first = AuditEvent.objects.get(object_id="\\N")
    assert first.details["text"] == tricky
    assert first.actor_label == "system"


@pytest.mark.django_db
def test_p3_measures_the_first_and_the_last_working_day_of_the_last_whole_month():
    """The page's clock travels to days the seeded history covers: November 2026 seen from
    2 December (1 November is a Sunday), and November itself from its last working day."""
    from benchmarks.pages import measured_days

    november = (datetime.date(2026, 11, 2), datetime.date(2026, 11, 30))
    assert measured_days(datetime.date(2026, 12, 2)) == november
    assert measured_days(datetime.date(2026, 11, 30)) == november
    assert measured_days(datetime.date(2026, 11, 27))[1] == datetime.date(2026, 10, 30)

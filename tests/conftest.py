"""Shared fixtures. Under REQUIRE_SERVICES=1 (CI) a test that needs PostgreSQL, Redis or a
live Celery worker fails instead of skipping when the service is missing."""

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection

from organizations.models import StaffRole
from tests.clients import logged_in
from tests.factories import ApprovalDepartmentFactory, DepartmentFactory, StaffFactory
from tests.services import REQUIRE_SERVICES, service_missing, start_worker, stop_worker

# Fixtures shared by test folders that are not below one another: a plugin module, so no test
# or conftest.py imports them from another conftest.py.
pytest_plugins = ["tests.notifications.fixtures"]

CALL_PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[CALL_PASSED] = report.passed
    if REQUIRE_SERVICES and report.skipped and item.get_closest_marker("services"):
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_SERVICES=1 forbids skipping a service test: {report.longrepr}"


# The audit chain (R20) is verified after the whole suite: pytest-django erases what a
# transactional test committed (threads, live servers and worker processes write for real
# there) when the test ends, so the chain is verified just before that, after every such
# test that passed; and once more over whatever remains when the last test is done, before
# the test database is dropped. A broken chain fails the run.


def _commits_for_real(item: pytest.Item) -> bool:
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transactional, reset_sequences, *_rest = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & {"transactional_db", "live_server", "django_db_reset_sequences"})


def audit_chain_problem(blocker: object) -> str | None:
    """What `manage.py verify_audit` would report about the test database, or None."""
    from audit.services import verify_chain

    with blocker.unblock():  # type: ignore[attr-defined]
        result = verify_chain()
    if result.ok:
        return None
    return (
        f"the audit chain is broken after {result.checked} intact events: first broken event "
        f"#{result.first_broken_id} ({result.problem}): {result.reason}"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    problem = None
    if item.stash.get(CALL_PASSED, False) and _commits_for_real(item):
        from pytest_django.plugin import blocking_manager_key

        problem = audit_chain_problem(item.config.stash[blocking_manager_key])
    result = yield
    if problem:
        pytest.fail(f"{problem} (committed by {item.nodeid})", pytrace=False)
    return result


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """pytest-django's test database, whose audit chain is verified after the last test."""
    yield
    problem = audit_chain_problem(django_db_blocker)
    if problem:
        pytest.fail(f"after the whole suite, {problem}", pytrace=False)


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Tasks enqueued after commit run in place, in the test's process, instead of reaching a
    broker that no worker reads here (live servers and transactional tests commit for real).
    Celery is imported here, after each xdist worker has chosen its own broker."""
    from linzi_platform.celery import app as celery_app

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def require_postgres(db: None) -> None:
    if connection.vendor != "postgresql":
        service_missing("this test needs PostgreSQL (set DATABASE_URL)")


def redis_url() -> str | None:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis") else None


# `make test` runs the suite in parallel processes (pytest-xdist). pytest-django gives each its
# own test database (test_<name>_gw0, …), but the broker is shared: a Celery worker that one
# process's test starts would take the tasks another's tests enqueue, and run them on the wrong
# database. So each xdist worker is started with CELERY_BROKER_URL naming a Redis database of
# its own, the configured one plus the worker's number. It is in the worker's environment before
# Django reads its settings: the settings, Celery, and every process a test starts agree on it.
# (Without Redis the embedded filesystem broker under var/ is shared; no test consumes from it.)
REDIS_DATABASES = 16  # Redis's default `databases`


def redis_database_for_worker(url: str, worker: int) -> str:
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + worker
    if database >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"xdist worker {worker} would need Redis database {database} after {url}: "
            "point CELERY_BROKER_URL at a lower database number or run fewer workers (-n)"
        )
    return parts._replace(path=f"/{database}").geturl()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: list[Any]) -> None:
    url = redis_url()
    if url is None:
        return
    for worker, spec in enumerate(specs):
        spec.env["CELERY_BROKER_URL"] = redis_database_for_worker(url, worker)


@pytest.fixture
def require_redis() -> str:
    url = redis_url()
    if url is None:
        service_missing("this test needs Redis (set CELERY_BROKER_URL=redis://…)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def live_worker(require_redis: str, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """A real Celery worker process on the Redis broker, stopped after the test."""
    env = {**os.environ, "DEBUG": "1", "CELERY_BROKER_URL": require_redis}
    worker = start_worker(env, tmp_path / "worker.log")
    time.sleep(0.5)
    if worker.poll() is not None:
        pytest.fail((tmp_path / "worker.log").read_text())
    yield worker
    stop_worker(worker)


@pytest.fixture
def approval_department(db: None):
    return ApprovalDepartmentFactory(code="xzsp-test", name="测试行政审批服务局")


@pytest.fixture
def supervision_department(db: None):
    return DepartmentFactory(code="scjg-test", name="测试市场监督管理局")


@pytest.fixture
def approval_clerk(approval_department):
    return StaffFactory(department=approval_department, role=StaffRole.CLERK).user


@pytest.fixture
def supervision_clerk(supervision_department):
    return StaffFactory(department=supervision_department, role=StaffRole.CLERK).user


@pytest.fixture
def platform_admin(approval_department):
    membership = StaffFactory(department=approval_department, role=StaffRole.PLATFORM_ADMIN)
    membership.user.is_staff = True
    membership.user.is_superuser = True
    membership.user.save()
    return membership.user


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's admin client, signed in with the second factor as administrators must
    (organizations.two_factor)."""
    return logged_in(admin_user)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    """Uploads and generated files of a test never land in the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fanout_window_closed(monkeypatch) -> None:
    """Each test's first commit publishes its fan-out task: a window the previous test's
    commit opened in this process (notifications/fanout.py) has no task for this one."""
    monkeypatch.setattr("notifications.fanout._window_ends", 0.0)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: the per-address rate limits of the public
    pages (R19) and the API throttles count in it, and under frozen time a window never
    ends, so one test's visits would otherwise be refused in the next one's."""
    from django.core.cache import cache

    cache.clear()

"""Shared fixtures. Under REQUIRE_SERVICES=1 (CI) a test that needs PostgreSQL, Redis or a
live Celery worker fails instead of skipping when the service is missing."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from organizations.models import StaffRole
from tests.factories import ApprovalDepartmentFactory, DepartmentFactory, StaffFactory

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def service_missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and item.get_closest_marker("services"):
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_SERVICES=1 forbids skipping a service test: {report.longrepr}"


@pytest.fixture
def require_postgres(db: None) -> None:
    if connection.vendor != "postgresql":
        service_missing("this test needs PostgreSQL (set DATABASE_URL)")


def redis_url() -> str | None:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis") else None


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


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "linzi_platform",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


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


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    """Uploads and generated files of a test never land in the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"

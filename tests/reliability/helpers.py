"""Plain helpers of the reliability tests (R1, R3, R4, R20): a private Redis that can be
stopped, Celery workers that can be killed, a long-lived platform process, what a webhook
receiver and an SMTP sink record, and the environment of a platform process. The fixtures that
start them live in conftest.py; import these from here, never from a conftest.py.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection

from tests.services import ROOT, service_missing, start_worker, stop_worker

WAIT_SECONDS = 90


def wait_until(condition: Callable[[], bool], *, what: str, seconds: float = WAIT_SECONDS) -> None:
    """Poll until `condition()` holds; fail naming `what` after `seconds` (a hang guard, not
    a timing assertion)."""
    give_up = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > give_up:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shared_database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test_<name>)."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "postgres", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def process_env(*, broker_url: str, **extra: str) -> dict[str, str]:
    """Environment of a platform process (a worker, a web process) on the test database."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": shared_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


class PlatformProcess:
    """A long-lived platform process (like a web worker) that runs `handler(request)` for
    each JSON request written to it and answers one JSON line; its stderr goes to a file."""

    def __init__(self, handler_code: str, *, env: dict[str, str], log_path: Path) -> None:
        code = (
            "import django, json, sys\n"
            "django.setup()\n"
            f"{handler_code}\n"
            "for line in sys.stdin:\n"
            "    print(json.dumps(handler(json.loads(line))), flush=True)\n"
        )
        self.log_path = log_path
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_path.open("ab"),
            text=True,
        )

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, f"the platform process died:\n{self.log()}"
        return json.loads(answer)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class RedisServer:
    """A redis-server of our own on a free port, so stopping it harms nobody."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        binary = shutil.which("redis-server")
        if binary is None:
            service_missing("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=(self.log_dir / f"redis-{self.port}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Workers:
    """Celery worker processes of a test; each is stopped (or already killed) at the end."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[subprocess.Popen] = []

    def start(self, env: dict[str, str]) -> subprocess.Popen:
        log = self.log_dir / f"worker-{len(self.started)}.log"
        worker = start_worker(env, log)
        self.started.append(worker)
        wait_until(lambda: "ready." in log.read_text(errors="replace"), what="worker ready")
        return worker

    def kill(self, worker: subprocess.Popen) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no rollback from the worker's side."""
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=20)

    def logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.log_dir.glob("worker-*.log"))
        )

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.poll() is None:
                stop_worker(worker)


def beat_client(broker_url: str, monkeypatch: pytest.MonkeyPatch) -> Celery:
    """Sends what celery beat would send (by task name), and waits on ping results.

    Celery lets CELERY_BROKER_URL / CELERY_RESULT_BACKEND in the environment win over any
    app's configuration, so they are pointed at `broker_url` for the rest of the test.
    """
    monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
    monkeypatch.setenv("CELERY_RESULT_BACKEND", broker_url)
    return Celery("reliability-beat", broker=broker_url, backend=broker_url, set_as_current=False)


def drain(client: Celery) -> None:
    """Wait until the worker (solo pool, one prefetched task) has run everything sent
    before: a ping sent after them is answered only after they ran."""
    assert client.send_task("linzi_platform.ping", args=["drain"]).get(timeout=WAIT_SECONDS) == (
        "pong:drain"
    )


class WebhookReceiver:
    """A partner system's webhook endpoint on 127.0.0.1: records every POST and answers 204,
    except that the requests numbered in `hold` (1, 2, … in arrival order) are held open
    until the test sets `release`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.url = ""
        self.hold: set[int] = set()
        self.held = threading.Event()  # set once a request is being held
        self.release = threading.Event()
        self.lock = threading.Lock()

    def push_ids(self) -> Counter:
        with self.lock:
            return Counter(json.loads(r["body"])["id"] for r in self.requests)


class SmtpSink:
    """Just enough SMTP to accept messages; each is kept as (recipient, subject). The
    messages numbered in `hold` (1, 2, … in arrival order) are kept, but their "250 queued"
    is held back until the test sets `release`."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.port = 0
        self.lock = threading.Lock()
        self.hold: set[int] = set()
        self.held = threading.Event()
        self.release = threading.Event()

    def counts(self) -> Counter:
        with self.lock:
            return Counter(self.messages)


def smtp_env(sink: SmtpSink) -> dict[str, str]:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
    }


# --- a gate in PostgreSQL: one chosen row's write waits for an advisory lock the test holds


def gate_install(
    *, key: int, name: str, table: str, event: str, when: str, params: list[Any]
) -> None:
    """A test-only trigger `name` on `table`: a row's `event` (INSERT or UPDATE) matching
    `when` (a trigger WHEN condition on NEW or OLD) waits for advisory lock `key`, which the
    test now holds, so a worker can be killed at a known point of its work."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM pg_advisory_xact_lock_shared({int(key)}); RETURN NEW; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW "
            f"WHEN ({when}) EXECUTE FUNCTION {name}()",
            params,
        )
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])


def gate_release(*, name: str, table: str) -> None:
    """Open the gate and remove it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock_all()")
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def waiting_at_gate(key: int) -> bool:
    """Whether a process of this database waits for the gate's lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            # pg_locks shows the whole cluster: other test databases (parallel test
            # processes, other runs) may be waiting on the same key.
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND objid = %s "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [key],
        )
        return cursor.fetchone()[0] > 0


def other_backends() -> int:
    """Server processes on this database besides the test's own connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]

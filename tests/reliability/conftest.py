"""Real processes for the reliability tests (R1, R3, R4, R20): a private Redis that can be stopped,
Celery workers that can be killed, an HTTP webhook receiver and an SMTP sink on 127.0.0.1.

The worker is another process, so it must see what the test commits: these tests use
`transaction=True` and hand the worker the URL of pytest-django's test database.

Fixtures only: the classes and helpers they use are in tests/reliability/helpers.py.
"""

import contextlib
import email
import email.policy
import os
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import redis

from linzi_platform.celery import app as celery_app
from tests.helpers import local_http_server
from tests.reliability.helpers import WAIT_SECONDS, RedisServer, SmtpSink, WebhookReceiver, Workers


@pytest.fixture(autouse=True)
def _platform_app_is_current() -> None:
    """`shared_task` proxies (what the services' after-commit enqueues call) resolve to the
    current Celery app; another test's client app may have made itself current."""
    celery_app.set_current()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A private Redis, not yet started: the broker is down until the test starts it."""
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    # The broker database is this xdist process's own (tests/conftest.py): empty it, so the
    # worker gets only this test's tasks, not those an earlier test committed with no
    # worker to take them.
    url = os.environ.get("CELERY_BROKER_URL", "")
    if url.startswith("redis"):
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    pool = Workers(tmp_path)
    yield pool
    # Before pytest-django flushes the tables: no worker may still be writing.
    pool.stop_all()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    state = WebhookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.requests.append({"headers": dict(self.headers), "body": body})
                hold = len(state.requests) in state.hold
            if hold:
                state.held.set()
                state.release.wait(timeout=WAIT_SECONDS)
            try:
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:  # the sender died while we held it
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with local_http_server(Handler) as port:
        state.url = f"http://127.0.0.1:{port}/hooks/linzi"
        yield state
        state.release.set()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            with contextlib.suppress(OSError):  # the sender died while we held it
                self.converse()

        def converse(self) -> None:
            self.reply("220 sink ESMTP")
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    self.reply("250 sink")
                elif verb == b"DATA":
                    self.reply("354 end with <CRLF>.<CRLF>")
                    self.receive_data()
                    self.reply("250 queued")
                elif verb == b"QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 ok")

        def receive_data(self) -> None:
            lines = []
            while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                lines.append(line[1:] if line.startswith(b"..") else line)
            message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
            with sink.lock:
                sink.messages.append((str(message["To"]), str(message["Subject"]).strip()))
                hold = len(sink.messages) in sink.hold
            if hold:
                sink.held.set()
                sink.release.wait(timeout=WAIT_SECONDS)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sink
    sink.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)

"""Small helpers shared by tests (import them from here, never from a conftest.py)."""

import contextlib
import datetime
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    """An aware time in Asia/Shanghai from an ISO text without offset."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def pdf(name: str = "decision.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test decision", content_type="application/pdf")


def tamper_with_audit_trail(sql: str, params: list[Any]) -> None:
    """Run raw SQL against the audit trail as an attacker holding the database's superuser
    would: on PostgreSQL past the append-only trigger (session_replication_role, which only
    a superuser may set), to prove the hash chain still detects the change (R20)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


@contextlib.contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """Serve `handler` on 127.0.0.1 (a free port, yielded) in a thread until the block ends:
    the partner systems and gateways the tests talk to over real HTTP."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fan_out(pushes: Any) -> int:
    """What the after-commit task does for these pushes (notifications/fanout.py): a test
    that runs in one transaction never commits, so its on-commit callbacks never fire."""
    from notifications.fanout import pushes_fan_out

    return pushes_fan_out(push_ids=[push.pk for push in pushes])

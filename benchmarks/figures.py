"""The figures P1, P2, P4 and P5 (P3 is in pages.py, P6 in import_figure.py, P8 in
load.py): each one is our code's time next to a reference measured in the same run on the
same data, so the ratio holds on any machine even where the absolute times do not."""

from __future__ import annotations

import datetime
import gc
import http.client
import itertools
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from audit.services import audit_record
from notifications.models import Obligation, OverdueRecord, Push, PushState
from notifications.services import pushes_auto_claim_overdue
from organizations.authentication import ApiKeyAuthentication
from reporting.reports import month_bounds, previous_month, report_figures

from .seed import Seeded


@dataclass(frozen=True)
class Figure:
    key: str
    name: str
    ours: str
    reference: str
    ratio: float | None
    target: str
    passed: bool
    note: str = ""


def paired_medians(
    ours: Callable[[], Any], reference: Callable[[], Any], *, runs: int
) -> tuple[float, float]:
    """Median times of `ours` and `reference`, run alternately so that a burst of load on a
    shared machine hits both sides alike; the garbage collector is paused while timing, as
    timeit does, so a collection triggered by one side is not charged to it."""
    times: tuple[list[float], list[float]] = ([], [])
    ours()
    reference()
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for _run in range(runs):
            for side, work in enumerate((ours, reference)):
                started = time.perf_counter()
                work()
                times[side].append(time.perf_counter() - started)
    finally:
        if enabled:
            gc.enable()
    return statistics.median(times[0]), statistics.median(times[1])


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.2f} ms"


# --- P1: licence ingest under gunicorn -------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(*, database_url: str, broker_url: str) -> dict[str, str]:
    """The environment of a process the benchmark starts (its gunicorn, P7's background
    work): the benchmark's settings and database, production-like (DEBUG off)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        # The figure is the cost of the work, not of the per-key rate limit.
        "THROTTLE_API_CLIENT": "100000000/minute",
        "LOG_LEVEL": "WARNING",
    }


class Server:
    """gunicorn serving the project plus the bare endpoint (benchmarks.settings)."""

    def __init__(self, *, database_url: str, broker_url: str, workers: int) -> None:
        self.port = _free_port()
        env = process_env(database_url=database_url, broker_url=broker_url)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "linzi_platform.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "2",
            "--keep-alive",
            "60",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            command, env=env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited before serving; see its output above")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /health/ within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def rate(load: Load) -> str:
    p50, p99 = load.quantile(0.5) * 1000, load.quantile(0.99) * 1000
    return f"{load.rps:.1f}/s p50 {p50:.0f} ms p99 {p99:.0f} ms"


@dataclass(frozen=True)
class Load:
    """Requests driven at one endpoint: their latencies, errors and wall-clock time; loads
    of several rounds add up."""

    elapsed: float = 0.0
    latencies: tuple[float, ...] = ()
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    def __add__(self, other: Load) -> Load:
        return Load(
            self.elapsed + other.elapsed,
            self.latencies + other.latencies,
            self.errors + other.errors,
        )


def drive(
    *,
    port: int,
    path: str,
    key: str,
    body_of: Callable[[int, int], dict[str, Any]],
    clients: int,
    per_client: int,
    until: threading.Event | None = None,
) -> Load:
    """`clients` threads, each on its own keep-alive connection, `per_client` POSTs each
    (or, given `until`, one after another until it is set)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        failed = 0
        start.wait()
        for i in range(per_client) if until is None else itertools.count():
            if until is not None and until.is_set():
                break
            payload = json.dumps(body_of(number, i), ensure_ascii=False).encode()
            headers = {
                "Authorization": f"Api-Key {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": uuid.uuid4().hex,
            }
            began = time.perf_counter()
            try:
                conn.request("POST", path, body=payload, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 201
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                ok = False
            mine.append(time.perf_counter() - began)
            failed += 0 if ok else 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return Load(time.perf_counter() - began, tuple(latencies), errors[0])


P1_TURNS = 4


def licence_bodies(seeded: Seeded, *, prefix: str) -> Callable[[int, int], dict[str, Any]]:
    """The body of client `number`'s `i`-th decision: a new licence number, one of the
    seeded items and counterparties (mostly on record already, as in a district)."""
    today = timezone.localdate().isoformat()
    codes = seeded.credit_codes
    items = [item.code for item in seeded.items]

    def licence(number: int, i: int) -> dict[str, Any]:
        n = number * 100_000 + i
        return {
            "item": items[n % len(items)],
            "counterparty": {
                "name": f"基准企业{n % len(codes):06d}",
                "credit_code": codes[n % len(codes)],
                "contact_name": "张三",
                "contact_phone": "13800000000",
            },
            "licence_no": f"{prefix}-{number}-{i}",
            "licence_date": today,
            "valid_from": today,
        }

    return licence


def p1_ingest(
    *, seeded: Seeded, database_url: str, broker_url: str, clients: int, per_client: int
) -> Figure:
    run = uuid.uuid4().hex[:6]
    key = seeded.keys[seeded.approval.code]
    licence = licence_bodies(seeded, prefix=f"P1-{run}")

    def bare(number: int, i: int) -> dict[str, Any]:
        return {"note": f"P1-{run}-{number}-{i}"}

    server = Server(
        database_url=database_url, broker_url=broker_url, workers=max(2, os.cpu_count() or 2)
    )
    try:
        warm = max(2, per_client // 10)
        drive(
            port=server.port,
            path="/bench/bare/",
            key=key,
            body_of=bare,
            clients=clients,
            per_client=warm,
        )
        drive(
            port=server.port,
            path="/api/v1/licences/",
            key=key,
            body_of=lambda n, i: licence(n + 1000, i),
            clients=clients,
            per_client=warm,
        )
        # The three sides take turns, a quarter of the requests each turn, so that a change
        # of load on a shared machine (or PostgreSQL's own background work after a burst of
        # writes) falls on all of them alike. The floor is not a figure of its own: it shows
        # where the ceiling of P1 lies before any decision work.
        sides: dict[str, tuple[str, Callable[[int, int], dict[str, Any]]]] = {
            "bare": ("/bench/bare/", bare),
            "ours": ("/api/v1/licences/", licence),
            "floor": ("/bench/licence-floor/", lambda n, i: licence(n + 2000, i)),
        }
        loads = dict.fromkeys(sides, Load())
        per_turn = max(1, per_client // P1_TURNS)
        for turn in range(P1_TURNS):
            for name, (path, body_of) in sides.items():
                loads[name] += drive(
                    port=server.port,
                    path=path,
                    key=key,
                    body_of=lambda n, i, body_of=body_of, turn=turn: body_of(
                        n, turn * per_turn + i
                    ),
                    clients=clients,
                    per_client=per_turn,
                )
        reference, ours, floor = loads["bare"], loads["ours"], loads["floor"]
    finally:
        server.stop()
    ratio = ours.rps / floor.rps

    return Figure(
        key="P1",
        name=f"licence ingest, {clients} clients (req/s)",
        ours=rate(ours),
        reference=f"floor {rate(floor)}",
        ratio=ratio,
        target=">= 0.4 of the floor",
        passed=ratio >= 0.4 and ours.errors == floor.errors == reference.errors == 0,
        note=f"{ours.requests} + {floor.requests} + {reference.requests} requests, errors "
        f"{ours.errors}/{floor.errors}/{reference.errors}; floor = /bench/licence-floor/ (the "
        f"same authentication, Idempotency-Key and input validation, no decision); bare "
        f"(/bench/bare/, one INSERT): {rate(reference)}, ours = {ours.rps / reference.rps:.2f} "
        f"of bare, floor = {floor.rps / reference.rps:.2f} of bare",
    )


# --- P2: the auto-claim sweep ----------------------------------------------------------------

RAW_SWEEP = """
UPDATE notifications_push
SET state = 'auto_claimed', state_rank = 1, claimed_at = deadline, claimed_by_id = NULL,
    claimed_by_label = 'system', overdue = true
WHERE state = 'pending' AND deadline < %s
"""

RESET = """
UPDATE notifications_push
SET state = 'pending', state_rank = 0, claimed_at = NULL, claimed_by_label = '', overdue = false
WHERE id = ANY(%s)
"""


def _vacuum_pushes() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_push")
        cursor.execute("VACUUM ANALYZE notifications_overduerecord")


def _reset(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(RESET, [ids])
    OverdueRecord.objects.filter(
        obligation=Obligation.CLAIM,
        object_type="notifications.push",
        object_id__in=[str(pk) for pk in ids],
    ).delete()


def _orm_loop(ids: list[int], now: datetime.datetime) -> None:
    """The naive sweep, one row at a time — shown for contrast only."""
    for push in Push.objects.filter(pk__in=ids).select_related("receiver"):
        with transaction.atomic():
            if not Push.objects.filter(pk=push.pk, state=PushState.PENDING).update(
                state=PushState.AUTO_CLAIMED,
                state_rank=1,
                claimed_at=push.deadline,
                claimed_by_label="system",
                overdue=True,
            ):
                continue
            OverdueRecord.objects.create(
                department=push.receiver,
                obligation=Obligation.CLAIM,
                object_type="notifications.push",
                object_id=str(push.pk),
                deadline=push.deadline,
                recorded_at=now,
            )
            audit_record(
                actor=None,
                action="push.auto_claim",
                object_type="notifications.push",
                object_id=push.pk,
                details={"kind": push.kind, "deadline": push.deadline.isoformat()},
                department=push.receiver,
                at=now,
            )


def p2_sweep(*, loop_sample: int) -> Figure:
    now = timezone.now()
    ids = list(
        Push.objects.filter(state=PushState.PENDING, deadline__lt=now).values_list("pk", flat=True)
    )
    _vacuum_pushes()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(RAW_SWEEP, [now])
        reference = time.perf_counter() - started
    _reset(ids)
    _vacuum_pushes()
    started = time.perf_counter()
    swept = pushes_auto_claim_overdue(now=now)
    ours = time.perf_counter() - started
    sample = ids[:loop_sample]
    _reset(sample)
    started = time.perf_counter()
    _orm_loop(sample, now)
    per_row = (time.perf_counter() - started) / max(1, len(sample))
    ratio = ours / reference
    return Figure(
        key="P2",
        name=f"auto-claim sweep of {len(ids):,} overdue pushes",
        ours=fmt_seconds(ours),
        reference=fmt_seconds(reference),
        ratio=ratio,
        target="<= 2x raw UPDATE",
        passed=ratio <= 2 and swept == len(ids),
        note=f"swept {swept:,}; per-row ORM loop {per_row * 1000:.2f} ms/row "
        f"≈ {fmt_seconds(per_row * len(ids))} for all",
    )


# --- P4: the monthly report ------------------------------------------------------------------

RAW_REPORT = """
SELECT receiver_id,
       count(*) FILTER (WHERE sent_at >= %(start)s AND sent_at < %(end)s) AS received,
       count(*) FILTER (WHERE deadline >= %(start)s AND deadline < %(end)s
                        AND state = 'claimed') AS on_time,
       count(*) FILTER (WHERE deadline >= %(start)s AND deadline < %(end)s
                        AND state = 'auto_claimed') AS auto
FROM notifications_push
WHERE (sent_at >= %(start)s AND sent_at < %(end)s)
   OR (deadline >= %(start)s AND deadline < %(end)s)
GROUP BY receiver_id
"""


def p4_report(*, runs: int) -> Figure:
    month = previous_month(timezone.now())
    start, end = month_bounds(month)
    rows = Push.objects.filter(sent_at__gte=start, sent_at__lt=end).count()

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_REPORT, {"start": start, "end": end})
            cursor.fetchall()

    ours, reference = paired_medians(lambda: report_figures(month=month), raw, runs=runs)
    ratio = ours / reference
    return Figure(
        key="P4",
        name=f"monthly report {month:%Y-%m} ({rows:,} pushes sent that month)",
        ours=fmt_seconds(ours),
        reference=fmt_seconds(reference),
        ratio=ratio,
        target="<= 3x raw GROUP BY",
        passed=ratio <= 3,
        note=f"median of {runs}",
    )


# --- P5: API-key authentication --------------------------------------------------------------


def p5_api_key(*, seeded: Seeded, runs: int) -> Figure:
    """The authentication step alone (key lookup by prefix, SHA-512 check, department check)
    on requests built beforehand; the reference is one primary-key SELECT of the same row."""
    from organizations.models import ApiClient

    factory = APIRequestFactory()
    key = seeded.keys[seeded.approval.code]
    authentication = ApiKeyAuthentication()
    requests = [
        Request(factory.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {key}"))
        for _n in range(runs + 20)
    ]
    for request in requests[:20]:
        authentication.authenticate(request)
    pk = ApiClient.objects.values_list("pk", flat=True).first()
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for request in requests[20:]:
            if authentication.authenticate(request) is None:
                raise RuntimeError("the key did not authenticate")
        per_request = (time.perf_counter() - started) / runs
        started = time.perf_counter()
        for _run in range(runs):
            ApiClient.objects.filter(pk=pk).first()
        reference = (time.perf_counter() - started) / runs
    finally:
        gc.enable()
    return Figure(
        key="P5",
        name="API-key authentication per request",
        ours=fmt_seconds(per_request),
        reference=fmt_seconds(reference),
        ratio=per_request / reference,
        target="≤ 1.5×",
        passed=per_request <= 1.5 * reference,
        note=f"mean of {runs}; reference = one primary-key SELECT of the client row",
    )

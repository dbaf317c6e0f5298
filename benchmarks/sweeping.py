"""P7: licence ingest while the auto-claim sweep works through a month's backlog of overdue
pushes and the monthly report compiles, next to the same ingest alone, in one run.

What a district feels on the morning of the 1st: the decisions keep coming while the beat's
sweep flips 100,000 pushes (each batch writes its audit events on the one audit chain the
decisions write to as well) and the report reads the whole month. The ingest is driven as
in P1 (same server, clients, bodies and count): alone, in two halves before and after the
background work, and without a pause from the moment the jobs start until both are done.
The background jobs run in processes of their own (benchmarks/background.py), as a
worker's would; `make bench` runs P7 after P2, whose sweep it undoes first."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications.models import Push, PushState

from .figures import (
    Figure,
    Load,
    Server,
    _reset,
    _vacuum_pushes,
    drive,
    licence_bodies,
    process_env,
    rate,
)
from .seed import Seeded


def overdue_backlog(count: int) -> int:
    """Make `count` pushes pending past their deadline (P2 auto-claimed the seeded ones:
    they are put back, their overdue records removed); returns how many are overdue."""
    now = timezone.now()
    overdue = Push.objects.filter(state=PushState.PENDING, deadline__lt=now)
    missing = count - overdue.count()
    if missing > 0:
        ids = list(
            Push.objects.filter(state=PushState.AUTO_CLAIMED, deadline__lt=now)
            .order_by("-deadline")
            .values_list("pk", flat=True)[:missing]
        )
        _reset(ids)
    _vacuum_pushes()
    return overdue.count()


def _deadlocks() -> int:
    """Deadlocks PostgreSQL detected in this database so far (each is also in its log)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _start(job: str, env: dict[str, str], errors: Path) -> subprocess.Popen:
    """The job's process, set up and waiting for `_go`. Its error output goes to the file
    `errors`: a pipe nobody reads while the job runs would stop the job once full."""
    with errors.open("w") as sink:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [sys.executable, "-m", "benchmarks.background", job],
            env=env,
            cwd=settings.BASE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=sink,
            text=True,
        )
    if process.stdout.readline().strip() != "ready":
        process.communicate()
        raise RuntimeError(f"P7's {job} job did not start: {errors.read_text().strip()}")
    return process


def _go(process: subprocess.Popen) -> None:
    process.stdin.write("go\n")
    process.stdin.flush()


def _finished(job: subprocess.Popen, errors: Path) -> tuple[dict[str, Any] | None, str]:
    out, _none = job.communicate(timeout=1800)  # closes its input too
    if job.returncode != 0:
        err = errors.read_text().strip()
        return None, err.splitlines()[-1] if err else f"exit {job.returncode}"
    return json.loads(out.strip().splitlines()[-1]), ""


def p7_ingest_while_sweeping(
    *,
    seeded: Seeded,
    database_url: str,
    broker_url: str,
    clients: int,
    per_client: int,
    overdue: int,
) -> Figure:
    backlog = overdue_backlog(overdue)
    key = seeded.keys[seeded.approval.code]
    licence = licence_bodies(seeded, prefix=f"P7-{uuid.uuid4().hex[:6]}")
    env = process_env(database_url=database_url, broker_url=broker_url)
    server = Server(database_url=database_url, broker_url=broker_url, workers=2)

    half = max(1, per_client // 2)

    def ingest(*, offset: int, until: threading.Event | None = None) -> Load:
        return drive(
            port=server.port,
            path="/api/v1/licences/",
            key=key,
            body_of=lambda n, i: licence(n, offset + i),
            clients=clients,
            per_client=half,
            until=until,
        )

    logs = tempfile.TemporaryDirectory()
    errors = {name: Path(logs.name) / f"{name}.err" for name in ("sweep", "report")}
    try:
        ingest(offset=0)  # warm-up
        # Alone: as P1 drives its side (the same clients, bodies and count), in two halves
        # around the background work.
        alone = ingest(offset=per_client)
        jobs = {name: _start(name, env, errors[name]) for name in errors}
        deadlocks_before = _deadlocks()
        done = threading.Event()
        during: list[Load] = []
        clients_thread = threading.Thread(
            target=lambda: during.append(ingest(offset=10 * per_client, until=done))
        )
        started = time.perf_counter()
        clients_thread.start()
        for job in jobs.values():
            _go(job)
        while any(job.poll() is None for job in jobs.values()):
            time.sleep(0.05)
        busy = time.perf_counter() - started
        done.set()
        clients_thread.join()
        results = {name: _finished(job, errors[name]) for name, job in jobs.items()}
        alone += ingest(offset=2 * per_client)
    finally:
        server.stop()
        logs.cleanup()
    deadlocks = _deadlocks() - deadlocks_before
    left = Push.objects.filter(state=PushState.PENDING, deadline__lt=timezone.now()).count()
    failures = [f"{name}: {error}" for name, (_out, error) in results.items() if error]
    [during] = during
    throughput = during.rps / alone.rps
    tail = during.quantile(0.99) / alone.quantile(0.99)
    swept = (results["sweep"][0] or {}).get("done", 0)
    seconds = {name: out["seconds"] for name, (out, _error) in results.items() if out}
    passed = (
        throughput >= 0.7
        and tail <= 2
        and during.errors == alone.errors == 0
        and deadlocks == 0
        and not failures
        and left == 0
    )
    return Figure(
        key="P7",
        name=f"licence ingest while sweeping {backlog:,} overdue pushes and compiling the "
        f"monthly report, {clients} clients",
        ours=rate(during),
        reference=f"alone {rate(alone)}",
        ratio=throughput,
        target=">= 0.7 of alone, p99 <= 2x, 0 errors, 0 deadlocks",
        passed=passed,
        note=f"p99 {tail:.2f}x alone; {during.requests} decisions during {busy:.1f} s of "
        f"background work (sweep {seconds.get('sweep', 0):.1f} s, {swept:,} auto-claimed by "
        f"it; report {seconds.get('report', 0):.1f} s), {alone.requests} alone; errors "
        f"{during.errors}/{alone.errors}; deadlocks {deadlocks}; overdue left {left}"
        + (f"; FAILED {'; '.join(failures)}" if failures else ""),
    )

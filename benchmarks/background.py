"""P7's background work, each job in a process of its own, as the beat's tasks run in a
worker beside the web servers: `python -m benchmarks.background sweep|report`. Once set up it
prints "ready" and waits for a line on its input (so a process's start-up is not counted
as background work); then it prints one JSON line: the job, what it did and how long."""

from __future__ import annotations

import json
import sys
import time

import django


def main(job: str) -> None:
    django.setup()
    from django.utils import timezone

    from notifications.tasks import auto_claim_overdue
    from reporting.reports import monthly_report_compile, previous_month

    print("ready", flush=True)
    sys.stdin.readline()
    now = timezone.now()
    started = time.perf_counter()
    if job == "sweep":
        # The R4 sweep the beat runs every 5 minutes (notifications.auto_claim_overdue).
        done = auto_claim_overdue()
    elif job == "report":
        # The monthly report compiled again (an admin's re-compile: the beat's compile of
        # the 1st would find it made): its deadline sweeps first, then the figures (R18).
        done = monthly_report_compile(month=previous_month(now), new_version=True).version
    else:
        raise SystemExit(f"unknown job {job!r}: sweep or report")
    print(json.dumps({"job": job, "done": done, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main(sys.argv[1])

"""P8: the pages under load. Simulated staff of several departments and roles (signed in, the
admin with the second factor) and API clients (with their keys) click through their pages with
2–6 s between clicks for a fixed time against the gunicorn server of the benchmark; each
page's p95 under that load is set against its own single-user median measured in the same run
just before (one request at a time, the same users and addresses).

A bounded load generator of our own (threads, one keep-alive connection each, http.client)
rather than locust: locust runs on gevent, whose monkey-patching does not mix with the
Django process that drives the other figures, and all P8 needs is a fixed number of users,
think times and per-page percentiles."""

from __future__ import annotations

import http.client
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from notifications.models import Push
from organizations.models import Department, StaffMembership, StaffRole
from reporting.reports import monthly_report_compile, previous_month

from .clients import admin_signed_in
from .figures import Figure, Server, fmt_seconds
from .seed import Seeded

THINK_SECONDS = (2.0, 6.0)
TARGET = 4.0
# Extra clerks, so that the staff come from several departments (the seed has S01 and S02's).
EXTRA_DEPARTMENTS = ("S03", "S04", "S05")


@dataclass
class Visitor:
    """One simulated person or API client: its headers and the pages it clicks."""

    headers: dict[str, str]
    pages: list[tuple[str, str]]  # (page label, path)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # Page -> the answers other than 200 (status codes or exception names).
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, status: str) -> None:
        with self.lock:
            self.latencies[page].append(seconds)
            if status != "200":
                self.errors[page].append(status)


def _cookie(client: Client) -> dict[str, str]:
    name = settings.SESSION_COOKIE_NAME
    return {"Cookie": f"{name}={client.cookies[name].value}"}


def _staff(user: object, *, admin: bool = False) -> dict[str, str]:
    if admin:
        return _cookie(admin_signed_in(user))
    client = Client()
    client.force_login(user)
    return _cookie(client)


def _clerk_of(code: str) -> object:
    department = Department.objects.get(code=code)
    user, _created = get_user_model().objects.get_or_create(username=f"bench-{code.lower()}")
    StaffMembership.objects.get_or_create(
        user=user, department=department, defaults={"role": StaffRole.CLERK}
    )
    return user


def _push_paths(department: Department, *, sent: bool = False, n: int = 20) -> list[str]:
    pushes = Push.objects.filter(**{"sender" if sent else "receiver": department})
    ids = pushes.order_by("-sent_at", "-id").values_list("pk", flat=True)[:n]
    return [f"/pushes/{pk}/" for pk in ids]


def visitors(seeded: Seeded, *, users: int, report_month: str) -> list[Visitor]:
    """`users` visitors: three in four are staff (clerks of five supervision departments and
    the approval department, heads, the admin), one in four API clients."""
    head, admin = StaffRole.HEAD, StaffRole.PLATFORM_ADMIN
    a, big, small = seeded.approval, seeded.big, seeded.small
    report = f"/pushes/reports/{report_month}/"

    def staff_pages(department: Department, role: str) -> list[tuple[str, str]]:
        """A round of clicks: the home page, the inbox and push details most often, the
        outbox less, the monthly report once."""
        details = _push_paths(department, sent=department.pk == a.pk)
        return [
            *[(f"home ({role})", "/dashboard/")] * 3,
            *[("inbox", "/pushes/inbox/")] * 3,
            *[("outbox", "/pushes/outbox/")] * 2,
            *[("push detail", details[i % len(details)]) for i in range(3)],
            ("report page", report),
        ]

    kinds: list[tuple[object, Department, str, bool]] = [
        (seeded.users[big.code], big, "clerk", False),
        (seeded.users[small.code], small, "clerk", False),
        (seeded.users[a.code], a, "clerk", False),
        (seeded.users[f"{big.code}:{head}"], big, "head", False),
        (seeded.users[f"{small.code}:{head}"], small, "head", False),
        (seeded.users[f"{a.code}:{head}"], a, "head", False),
        (seeded.users[f"{a.code}:{admin}"], a, "admin", True),
    ]
    kinds += [
        (_clerk_of(code), Department.objects.get(code=code), "clerk", False)
        for code in EXTRA_DEPARTMENTS
    ]
    keys = [seeded.keys[code] for code in (a.code, big.code, small.code)]
    api_pages = [
        *[("API inbox", "/api/v1/pushes/?box=inbox")] * 2,
        ("API outbox", "/api/v1/pushes/?box=outbox"),
    ]
    result = []
    for n in range(users):
        if n % 4 == 3:
            key = keys[(n // 4) % len(keys)]
            result.append(Visitor({"Authorization": f"Api-Key {key}"}, api_pages))
            continue
        user, department, role, is_admin = kinds[(n - n // 4) % len(kinds)]
        pages = staff_pages(department, role)
        if is_admin:  # the admin has no department inbox of its own to click through
            pages = [page for page in pages if page[0] not in ("inbox", "outbox")]
        result.append(Visitor(_staff(user, admin=is_admin), pages))
    return result


def _get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> str:
    conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = conn.getresponse()
    response.read()
    if response.getheader("Connection", "").lower() == "close":
        conn.close()
    return str(response.status)


def _timed(
    conn: http.client.HTTPConnection, path: str, headers: dict[str, str]
) -> tuple[float, str]:
    began = time.perf_counter()
    try:
        status = _get(conn, path, headers)
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        status = type(exc).__name__
    return time.perf_counter() - began, status


def single_user(port: int, crowd: list[Visitor], *, per_page: int) -> Tally:
    """Each page alone, one request at a time, cycling through the visitors that click it."""
    tally = Tally()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    by_page: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for visitor in crowd:
        for label, path in visitor.pages:
            by_page[label].append((path, visitor.headers))
    for label, targets in by_page.items():
        _timed(conn, *targets[0])  # warm-up
        for i in range(per_page):
            path, headers = targets[i % len(targets)]
            tally.add(label, *_timed(conn, path, headers))
    conn.close()
    return tally


def under_load(port: int, crowd: list[Visitor], *, seconds: float, seed: int = 8) -> Tally:
    tally = Tally()
    stop_at = time.monotonic() + seconds

    def visit(number: int, visitor: Visitor) -> None:
        rng = random.Random(seed * 1000 + number)  # noqa: S311 - think times, not secrets
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        # Each visitor goes round its pages in an order of its own, so that every page is
        # clicked even in a short run; people do not all start at once.
        pages = list(visitor.pages)
        rng.shuffle(pages)
        time.sleep(rng.uniform(0, THINK_SECONDS[1]))
        clicks = 0
        while time.monotonic() < stop_at:
            label, path = pages[clicks % len(pages)]
            clicks += 1
            tally.add(label, *_timed(conn, path, visitor.headers))
            time.sleep(rng.uniform(*THINK_SECONDS))
        conn.close()

    threads = [
        threading.Thread(target=visit, args=(n, v), daemon=True) for n, v in enumerate(crowd)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _collect_static(database_url: str) -> None:
    """With DEBUG off the pages name their static files through the collected manifest, as
    in production: collect them once into the benchmark's own folder."""
    root = Path(settings.BASE_DIR) / "var" / "bench" / "static"
    os.environ["STATIC_ROOT"] = str(root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DEBUG": "0", "DATABASE_URL": database_url},
        check=True,
    )


def p8_load(
    *, seeded: Seeded, database_url: str, broker_url: str, users: int, seconds: float
) -> list[Figure]:
    month = previous_month(timezone.now())
    # The beat compiles the last month on the 1st (R18): the report page reads that snapshot.
    monthly_report_compile(month=month)
    # The server (DEBUG off) needs a real secret key, and must read the sessions signed in
    # here: one key for both.
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    settings.SECRET_KEY = os.environ["SECRET_KEY"]
    _collect_static(database_url)
    crowd = visitors(seeded, users=users, report_month=f"{month:%Y-%m}")
    server = Server(database_url=database_url, broker_url=broker_url, workers=2)
    try:
        alone = single_user(server.port, crowd, per_page=9 if users >= 30 else 5)
        loaded = under_load(server.port, crowd, seconds=seconds)
    finally:
        server.stop()
    figures = []
    api_users = sum(1 for v in crowd if "Authorization" in v.headers)
    for number, page in enumerate(sorted(alone.latencies), start=1):
        times = loaded.latencies.get(page) or [float("inf")]
        median = statistics.median(alone.latencies[page])
        p95 = _quantile(times, 0.95)
        failures = loaded.errors[page] + alone.errors[page]
        errors = len(failures)
        seen = ", ".join(sorted(set(failures)))
        figures.append(
            Figure(
                key=f"P8.{number}",
                name=f"{page} under load, {users} users ({api_users} API) for {seconds:.0f} s",
                ours=f"p95 {fmt_seconds(p95)} (p50 {fmt_seconds(_quantile(times, 0.5))}, "
                f"p99 {fmt_seconds(_quantile(times, 0.99))})",
                reference=f"{fmt_seconds(median)} single user",
                ratio=p95 / median,
                target=f"p95 <= {TARGET:g}x single-user median, 0 errors",
                passed=p95 <= TARGET * median and errors == 0,
                note=f"{len(loaded.latencies.get(page, []))} requests under load, "
                f"{len(alone.latencies[page])} alone, errors {errors}"
                + (f" ({seen})" if seen else ""),
            )
        )
    return figures

"""P3: the pages a department opens all day cost the same whatever the size of its history.

The inbox (web and API, first page and deep page) of S01 (1M pushes) is set against the same
page of S02 (10k); every home page (待办) — approval clerk and head, supervision clerk and
head, platform admin — is measured with the page's clock on the first and on the last working
day of a month, when "this month" is at its smallest and at its largest, each against its
10k twin (S02's page of the same role; the approval department and the admin have no
smaller twin and are set against S02's clerk or head)."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import time_machine
from django.core.cache import cache
from django.test import Client

from linzi_platform.pagination import _encode
from notifications.models import Push
from notifications.selectors import INBOX_ORDER
from organizations.models import StaffRole
from workdays.calendar import CALENDAR_TZ, is_working_day

from .clients import admin_signed_in
from .figures import Figure, fmt_seconds, paired_medians
from .seed import Seeded

# The page's clock on the measured days: office hours, before the 17:30 close, so that
# pushes due today are still open.
PAGE_CLOCK = datetime.time(16, 0)
TARGET = 1.5


def _web_cursor(department_id: int, depth: int) -> str:
    order = [f"-{name}" if descending else name for name, descending in INBOX_ORDER]
    row = Push.objects.filter(receiver_id=department_id).order_by(*order)[depth - 1]
    return _encode([getattr(row, name) for name, _desc in INBOX_ORDER])


def _api_cursor(department_id: int, depth: int) -> str:
    row = Push.objects.filter(receiver_id=department_id).order_by("-sent_at", "-id")[depth - 1]
    # DRF's cursor: position = str() of the first ordering field of the last row seen.
    query = urlencode({"p": str(row.sent_at)}, doseq=True)
    return base64.b64encode(query.encode("ascii")).decode("ascii")


def page_timer(
    client: Client, url: str, headers: dict[str, str], before: Callable[[], None] | None = None
) -> Callable[[], None]:
    def get() -> None:
        if before is not None:
            before()
        response = client.get(url, secure=True, **headers)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    return get


def measured_days(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and the last working day (R0 calendar) of the latest month whose last working
    day has come: the seeded history then covers the whole month up to the page's clock."""
    month = today.replace(day=1)
    while True:
        last_of_month = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(
            days=1
        )
        days = [
            month + datetime.timedelta(days=n)
            for n in range((last_of_month - month).days + 1)
            if is_working_day(month + datetime.timedelta(days=n))
        ]
        if days and days[-1] <= today:
            return days[0], days[-1]
        month = (month - datetime.timedelta(days=1)).replace(day=1)


def _cold() -> None:
    """A head's on-time figures are cached for a few minutes, the calendar's state for a day:
    every timed request pays for them, as the first visitor after the cache expires does."""
    cache.clear()


@dataclass(frozen=True)
class HomePage:
    label: str
    big: Callable[[], None]
    small: Callable[[], None]
    twin: str  # what the reference is


def _home(seeded: Seeded, user_key: str, *, admin: bool = False) -> Callable[[], None]:
    user = seeded.users[user_key]
    client = admin_signed_in(user) if admin else Client()
    if not admin:
        client.force_login(user)
    return page_timer(client, "/dashboard/", {}, before=_cold)


def home_pages(seeded: Seeded) -> list[HomePage]:
    a, big, small = seeded.approval, seeded.big, seeded.small
    head, admin = StaffRole.HEAD, StaffRole.PLATFORM_ADMIN
    small_clerk = _home(seeded, small.code)
    small_head = _home(seeded, f"{small.code}:{head}")
    return [
        HomePage("approval clerk", _home(seeded, a.code), small_clerk, "S02 clerk"),
        HomePage("approval head", _home(seeded, f"{a.code}:{head}"), small_head, "S02 head"),
        HomePage("supervision clerk", _home(seeded, big.code), small_clerk, "S02 clerk"),
        HomePage("supervision head", _home(seeded, f"{big.code}:{head}"), small_head, "S02 head"),
        HomePage(
            "platform admin",
            _home(seeded, f"{a.code}:{admin}", admin=True),
            small_clerk,
            "S02 clerk",
        ),
    ]


def _figure(key: str, name: str, big: float, small: float, runs: int, note: str = "") -> Figure:
    ratio = big / small
    return Figure(
        key=key,
        name=name,
        ours=fmt_seconds(big),
        reference=fmt_seconds(small),
        ratio=ratio,
        target=f"<= {TARGET}x",
        passed=ratio <= TARGET,
        note=f"median of {runs}{note}",
    )


def p3_pages(
    *, seeded: Seeded, depth: int, runs: int, big_rows: int, small_rows: int
) -> list[Figure]:
    figures = []
    timers: dict[str, dict[str, Callable[[], None]]] = {}
    for label, department in (("big", seeded.big), ("small", seeded.small)):
        web = Client()
        web.force_login(seeded.users[department.code])
        api = Client()
        auth = {"HTTP_AUTHORIZATION": f"Api-Key {seeded.keys[department.code]}"}
        web_cursor = _web_cursor(department.pk, depth)
        api_cursor = _api_cursor(department.pk, depth)
        timers[label] = {
            "web first page": page_timer(web, "/pushes/inbox/", {}),
            f"web page at depth {depth:,}": page_timer(
                web, f"/pushes/inbox/?cursor={web_cursor}", {}
            ),
            "API first page": page_timer(api, "/api/v1/pushes/?box=inbox", auth),
            f"API page at depth {depth:,}": page_timer(
                api, f"/api/v1/pushes/?box=inbox&cursor={api_cursor}", auth
            ),
        }
    for number, page in enumerate(timers["big"], start=1):
        big, small = paired_medians(timers["big"][page], timers["small"][page], runs=runs)
        name = f"inbox {page}: {big_rows:,} vs {small_rows:,} rows"
        figures.append(_figure(f"P3.{number}", name, big, small, runs))
    number = len(figures)
    first, last = measured_days(datetime.datetime.now(CALENDAR_TZ).date())
    for page in home_pages(seeded):
        for which, day in (("first", first), ("last", last)):
            moment = datetime.datetime.combine(day, PAGE_CLOCK, tzinfo=CALENDAR_TZ)
            # The page's clock only: perf_counter, which times the request, does not travel.
            with time_machine.travel(moment, tick=True):
                big, small = paired_medians(page.big, page.small, runs=runs)
            number += 1
            figures.append(
                _figure(
                    f"P3.{number}",
                    f"home of the {page.label}, {which} working day ({day:%m-%d}) vs {page.twin}",
                    big,
                    small,
                    runs,
                    "; cache emptied before each request (the on-time figures computed)",
                )
            )
    return figures

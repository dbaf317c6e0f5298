"""Every web page of the platform, as each role and anonymous sees it: the walk shared by the
phone-layout test and the accessibility test, so a new page is covered by both without
editing either."""

import contextlib
import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import time_machine
from django.db import transaction
from django.test import Client, override_settings

from organizations.models import StaffRole
from reporting.reports import monthly_report_compile
from tests.clients import authenticator_for, sign_in
from tests.factories import StaffFactory
from tests.security.routes import ANONYMOUS_ALLOWED, SCOPED, SHARED, all_routes, url_for, variants
from tests.security.world import NOW, World, build_world

# The roles that walk through the staff pages: (department of the security world, role).
ROLES: dict[str, tuple[str, StaffRole]] = {
    "approval_clerk": ("A1", StaffRole.CLERK),
    "approval_head": ("A1", StaffRole.HEAD),
    "supervision_clerk": ("S1", StaffRole.CLERK),
    "supervision_head": ("S1", StaffRole.HEAD),
    "platform_admin": ("A1", StaffRole.PLATFORM_ADMIN),
}


def every_page_world_build() -> World:
    """The security tests' world (two approval and two supervision departments, one record
    of every kind) with a clerk and a head on each side, a platform admin and October's
    report. Call it inside the security world's frozen time (tests.security.world.NOW)."""
    world = build_world()
    for who, (department, role) in ROLES.items():
        membership = StaffFactory(department=world.departments[department], role=role)
        if role == StaffRole.PLATFORM_ADMIN:
            membership.user.is_staff = membership.user.is_superuser = True
            membership.user.save()
            authenticator_for(membership.user)  # administrators sign in with two factors
        world.users[who] = membership.user
    monthly_report_compile(month=datetime.date(2026, 10, 1))
    return world


@contextlib.contextmanager
def every_page_world_rolled_back(django_db_blocker: Any, media: Path) -> Iterator[World]:
    """The world built once (for a module) at NOW, inside a transaction rolled back when the
    block ends: the tests that use it only read."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        yield every_page_world_build()
        transaction.set_rollback(True)


def page_client(world: World, role: str) -> Client:
    """A Chinese-speaking browser signed in the whole way as `role` (the second factor too,
    for the admin), or anonymous."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if role != "anonymous":
        sign_in(client, world.users[role])
    return client


def page_urls(world: World, *, anonymous: bool) -> list[str]:
    """Every web page of the URL resolver (not the API, not Django's admin), its arguments
    filled with the security world's records. Anonymous visitors get the pages they may
    reach."""
    urls = []
    for route in all_routes():
        if route.is_api or route.is_admin or route.name in ("schema", "api-docs"):
            continue
        if anonymous and route.name not in ANONYMOUS_ALLOWED:
            continue
        if route.name in SCOPED:
            mapping = variants(SCOPED[route.name])[0]
        elif route.name in SHARED:
            mapping = SHARED[route.name][0]
        elif route.kwargs:
            raise AssertionError(f"{route.name} takes arguments nobody classified")
        else:
            mapping = {}
        unnamed = route.name == route.route
        urls.append("/" + route.route if unnamed else url_for(world, route.name, mapping))
    return urls


def html_pages(page: Any, world: World, *, anonymous: bool, broken: list[str]) -> Iterator[str]:
    """Open each page that answers with HTML in `page` and yield its URL. Downloads,
    redirects, POST-only URLs and bodiless answers are not pages and are skipped; a 5xx is
    appended to `broken`."""
    for url in page_urls(world, anonymous=anonymous):
        head = page.request.get(url, max_redirects=0)
        content_type = head.headers.get("content-type", "")
        is_page = content_type.startswith("text/html") and b"<html" in head.body()
        if head.status in (301, 302, 303, 405) or not is_page:
            continue
        if head.status >= 500:
            broken.append(f"{url}: {head.status}")
            continue
        page.goto(url)
        yield url

"""Every page a person reads is in Chinese, in people's words: names not usernames, 系统自动
not `system`, item names not slugs, department names not codes, local times, 请选择 not dashes,
labels not enum values (R20 keeps the stable labels in the records; only the pages change).

The resolver is walked as in the isolation test: every GET-able HTML page — staff pages,
public pages, the error pages a role meets, and the Django admin's changelist and change form
of every registered model for the platform admin — is rendered as each role over the security
tests' world, in zh-hans, and any Latin-letter word outside the short allow-list of
tests/platform/latin_text.py, any "---------" and any ISO timestamp fails the role's test with
the page and the words.
"""

import re
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib import admin
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from organizations.models import StaffRole
from tests.e2e.pages import page_client
from tests.factories import StaffFactory, UserFactory
from tests.platform.latin_text import latin_words, raw_values
from tests.security.routes import SCOPED, SHARED, all_routes, url_for, variants
from tests.security.world import NOW, World, build_world

pytestmark = pytest.mark.django_db

# Pages for developers, not for the people who use the platform: English by design.
DEVELOPER_PAGES = {
    "schema": "OpenAPI schema: a machine-readable contract for partner systems' developers",
    "api-docs": "Swagger UI of the API: a developer tool, its chrome comes in English",
}
# The account list is where the platform admin manages logins: next to the 姓名 column, the
# username is the account's identity, the data being managed, shown as it is.
USERNAME_CELL = re.compile(r'<(td|th) class="field-username"[^>]*>.*?</\1>', re.S)
ROLES = [
    "approval clerk",
    "approval head",
    "supervision clerk",
    "supervision head",
    "platform admin",
    "anonymous",
]
# Real names and digit-free usernames (the world's clerks have theirs): the pages must show
# the names, never the usernames.
HEADS = {
    "approval head": ("A1", StaffRole.HEAD, "xzsp_head", "陈志强"),
    "supervision head": ("S1", StaffRole.HEAD, "scjg_head", "赵静"),
    "platform admin": ("A1", StaffRole.PLATFORM_ADMIN, "platform_admin", "郑洁"),
}


@pytest.fixture(scope="module")
def world_with_roles(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The security tests' world, built once for the module inside a transaction that is
    rolled back at its end; each role's test only reads."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        world = build_world()
        for who, (department, role, username, name) in HEADS.items():
            admin_role = role == StaffRole.PLATFORM_ADMIN
            user = UserFactory(
                username=username, first_name=name, is_staff=admin_role, is_superuser=admin_role
            )
            staff = StaffFactory(user=user, department=world.departments[department], role=role)
            world.users[who] = staff.user
        world.users["approval clerk"] = world.users["A1"]
        world.users["supervision clerk"] = world.users["S1"]
        yield world
        transaction.set_rollback(True)


def _site_pages(world: World) -> list[str]:
    """One URL per page of the site (not the API, not the admin)."""
    urls = []
    for route in all_routes():
        if route.is_api or route.is_admin or route.name == route.route:
            continue
        if route.name in DEVELOPER_PAGES:
            continue
        if not route.kwargs:
            urls.append(reverse(route.name))
        elif route.name in SCOPED:
            urls.append(url_for(world, route.name, variants(SCOPED[route.name])[0]))
        elif route.name in SHARED:
            urls.append(url_for(world, route.name, SHARED[route.name][0]))
    return urls


def _admin_pages() -> list[str]:
    """The admin's index, and the changelist, the add form (where records are added in the
    admin) and one change form of every registered model."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


def _english_on_pages(client: Client, urls: list[str]) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code in (301, 302, 405) or not content_type.startswith("text/html"):
            continue
        html = response.content.decode()
        if url == reverse("admin:auth_user_changelist"):
            html = USERNAME_CELL.sub("", html)
        words = latin_words(html) | raw_values(html)
        if words:
            found[url] = sorted(words)
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reads_in_chinese_for(world_with_roles: World, role: str) -> None:
    world = world_with_roles
    with time_machine.travel(NOW, tick=False):
        found = _english_on_pages(page_client(world, role), _site_pages(world))
    assert not found, f"Latin-letter words on the pages of the {role}:\n" + "\n".join(
        f"{url} → {' '.join(words)}" for url, words in found.items()
    )


def test_the_admin_index_and_the_login_security_pages_read_in_chinese(
    world_with_roles: World,
) -> None:
    """django-axes ships no zh_Hans catalogue: its app, models and fields are named in the
    project's catalogue, and so are the index's table headers Django 5.2 leaves untranslated;
    its rows are named by the person and the time ("郑洁 于 … 的登录"), not "Access Log for …"."""
    client = page_client(world_with_roles, "platform admin")
    found = _english_on_pages(client, ["/admin/", "/admin/axes/"])
    assert not found, "\n".join(f"{url} → {' '.join(words)}" for url, words in found.items())
    index = client.get("/admin/").content.decode()
    for name in ("登录安全", "登录尝试", "登录失败记录", "登录日志"):
        assert name in index
    # The platform admin's logins are logged, so the log's table has rows and headers.
    log = client.get("/admin/axes/accesslog/").content.decode()
    for header in ("尝试时间", "退出时间", "IP 地址", "浏览器标识"):
        assert header in log


def test_every_admin_page_reads_in_chinese(world_with_roles: World) -> None:
    world = world_with_roles
    with time_machine.travel(NOW, tick=False):
        found = _english_on_pages(page_client(world, "platform admin"), _admin_pages())
    assert not found, "\n".join(f"{url} → {' '.join(words)}" for url, words in found.items())

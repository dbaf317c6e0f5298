"""Content-Security-Policy (GB/T 22239-2019 8.1.4.4, against injected script): every page —
as each role, anonymous, the Django admin, the error pages — carries the site's policy
(`default-src 'self'`, no 'unsafe-inline', `frame-ancestors 'none'`, `form-action 'self'`),
and no page holds what that policy would block: an inline script, a <style> or style
attribute, an event-handler attribute or a javascript: URL. The API docs alone widen the
policy, by Swagger UI's data: icons and nothing else."""

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.e2e.pages import ROLES, every_page_world_rolled_back, page_client, page_urls
from tests.security.policy import DOCS_POLICY, SITE_POLICY, inline_code, parse_policy
from tests.security.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def every_page_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once for the module inside a transaction rolled back at its end; the tests only
    read."""
    with every_page_world_rolled_back(django_db_blocker, tmp_path_factory.mktemp("media")) as world:
        yield world


def _problems(client: Client, urls: list[str], expected: dict[str, set[str]]) -> list[str]:
    problems = []
    for url in urls:
        response = client.get(url)
        header = response.get("Content-Security-Policy", "")
        policy = parse_policy(header) if header else None
        if policy != expected:
            problems.append(f"{url} ({response.status_code}): policy {header!r}")
        if response.get("Content-Type", "").startswith("text/html"):
            problems += [f"{url}: {found}" for found in inline_code(response.content.decode())]
    return problems


def test_the_policies_have_no_unsafe_source() -> None:
    site = set().union(*SITE_POLICY.values())
    docs = set().union(*DOCS_POLICY.values())
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & site
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & docs


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_every_page_carries_the_policy_and_no_inline_code_for(
    every_page_world: World, role: str
) -> None:
    urls = page_urls(every_page_world, anonymous=role == "anonymous")
    assert len(urls) >= 10
    assert not _problems(page_client(every_page_world, role), urls, SITE_POLICY)


def test_every_admin_page_carries_the_policy_and_no_inline_code(every_page_world: World) -> None:
    urls = [reverse("admin:index"), reverse("admin:login"), reverse("admin:password_change")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls += [reverse("admin:{}_{}_changelist".format(*info))]
        urls += [reverse("admin:{}_{}_add".format(*info))]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
    client = page_client(every_page_world, "platform_admin")
    assert client.get(reverse("admin:index")).status_code == 200  # past both sign-in steps
    assert not _problems(client, urls, SITE_POLICY)


@pytest.mark.parametrize("role", ["approval_clerk", "anonymous"])
def test_the_error_pages_and_the_api_carry_the_policy(every_page_world: World, role: str) -> None:
    urls = ["/no-such-page/", "/api/v1/no-such-endpoint/", reverse("api:departments")]
    assert not _problems(page_client(every_page_world, role), urls, SITE_POLICY)


def test_the_api_docs_widen_the_policy_by_data_images_only(every_page_world: World) -> None:
    client = page_client(every_page_world, "anonymous")
    docs = reverse("api-docs")
    assert not _problems(client, [docs], DOCS_POLICY)
    page = client.get(docs).content.decode()
    assert f'<script src="{docs}?script="></script>' in page  # the start-up script, not inline
    script = client.get(docs, {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()

"""Department isolation, generated from the URL resolver (R3, R6: each department sees its own).

Every URL pattern that takes an argument must appear in exactly one table below. A new pattern
that nobody classified makes `test_every_url_pattern_with_an_argument_is_classified` fail, so an
unscoped view cannot be added without someone deciding how it is scoped.

For every department-owned record (made by A1 and S1 in tests/security/world.py) the
strangers A2 and S2 — by session on the web and by API key under /api/v1/ — get 404 on GET and
POST (405 where the method is not allowed at all), and the owners get something else than 404
(so the 404 is not vacuous). Anonymous visitors reach only an explicit allow-list.
"""

import re
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from tests.security.routes import (
    ADMIN_REASON,
    ANONYMOUS_ALLOWED,
    ANONYMOUS_REDIRECTS,
    OWNERS,
    SCOPED,
    SHARED,
    STRANGERS,
    URL_OWNERS,
    Route,
    admin_url,
    all_routes,
    url_for,
    variants,
)
from tests.security.world import World

pytestmark = pytest.mark.django_db


def _request(client: Any, method: str, url: str) -> HttpResponse:
    if method == "GET":
        return client.get(url)
    return client.post(url, {}, format="json") if url.startswith("/api/") else client.post(url, {})


# --------------------------------------------------------------------------- the tests


def test_every_url_pattern_with_an_argument_is_classified() -> None:
    unclassified = [
        f"{route.name} ({route.route})"
        for route in all_routes()
        if route.kwargs
        and not route.is_admin
        and route.name not in SCOPED
        and route.name not in SHARED
    ]
    assert not unclassified, (
        "New URL patterns take an id but are not in SCOPED or SHARED of "
        f"tests/security/routes.py — decide how they are scoped: {unclassified}"
    )
    names = {route.name for route in all_routes()}
    stale = sorted((set(SCOPED) | set(SHARED) | set(ANONYMOUS_ALLOWED)) - names)
    assert not stale, f"The tables name URL patterns that no longer exist: {stale}"
    for name, table in SCOPED.items():
        route = next(r for r in all_routes() if r.name == name)
        assert set(table) == set(route.kwargs), name


def _stranger_failures(world: World, route: Route, mapping: dict[str, str], who: str) -> list:
    url = url_for(world, route.name, mapping)
    client = world.api(who) if route.is_api else world.web(who)
    statuses = {method: _request(client, method, url) for method in ("GET", "POST")}
    codes = {method: response.status_code for method, response in statuses.items()}
    failures = []
    if not all(code in (404, 405) for code in codes.values()) or 404 not in codes.values():
        failures.append(f"{who} {url} {codes}")
    elif route.is_api:
        for method, response in statuses.items():
            if response.status_code == 404 and response.json()["error"]["code"] != "not_found":
                failures.append(f"{who} {method} {url} {response.json()}")
    return failures


@pytest.mark.parametrize("who", STRANGERS)
def test_another_departments_record_is_not_found_anywhere(world: World, who: str) -> None:
    failures = []
    for route in all_routes():
        for mapping in variants(SCOPED.get(route.name, {})) if route.name in SCOPED else []:
            failures += _stranger_failures(world, route, mapping, who)
    assert not failures, "Another department's record did not answer 404:\n" + "\n".join(failures)


def test_the_owners_do_not_get_404_so_the_404_above_is_not_vacuous(world: World) -> None:
    failures = []
    checked = 0
    for route in all_routes():
        if route.name not in SCOPED:
            continue
        for mapping in variants(SCOPED[route.name]):
            owners = set(URL_OWNERS.get(route.name, ())) or set.intersection(
                *(set(OWNERS[key]) for key in mapping.values() if not key.startswith("="))
            )
            url = url_for(world, route.name, mapping)
            for who in sorted(owners):
                client = world.api(who) if route.is_api else world.web(who)
                # POST-only URLs answer 405 to GET: then the (empty) POST must not be 404.
                response = _request(client, "GET", url)
                if response.status_code == 405:
                    response = _request(client, "POST", url)
                checked += 1
                if response.status_code in (404, 405) or response.status_code >= 500:
                    failures.append(f"{who} {url} {response.status_code}")
    assert checked >= len(SCOPED)
    assert not failures, "The owning department did not reach its own record:\n" + "\n".join(
        failures
    )


API_LISTS = {
    "/api/v1/licences/": "licence",
    "/api/v1/pushes/?box=inbox": "push",
    "/api/v1/pushes/?box=outbox": "push",
    "/api/v1/supervision-actions/": "action",
    "/api/v1/licence-letters/": "letter",
    "/api/v1/legacy-cases/": "case",
    "/api/v1/credit/verifications/": "verification",
    "/api/v1/credit/revocations/": "revocation",
    "/api/v1/coordination/inquiries/?box=inbox": "inquiry",
    "/api/v1/coordination/inquiries/?box=outbox": "inquiry",
    "/api/v1/coordination/inspections/": "inspection",
    "/api/v1/coordination/meetings/": "meeting",
    "/api/v1/coordination/important-files/": "file",
}


@pytest.mark.parametrize("who", STRANGERS)
def test_the_strangers_api_lists_do_not_show_the_records(world: World, who: str) -> None:
    client = world.api(who)
    for url, key in API_LISTS.items():
        response = client.get(url)
        assert response.status_code in (200, 403), url
        if response.status_code == 200:
            ids = [row["id"] for row in response.json()["results"]]
            assert world.pk(key) not in ids, url
    # …while the owners do see them, so the check above is not vacuous.
    for url, key in API_LISTS.items():
        responses = [world.api(owner).get(url) for owner in OWNERS[key]]
        seen = any(
            world.pk(key) in [row["id"] for row in response.json()["results"]]
            for response in responses
            if response.status_code == 200
        )
        assert seen, url


def test_shared_urls_never_fail_for_any_department(world: World) -> None:
    failures = []
    for route in all_routes():
        if route.name not in SHARED:
            continue
        url = url_for(world, route.name, SHARED[route.name][0])
        for who in ("A1", "A2", "S1", "S2"):
            client = world.api(who) if route.is_api else world.web(who)
            for method in ("GET", "POST"):
                code = _request(client, method, url).status_code
                if code >= 500:
                    failures.append(f"{who} {method} {url} {code}")
    assert not failures, "\n".join(failures)


def test_removing_another_departments_listing_is_refused(world: World) -> None:
    listing = world.objects["listing"]
    for who in ("A2", "S2"):
        web = world.web(who).post(
            reverse("supervision:listing-remove", args=[listing.pk]), {"reason": "误列"}
        )
        api = world.api(who).post(
            f"/api/v1/listings/{listing.pk}/remove/", {"reason": "误列"}, format="json"
        )
        assert api.status_code == 403
        assert web.status_code == 403
    listing.refresh_from_db()
    assert listing.removed_at is None


def test_only_platform_admins_recompile_a_report(world: World) -> None:
    url = reverse("reporting:report-recompile", args=["2026-10"])
    for who in ("A1", "A2", "S1", "S2"):
        assert world.web(who).post(url).status_code == 403


def test_the_admin_is_closed_to_department_clerks(world: World) -> None:
    failures = []
    for route in all_routes():
        if not route.is_admin or route.name in ANONYMOUS_ALLOWED:
            continue
        url = admin_url(route)
        response = world.web("S2").get(url)
        if response.status_code != 302 or not response["Location"].startswith("/admin/login/"):
            failures.append(f"{url} {response.status_code}")
    assert not failures, ADMIN_REASON + ":\n" + "\n".join(failures)


# --------------------------------------------------------------------------- anonymous


def _anonymous_url(world: World, route: Route) -> str | None:
    if route.is_admin:
        return admin_url(route)
    if not route.kwargs:
        if route.route == "":
            return "/"
        if route.name == route.route:  # unnamed, e.g. the JSON 404 catch-all of /api/
            return "/" + route.route.lstrip("^").rstrip("$") + "no-such-page/"
        return reverse(route.name)
    if route.name in SCOPED:
        return url_for(world, route.name, variants(SCOPED[route.name])[0])
    return url_for(world, route.name, SHARED[route.name][0])


def _is_login_redirect(route: Route, response: HttpResponse) -> bool:
    if response.status_code != 302:
        return False
    login = "/admin/login/" if route.is_admin else reverse(settings.LOGIN_URL)
    return response["Location"].startswith(login)


def test_anonymous_visitors_reach_only_the_public_pages(client: Any, world: World) -> None:
    failures = []
    reached = set()
    for route in all_routes():
        url = _anonymous_url(world, route)
        key = route.name
        responses = [client.get(url), client.post(url)]
        for response in responses:
            code = response.status_code
            if code >= 500:
                failures.append(f"{url} {code}")
            if route.is_api:
                if code not in (401, 403, 405):
                    reached.add(key)
            elif key in ANONYMOUS_REDIRECTS:
                assert response["Location"] == ANONYMOUS_REDIRECTS[key]
            elif not _is_login_redirect(route, response) and code not in (404, 405):
                # (a 404 serves nothing: e.g. the JSON 404 catch-all of /api/)
                reached.add(key)
    unexpected = sorted(reached - set(ANONYMOUS_ALLOWED))
    assert not failures, failures
    assert not unexpected, (
        "Anonymous visitors reach pages that are not in ANONYMOUS_ALLOWED of "
        f"tests/security/routes.py (add them with a reason, or require login): {unexpected}"
    )
    # The allow-list is real: each public page answers an anonymous GET.
    for name in ANONYMOUS_ALLOWED:
        route = next(r for r in all_routes() if r.name == name)
        assert name in reached or name in ("logout", "admin:logout"), name


def test_anonymous_api_answers_401_with_the_error_envelope(client: Any, world: World) -> None:
    for route in all_routes():
        if not route.is_api or route.name in ANONYMOUS_ALLOWED:
            continue
        response = client.get(_anonymous_url(world, route))
        assert response.status_code in (401, 403), route.name
        assert re.fullmatch(r"[a-z_]+", response.json()["error"]["code"]), route.name

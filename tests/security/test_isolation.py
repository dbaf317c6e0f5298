"""Department isolation, generated from the URL resolver (issue #10, point 4).

Every URL pattern that takes an argument must appear in exactly one table below. A new pattern
that nobody classified makes `test_every_url_pattern_with_an_argument_is_classified` fail, so an
unscoped view cannot be added without someone deciding how it is scoped.

For every department-owned record (made by A1 and S1 in tests/security/conftest.py) the
strangers A2 and S2 — by session on the web and by API key under /api/v1/ — get 404 on GET and
POST (405 where the method is not allowed at all), and the owners get something else than 404
(so the 404 is not vacuous). Anonymous visitors reach only an explicit allow-list.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests.security.conftest import World

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str
    kwargs: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.route.startswith("admin/")


def _kwargs_of(entry: URLPattern | URLResolver) -> tuple[str, ...]:
    pattern = entry.pattern
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def _walk(
    entries: list, namespaces: tuple[str, ...] = (), prefix: str = "", kwargs: tuple = ()
) -> Iterator[Route]:
    for entry in entries:
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(
                entry.url_patterns, inner, prefix + str(entry.pattern), kwargs + _kwargs_of(entry)
            )
        else:
            route = prefix + str(entry.pattern)
            name = ":".join((*namespaces, entry.name)) if entry.name else route
            yield Route(name=name, route=route, kwargs=kwargs + _kwargs_of(entry))


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


# --------------------------------------------------------------------------- the tables

# URL name → {kwarg: world object key}. Each object is one department's record; the strangers
# A2 and S2 must get 404. A list of keys tests each of them.
SCOPED: dict[str, dict[str, str | list[str]]] = {
    # approvals
    "approvals:licence-detail": {"pk": "licence"},
    "approvals:counterparty-detail": {"pk": "counterparty"},
    "api:licence-detail": {"pk": "licence"},
    # pushes and feedback
    "notifications:push-detail": {"pk": "push"},
    "notifications:claim": {"pk": "push"},
    "notifications:feedback": {"pk": "push"},
    "notifications:reply": {"pk": "push", "feedback_id": "feedback"},
    "api:push-detail": {"pk": "push"},
    "api:push-claim": {"pk": "push"},
    "api:push-feedback": {"pk": "push"},
    "api:push-feedback-reply": {"pk": "push", "feedback_id": "feedback"},
    # supervision
    "supervision:action-detail": {"pk": "action"},
    "supervision:letter-detail": {"pk": "letter"},
    "supervision:letter-decide": {"pk": "letter"},
    "supervision:case-detail": {"pk": "case"},
    "supervision:case-opinion": {"pk": "case"},
    "supervision:case-verify": {"pk": "case"},
    "supervision:case-close": {"pk": "case"},
    "supervision:evidence-download": {
        "pk": ["action_evidence", "letter_evidence", "case_evidence"]
    },
    "api:supervision-action-detail": {"pk": "action"},
    "api:supervision-licence-letter-detail": {"pk": "letter"},
    "api:supervision-licence-letter-decision": {"pk": "letter"},
    "api:supervision-legacy-case-detail": {"pk": "case"},
    "api:supervision-legacy-case-opinion": {"pk": "case"},
    "api:supervision-legacy-case-verify-rectification": {"pk": "case"},
    "api:supervision-legacy-case-close": {"pk": "case"},
    # credit
    "credit:verification-detail": {"pk": "verification"},
    "credit:verification-result": {"pk": "verification"},
    "credit:verification-rectification": {"pk": "verification"},
    "credit:verification-file": {"pk": "verification", "file_id": "verification_file"},
    "credit:verification-scan": {"pk": "verification"},
    "credit:revocation-detail": {"pk": "revocation"},
    "api:credit-verification-detail": {"pk": "verification"},
    "api:credit-verification-result": {"pk": "verification"},
    "api:credit-verification-rectification": {"pk": "verification"},
    "api:credit-revocation-detail": {"pk": "revocation"},
    "api:credit-revocation-decision": {"pk": "revocation"},
    # coordination
    "coordination:inquiry-detail": {"pk": "inquiry"},
    "coordination:inquiry-reply": {"pk": "inquiry"},
    "coordination:meeting-detail": {"pk": "meeting"},
    "coordination:meeting-opinion": {"pk": "meeting"},
    "coordination:meeting-minutes": {"pk": "meeting"},
    "coordination:inspection-detail": {"pk": "inspection"},
    "coordination:inspection-confirm": {"pk": "inspection"},
    "coordination:inspection-report": {"pk": "inspection"},
    "coordination:inspection-report-print": {"pk": "inspection"},
    "coordination:inspection-sign-off": {"pk": "inspection"},
    "coordination:file-detail": {"pk": "file"},
    "coordination:file-consultation": {"pk": "file"},
    "coordination:file-stakeholder": {"pk": "file"},
    "coordination:file-hearing": {"pk": "file"},
    "coordination:file-no-hearing": {"pk": "file"},
    "coordination:document-download": {"kind": "=consultation", "pk": "consultation"},
    "api:coordination-inquiry-detail": {"pk": "inquiry"},
    "api:coordination-inquiry-reply": {"pk": "inquiry"},
    "api:coordination-inspection-detail": {"pk": "inspection"},
    "api:coordination-inspection-confirm": {"pk": "inspection"},
    "api:coordination-inspection-report": {"pk": "inspection"},
    "api:coordination-inspection-sign-off": {"pk": "inspection"},
    "api:coordination-meeting-detail": {"pk": "meeting"},
    "api:coordination-meeting-opinion": {"pk": "meeting"},
    "api:coordination-meeting-minutes": {"pk": "meeting"},
    "api:coordination-important-file-detail": {"pk": "file"},
    "api:coordination-important-file-checklist": {"pk": "file"},
    "api:coordination-important-file-consultations": {"pk": "file"},
    "api:coordination-important-file-stakeholder-opinions": {"pk": "file"},
    "api:coordination-important-file-hearing": {"pk": "file"},
    "api:coordination-important-file-no-hearing-reason": {"pk": "file"},
}

# Who owns each record of the world: these departments must NOT get 404 for it.
OWNERS: dict[str, tuple[str, ...]] = {
    "licence": ("A1", "S1"),
    "counterparty": ("A1", "S1"),
    "push": ("A1", "S1"),
    "feedback": ("A1", "S1"),
    # The action is about A1's licence, so only A1 received its push.
    "action": ("A1", "S1"),
    "action_evidence": ("A1", "S1"),
    "letter": ("A1", "S1"),
    "letter_evidence": ("A1", "S1"),
    "case": ("A1", "S1"),
    "case_evidence": ("A1", "S1"),
    "verification": ("A1",),
    "verification_file": ("A1",),
    "revocation": ("A1", "S1"),
    "inquiry": ("A1", "S1"),
    "file": ("A1", "S1"),
    "consultation": ("A1", "S1"),
    "meeting": ("A1", "S1"),
    "inspection": ("A1", "S1"),
}
# Narrower owners of some URLs: the action belongs to one side of the record only, and the
# other side gets 404 as designed (the views look the push up among its own received pushes).
URL_OWNERS: dict[str, tuple[str, ...]] = {
    "notifications:claim": ("S1",),  # only the receiver claims
    "notifications:feedback": ("S1",),  # only the receiver raises feedback
    "notifications:reply": ("A1",),  # only the sender replies
}
STRANGERS = ("A2", "S2")

# Records every department may read by design; the argument is not another department's
# secret. URL name → (kwargs, reason). They are still requested by every department and must
# never answer 5xx.
SHARED: dict[str, tuple[dict[str, str], str]] = {
    "catalog:detail": ({"code": "item"}, "public catalog of transferred items (R19)"),
    "catalog:sample": (
        {"code": "item", "pk": "sample"},
        "public sample texts of the catalog (Art. 5(6))",
    ),
    "api:item-detail": ({"code": "item"}, "public catalog API (R19)"),
    "public:verify": ({"code": "licence_verify"}, "public licence verification by QR code"),
    "public:verify-qr": ({"code": "licence_verify"}, "QR image of the public verification"),
    "approvals:decision-create": (
        {"code": "item"},
        "decision form of a catalog item: any approval department may decide any item; "
        "supervision departments get 403 whatever the item",
    ),
    "credit:catalog-detail": ({"item_code": "item"}, "credit catalog is kept jointly (R9)"),
    "credit:catalog-edit": (
        {"item_code": "item"},
        "credit catalog is kept jointly (R9); the service decides who may edit",
    ),
    "api:credit-catalog-detail": ({"item_code": "item"}, "credit catalog is kept jointly (R9)"),
    "supervision:listing-remove": (
        {"pk": "listing"},
        "listings are public inside the platform (R7: every approval clerk must see them); "
        "only the listing department may remove one, the others get 403",
    ),
    "api:supervision-listing-detail": ({"pk": "listing"}, "listings are platform-public (R7)"),
    "api:supervision-listing-remove": (
        {"pk": "listing"},
        "listings are platform-public (R7); removal by another department is 403",
    ),
    "api:supervision-counterparty-access": (
        {"code": "counterparty_code"},
        "R7 access check by credit code: any approval department checks any applicant",
    ),
    "notifications:report-detail": (
        {"month": "=2026-10"},
        "the monthly report is platform-wide; rows are filtered to the viewer's department",
    ),
    "notifications:report-print": ({"month": "=2026-10"}, "as report-detail"),
    "notifications:report-xlsx": ({"month": "=2026-10"}, "as report-detail"),
    "notifications:report-recompile": (
        {"month": "=2026-10"},
        "platform admins only: everyone else gets 403 (no object of a department)",
    ),
    "api:report-monthly": ({"month": "=2026-10"}, "as report-detail"),
}

# Django admin: staff only. A department clerk (not staff) is sent to the admin login.
ADMIN_REASON = "Django admin: platform admins (staff) only; others are redirected to its login"

# Anonymous visitors may reach exactly these (URL name → reason).
ANONYMOUS_ALLOWED: dict[str, str] = {
    "login": "the login page itself",
    "logout": "ending a session holds no data",
    "set_language": "switching the UI language holds no data",
    "health": "container liveness probe, answers only {'status': 'ok'}",
    "catalog:list": "public catalog (R19)",
    "catalog:detail": "public catalog (R19)",
    "catalog:sample": "public sample texts (Art. 5(6))",
    "public:verify-search": "public licence verification",
    "public:verify": "public licence verification",
    "public:verify-qr": "public licence verification",
    "public:open-data": "open data: the page describing the files",
    "public:open-data-items-json": "open data: the public catalog",
    "public:open-data-items-csv": "open data: the public catalog",
    "public:open-data-licences-csv": "open data: licence register disclosure",
    "api:departments": "public list of departments (API contract)",
    "api:items": "public catalog API (R19)",
    "api:item-detail": "public catalog API (R19)",
    "schema": "OpenAPI schema (API contract)",
    "api-docs": "interactive API docs (API contract)",
    "admin:login": "the admin login page itself",
    "admin:logout": "ending a session holds no data",
}
# Answers a redirect that is not the login page, to a page that itself requires login.
ANONYMOUS_REDIRECTS = {"": "/dashboard/"}


def _value(world: World, key: str) -> Any:
    if key.startswith("="):
        return key[1:]
    if key == "item":
        return world.objects["item"].code
    if key == "licence_verify":
        return world.objects["licence"].supervision_code
    if key == "counterparty_code":
        return world.objects["counterparty"].code
    return world.pk(key)


def _variants(table: dict[str, str | list[str]]) -> list[dict[str, str]]:
    """One kwargs→object-key mapping per listed alternative."""
    variants: list[dict[str, str]] = [{}]
    for kwarg, keys in table.items():
        options = keys if isinstance(keys, list) else [keys]
        variants = [{**variant, kwarg: option} for variant in variants for option in options]
    return variants


def _url(world: World, name: str, mapping: dict[str, str]) -> str:
    return reverse(name, kwargs={kwarg: _value(world, key) for kwarg, key in mapping.items()})


def _request(client: Any, method: str, url: str) -> HttpResponse:
    if method == "GET":
        return client.get(url)
    return client.post(url, {}, format="json") if url.startswith("/api/") else client.post(url, {})


ADMIN_KWARGS = {
    "app_label": "organizations",
    "object_id": "1",
    "content_type_id": 1,
    "id": "1",
    "url": "no-such-page/",
}


def _admin_url(route: Route) -> str:
    if route.name == route.route:  # the unnamed catch-all
        return "/admin/no-such-page/"
    return reverse(route.name, kwargs={kwarg: ADMIN_KWARGS[kwarg] for kwarg in route.kwargs})


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
        f"tests/security/test_isolation.py — decide how they are scoped: {unclassified}"
    )
    names = {route.name for route in all_routes()}
    stale = sorted((set(SCOPED) | set(SHARED) | set(ANONYMOUS_ALLOWED)) - names)
    assert not stale, f"The tables name URL patterns that no longer exist: {stale}"
    for name, table in SCOPED.items():
        route = next(r for r in all_routes() if r.name == name)
        assert set(table) == set(route.kwargs), name


def _stranger_failures(world: World, route: Route, mapping: dict[str, str], who: str) -> list:
    url = _url(world, route.name, mapping)
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
        for mapping in _variants(SCOPED.get(route.name, {})) if route.name in SCOPED else []:
            failures += _stranger_failures(world, route, mapping, who)
    assert not failures, "Another department's record did not answer 404:\n" + "\n".join(failures)


def test_the_owners_do_not_get_404_so_the_404_above_is_not_vacuous(world: World) -> None:
    failures = []
    checked = 0
    for route in all_routes():
        if route.name not in SCOPED:
            continue
        for mapping in _variants(SCOPED[route.name]):
            owners = set(URL_OWNERS.get(route.name, ())) or set.intersection(
                *(set(OWNERS[key]) for key in mapping.values() if not key.startswith("="))
            )
            url = _url(world, route.name, mapping)
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
        url = _url(world, route.name, SHARED[route.name][0])
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
    url = reverse("notifications:report-recompile", args=["2026-10"])
    for who in ("A1", "A2", "S1", "S2"):
        assert world.web(who).post(url).status_code == 403


def test_the_admin_is_closed_to_department_clerks(world: World) -> None:
    failures = []
    for route in all_routes():
        if not route.is_admin or route.name in ANONYMOUS_ALLOWED:
            continue
        url = _admin_url(route)
        response = world.web("S2").get(url)
        if response.status_code != 302 or not response["Location"].startswith("/admin/login/"):
            failures.append(f"{url} {response.status_code}")
    assert not failures, ADMIN_REASON + ":\n" + "\n".join(failures)


# --------------------------------------------------------------------------- anonymous


def _anonymous_url(world: World, route: Route) -> str | None:
    if route.is_admin:
        return _admin_url(route)
    if not route.kwargs:
        if route.route == "":
            return "/"
        if route.name == route.route:  # unnamed, e.g. the JSON 404 catch-all of /api/
            return "/" + route.route.lstrip("^").rstrip("$") + "no-such-page/"
        return reverse(route.name)
    if route.name in SCOPED:
        return _url(world, route.name, _variants(SCOPED[route.name])[0])
    return _url(world, route.name, SHARED[route.name][0])


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
        f"tests/security/test_isolation.py (add them with a reason, or require login): {unexpected}"
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

"""The URL resolver walked pattern by pattern, and the tables that say which world record
(tests/security/world.py) each URL argument takes: shared by the isolation test and the
page-language test, which both visit every page."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from tests.security.world import World


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
    "reporting:report-detail": (
        {"month": "=2026-10"},
        "the monthly report is platform-wide; rows are filtered to the viewer's department",
    ),
    "reporting:report-print": ({"month": "=2026-10"}, "as report-detail"),
    "reporting:report-xlsx": ({"month": "=2026-10"}, "as report-detail"),
    "reporting:report-recompile": (
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
    "public:open-data": "open data: what each file holds, its licence and update time",
    "public:open-data-items-json": "open data: the public catalog",
    "public:open-data-items-csv": "open data: the public catalog",
    "public:open-data-licences-csv": "open data: licence register disclosure",
    "api:departments": "public list of departments (API contract)",
    "api:items": "public catalog API (R19)",
    "api:item-detail": "public catalog API (R19)",
    "schema": "OpenAPI schema (API contract)",
    "api-docs": "interactive API docs (API contract)",
    "admin:login": "the admin login page itself",
    "admin-login": "the admin login page itself (the platform's, under unified identity sign-in)",
    "admin:logout": "ending a session holds no data",
}
# Answers a redirect that is not the login page, to a page that itself requires login.
ANONYMOUS_REDIRECTS = {"": "/dashboard/"}


def world_value(world: World, key: str) -> Any:
    if key.startswith("="):
        return key[1:]
    if key == "item":
        return world.objects["item"].code
    if key == "licence_verify":
        return world.objects["licence"].supervision_code
    if key == "counterparty_code":
        return world.objects["counterparty"].code
    return world.pk(key)


def variants(table: dict[str, str | list[str]]) -> list[dict[str, str]]:
    """One kwargs→object-key mapping per listed alternative."""
    found: list[dict[str, str]] = [{}]
    for kwarg, keys in table.items():
        options = keys if isinstance(keys, list) else [keys]
        found = [{**variant, kwarg: option} for variant in found for option in options]
    return found


def url_for(world: World, name: str, mapping: dict[str, str]) -> str:
    return reverse(name, kwargs={kwarg: world_value(world, key) for kwarg, key in mapping.items()})


ADMIN_KWARGS = {
    "app_label": "organizations",
    "object_id": "1",
    "content_type_id": 1,
    "id": "1",
    "url": "no-such-page/",
}


def admin_url(route: Route) -> str:
    if route.name == route.route:  # the unnamed catch-all
        return "/admin/no-such-page/"
    return reverse(route.name, kwargs={kwarg: ADMIN_KWARGS[kwarg] for kwarg in route.kwargs})


WRITE_METHODS = ("post", "put", "patch")


def api_writes(world: World) -> list[tuple[str, str, str]]:
    """(URL name, URL, method) of every API endpoint that takes a body, its arguments filled
    from the world (the first variant of SCOPED or SHARED)."""
    found = []
    for route in all_routes():
        if not route.is_api:
            continue
        if route.name in SCOPED:
            mapping = variants(SCOPED[route.name])[0]
        elif route.name in SHARED:
            mapping = SHARED[route.name][0]
        elif route.kwargs:
            continue  # e.g. the schema's format suffix: no write endpoint takes other kwargs
        else:
            mapping = {}
        url = url_for(world, route.name, mapping)
        view = resolve(url).func
        actions = getattr(view, "actions", None)
        cls = getattr(view, "cls", None)
        for method in WRITE_METHODS:
            allowed = method in actions if actions else cls is not None and hasattr(cls, method)
            if allowed:
                found.append((route.name, url, method))
    return found

"""Accessibility to GB/T 37668-2019 (WCAG 2.x AA): axe-core checks every page as each role and
anonymous, at 1366 px and on a 375-px phone, and finds no violation of impact serious or
critical (R19). The same walk checks that no page scrolls sideways on the phone and that no
page breaks the Content-Security-Policy: one walk of every page, not three.

axe-core comes from the npm registry (tests/e2e/axe/package.json, installed by `.ci/run`
with `npm ci`) and is injected into Debian's chromium through Playwright: no CDN. Without
it the test skips locally and fails in CI (REQUIRE_SERVICES=1).
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import PHONE, csp_violations, log_in, no_horizontal_scroll, watch_csp
from tests.e2e.pages import ROLES, html_pages
from tests.security.world import World
from tests.services import service_missing

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.0/2.1/2.2 A and AA rules: what GB/T 37668 asks of a government site.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def axe_source() -> str:
    if not AXE.is_file():
        service_missing(f"axe-core is not installed: run `npm ci --prefix {AXE.parents[2]}`")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """The page's serious and critical violations, each with the elements it names. axe is
    evaluated by the browser's devtools protocol, outside the page's Content-Security-Policy:
    the page keeps its policy, and a violation of it is the page's own."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    result = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(url: str, width: int, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        targets = [json.dumps(node["target"], ensure_ascii=False) for node in violation["nodes"]]
        lines.append(
            f"{url} @{width}px {violation['id']} ({violation['impact']}): "
            f"{violation['help']} — {', '.join(targets[:4])}"
        )
    return lines


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
def test_every_page_is_accessible_fits_a_phone_and_keeps_the_policy(
    every_page_world: World, new_page: Callable[..., Any], who: str
):
    """Each page is opened on a desktop and on a phone (the phone layout differs: the folded
    menu, the list rows as cards). Both are checked by axe; the phone's page must not scroll
    sideways (R19 pages for everyone, the staff pages for every role); neither may break the
    Content-Security-Policy."""
    source = axe_source()
    desktop, phone = new_page(**DESKTOP), new_page(**PHONE)
    csp_reports = watch_csp(desktop) + watch_csp(phone)
    if who != "anonymous":
        log_in(desktop, every_page_world.users[who].username)
        log_in(phone, every_page_world.users[who].username)
    found, broken, too_wide, blocked, seen = [], [], [], [], 0
    for url in html_pages(desktop, every_page_world, anonymous=who == "anonymous", broken=broken):
        seen += 1
        found += describe(url, 1366, axe_violations(desktop, source))
        blocked += csp_violations(desktop)
        phone.goto(url)
        found += describe(url, 375, axe_violations(phone, source))
        if not no_horizontal_scroll(phone):
            width = phone.evaluate("document.documentElement.scrollWidth")
            too_wide.append(f"{url}: {width} px")
        blocked += csp_violations(phone)
    assert seen >= (5 if who == "anonymous" else 40), seen
    assert not broken, f"{who}: pages that failed: {broken}"
    assert not found, f"{who}: {len(found)} serious or critical violations:\n" + "\n".join(found)
    assert not too_wide, f"{who}: wider than the 375-px screen: {too_wide}"
    assert not blocked and not csp_reports, f"{who}: CSP violations: {blocked + csp_reports}"

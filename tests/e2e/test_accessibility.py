"""Accessibility to GB/T 37668-2019 (WCAG 2.x AA): axe-core checks every page as each role and
anonymous, at 1366 and 375 px, and finds no violation of impact serious or critical (R19).

axe-core comes from the npm registry (tests/e2e/axe/package.json, installed by `.ci/run`
with `npm ci`) and is injected into Debian's chromium through Playwright: no CDN. Without
it the test skips locally and fails in CI (REQUIRE_SERVICES=1).
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import log_in
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
WIDTHS = (1366, 375)


def axe_source() -> str:
    if not AXE.is_file():
        service_missing(f"axe-core is not installed: run `npm ci --prefix {AXE.parents[2]}`")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """The page's serious and critical violations, each with the elements it names."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
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
def test_every_page_has_no_serious_accessibility_violation(
    every_page_world: World, new_page: Callable[..., Any], who: str
):
    """Each page is loaded once and checked at both widths (the phone layout differs: the
    folded menu, the list rows as cards)."""
    source = axe_source()
    # bypass_csp: axe is injected by the test, never served by the platform.
    page = new_page(viewport={"width": WIDTHS[0], "height": 900}, bypass_csp=True)
    if who != "anonymous":
        log_in(page, every_page_world.users[who].username)
    found, broken, seen = [], [], 0
    for url in html_pages(page, every_page_world, anonymous=who == "anonymous", broken=broken):
        seen += 1
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found += describe(url, width, axe_violations(page, source))
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    assert seen >= (5 if who == "anonymous" else 40), seen
    assert not broken, f"{who}: pages that failed: {broken}"
    assert not found, f"{who}: {len(found)} serious or critical violations:\n" + "\n".join(found)

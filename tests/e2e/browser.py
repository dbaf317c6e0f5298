"""Browser-test helpers: the chromium Playwright drives, the phone's viewport, and what a
person does on every page (log in, follow the main navigation). Fixtures live in conftest.py;
these are imported by the tests."""

import os
from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.services import ROOT

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "artifacts" / "e2e"
PASSWORD = "pw-Linzi-2026"  # tests.factories.UserFactory's password
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
# Playwright's default is 30 s; a local page that needs longer is a failure, not a wait.
TIMEOUT_MS = 15_000


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login page, as a person would."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/verify/" in page.url:
        # An administrator (or who set it up): the code of their authenticator, as the app
        # on their phone shows it (tests.clients.authenticator_for set it up).
        page.get_by_label("验证码").fill(authenticator_code(username))
        page.get_by_role("button", name="验证并登录").click()
    # Logged in: the header names the user and offers to log out (a button in a form; on a
    # phone it sits in the collapsed 菜单, so it is there but not visible).
    expect(page.get_by_role("button", name="退出登录", include_hidden=True)).to_be_attached()


def authenticator_code(username: str) -> str:
    """The current code of the user's authenticator. A code is accepted once per 30 seconds
    (and time may stand still in a test), so the record of the last one used is cleared."""
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key):06d}"


def nav_to(page: Any, label: str) -> None:
    """Follow a link of the header's main navigation (主导航), as a person would: on a phone
    by opening the 菜单 first."""
    # The menu folds at 600 px and below (site.css); asking the page instead races menu.js,
    # which opens it at desktop widths once loaded.
    phone = (page.viewport_size or {}).get("width", 1280) <= 600
    if phone and not page.locator("details.site-menu").evaluate("menu => menu.open"):
        page.locator("details.site-menu > summary").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=label).click()


def no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# Records every Content-Security-Policy violation of the page (Playwright's init scripts run
# outside the page's policy, before its own scripts).
_CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
    ` (${event.sourceFile || "page"}:${event.lineNumber})`
  );
});
"""


def watch_csp(page: Any) -> list[str]:
    """Collect the CSP violations of every page `page` opens from now on: the browser's
    console reports ("Refused to … because it violates the following Content Security Policy
    directive") land in the returned list; `csp_violations` reads the page's own events."""
    reports: list[str] = []
    page.add_init_script(_CSP_WATCH)

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            reports.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return reports


def csp_violations(page: Any) -> list[str]:
    """The violations the page now shown has reported (see watch_csp)."""
    return [f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations || []")]

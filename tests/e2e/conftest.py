"""Browser end-to-end fixtures: Playwright's sync API driving Debian's chromium, headless.

No browser is ever downloaded: the tests use the system chromium (CHROMIUM_PATH, default
/usr/bin/chromium). Without it they skip, and under REQUIRE_SERVICES=1 (CI) they fail.
One browser serves the whole session; every test gets fresh contexts (own cookies), and
screenshots of its steps land in artifacts/e2e/<test-name>/<nn>-<step>.png.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import ARTIFACTS, CHROMIUM_ARGS, CHROMIUM_PATH, TIMEOUT_MS
from tests.services import service_missing

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every browser test needs chromium: it is a service test (skip locally, fail in CI).
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.services)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM_PATH).is_file() or not os.access(CHROMIUM_PATH, os.X_OK):
        service_missing(f"no chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - a dev dependency
        service_missing(f"the playwright package is missing: {exc}")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
            )
        except Exception as exc:  # any launch failure means there is no usable browser
            service_missing(f"chromium at {CHROMIUM_PATH} does not start: {exc}")
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any, live_server: Any, eager_tasks: None) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context (its own cookies, i.e. its own user).

    The context speaks Chinese (Accept-Language and Django's language cookie), accepts the
    confirm() dialogs of the claim and decision forms, and is closed after the test.
    """
    contexts = []

    def _new_page(**options: Any) -> Any:
        context = browser.new_context(locale="zh-CN", base_url=live_server.url, **options)
        context.add_cookies(
            [{"name": "django_language", "value": "zh-hans", "url": live_server.url}]
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


class Screenshots:
    """Numbered full-page screenshots of one test's steps."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def __call__(self, page: Any, step: str, *, full_page: bool = True) -> Path:
        """The whole page, or (full_page=False) just what the screen shows right now."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshots:
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    folder = ARTIFACTS / name
    # A rerun replaces the old pictures instead of mixing two runs in one folder.
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Screenshots(folder)


@pytest.fixture
def every_page_world() -> Iterator[Any]:
    """tests/e2e/pages.py's world of every page, seen on Tuesday 2026-11-24 10:00."""
    import time_machine

    from tests.e2e.pages import every_page_world_build
    from tests.security.world import NOW

    with time_machine.travel(NOW, tick=True):
        yield every_page_world_build()

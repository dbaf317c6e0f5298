"""What each role opens all day, seen as they see it: home, inbox, a push, the decision form
with its errors and the monthly report, at 1366 and 375 px (R1, R3, R18).

Screenshots: artifacts/e2e/<test-name>/ — the evidence a reviewer reads in Chinese.
"""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from notifications.models import Push
from organizations.models import StaffRole
from reporting.reports import monthly_report_compile
from tests.clients import authenticator_for
from tests.e2e.browser import log_in, no_horizontal_scroll
from tests.e2e.scenario import World, at, licence_record, world_build
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1366, 375)


@pytest.fixture
def world() -> Iterator[tuple[World, dict[str, Any], Push]]:
    """October's licence in October's report and a pending push of today, with a clerk, a
    head and the platform admin on each side."""
    with time_machine.travel(at("2026-10-20T09:00"), tick=True) as traveller:
        world = world_build()
        licence_record(world)
        traveller.move_to(at("2026-11-24T09:00"))
        monthly_report_compile(month=datetime.date(2026, 10, 1))
        pending = licence_record(world)
        traveller.move_to(at("2026-11-24T10:00"))
        admin = StaffFactory(department=world.approval, role=StaffRole.PLATFORM_ADMIN).user
        admin.is_staff = admin.is_superuser = True
        admin.save()
        authenticator_for(admin)  # administrators sign in with two factors
        users = {
            "approval-clerk": world.approval_clerk,
            "approval-head": StaffFactory(department=world.approval, role=StaffRole.HEAD).user,
            "supervision-clerk": world.supervision_clerk,
            "supervision-head": StaffFactory(
                department=world.supervision, role=StaffRole.HEAD
            ).user,
            "platform-admin": admin,
        }
        push = Push.objects.get(subject_id=str(pending.pk), receiver=world.supervision)
        yield world, users, push


def _pages(role: str, world: World, push: Push) -> list[tuple[str, str]]:
    pages = [("home", "/dashboard/"), ("inbox", "/pushes/inbox/")]
    if role.startswith("supervision") or role == "platform-admin":
        pages.append(("push", f"/pushes/{push.pk}/"))
    pages.append(("report", "/pushes/reports/2026-10/"))
    return pages


@pytest.mark.parametrize(
    "role",
    ["approval-clerk", "approval-head", "supervision-clerk", "supervision-head", "platform-admin"],
)
def test_each_role_s_daily_pages_read_in_chinese_at_both_widths(
    world: tuple[World, dict[str, Any], Push],
    new_page: Callable[..., Any],
    screenshot: Any,
    role: str,
):
    scenario, users, push = world
    page = new_page()
    log_in(page, users[role].username)
    for name, url in _pages(role, scenario, push):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url)
            assert response is not None and response.status == 200, (name, url)
            expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
            assert no_horizontal_scroll(page), f"{name} scrolls sideways at {width} px"
            screenshot(page, f"{role}-{name}-{width}")


def test_the_decision_form_with_its_errors_at_both_widths(
    world: tuple[World, dict[str, Any], Push], new_page: Callable[..., Any], screenshot: Any
):
    scenario, users, _push = world
    page = new_page()
    log_in(page, users["approval-clerk"].username)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/licences/new/{scenario.food_item.code}/")
        page.get_by_role("button", name="录入并推送").click()
        # Every missing field is named in one submit.
        expect(page.locator("#error-summary")).to_be_visible()
        assert no_horizontal_scroll(page), f"the form scrolls sideways at {width} px"
        screenshot(page, f"decision-form-errors-{width}")

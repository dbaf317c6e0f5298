"""Staff and public pages on a 375-px-wide phone: no horizontal scrolling of the page, the
claim button within reach, the public verification status in sight.

Screenshots: artifacts/e2e/<test-name>/.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from approvals.models import Licence
from notifications.models import Push, PushState
from reporting.reports import monthly_report_compile
from tests.e2e.browser import PHONE, log_in, no_horizontal_scroll
from tests.e2e.scenario import SUPERVISION_NAME, World, at, licence_record, world_build

pytestmark = pytest.mark.django_db(transaction=True)

# A long counterparty name is the usual thing that pushes a row wider than a phone.
LONG_NAME = "山东省淄博市临淄区齐都镇稷下街道齐鲁石化配套服务中心餐饮管理有限责任公司"


@dataclass
class PhoneWorld:
    world: World
    october: Licence
    pending: Licence
    push: Push


@pytest.fixture
def phone_world() -> Iterator[PhoneWorld]:
    """October's licence (auto-claimed, in October's report) and a pending one of today,
    Tuesday 2026-11-24 10:00, all seen on a phone."""
    with time_machine.travel(at("2026-10-20T09:00"), tick=True) as traveller:
        world = world_build()
        october = licence_record(world)
        traveller.move_to(at("2026-11-24T09:00"))
        monthly_report_compile(month=datetime.date(2026, 10, 1))
        pending = licence_record(world, name=LONG_NAME)
        traveller.move_to(at("2026-11-24T10:00"))
        push = Push.objects.get(subject_id=str(pending.pk), receiver=world.supervision)
        yield PhoneWorld(world=world, october=october, pending=pending, push=push)


def test_the_inbox_fits_a_phone_and_its_claim_button_works(
    phone_world: PhoneWorld, new_page: Callable[..., Any], screenshot: Any
):
    page = new_page(**PHONE)
    log_in(page, phone_world.world.supervision_clerk.username)
    page.goto("/pushes/inbox/")
    expect(page.get_by_role("heading", name="收件箱：待认领推送")).to_be_visible()
    assert page.evaluate("window.innerWidth") == 375
    assert no_horizontal_scroll(page)

    row = page.locator("table.pushes tbody tr").filter(has_text=LONG_NAME)
    expect(row.locator(".badge")).to_have_text("待认领")
    # Cards on a phone: each value says what it is.
    deadline = row.locator("td[data-label]").nth(2)
    expect(deadline).to_contain_text("2026-11-25 17:30")
    assert deadline.evaluate("cell => getComputedStyle(cell, '::before').content") == '"认领期限"'
    checkbox = row.get_by_role("checkbox")
    claim = page.get_by_role("button", name="认领所选")
    expect(claim).to_be_visible()
    # The button stays at the bottom of the screen, so a long list never hides it: the
    # row's checkbox and the button are in sight together.
    checkbox.scroll_into_view_if_needed()
    expect(checkbox).to_be_in_viewport()
    expect(claim).to_be_in_viewport()
    box = claim.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    screenshot(page, "inbox-pending")
    screenshot(page, "inbox-pending-screen", full_page=False)

    checkbox.check()
    claim.click()  # the confirm() dialog is accepted
    expect(page.locator(".message.success")).to_have_text("已认领 1 条推送。")
    expect(row.locator(".badge")).to_have_text("已认领")
    expect(page.locator("a.chip[href$='state=pending'] strong")).to_have_text("0")
    assert no_horizontal_scroll(page)
    screenshot(page, "inbox-claimed")
    phone_world.push.refresh_from_db()
    assert phone_world.push.state == PushState.CLAIMED


def test_the_push_detail_claim_button_is_reachable_on_a_phone(
    phone_world: PhoneWorld, new_page: Callable[..., Any], screenshot: Any
):
    page = new_page(**PHONE)
    log_in(page, phone_world.world.supervision_clerk.username)
    page.goto(f"/pushes/{phone_world.push.pk}/")
    expect(page.locator(".state-pending")).to_have_text("待认领")
    claim = page.get_by_role("button", name="认领", exact=True)
    claim.scroll_into_view_if_needed()
    expect(claim).to_be_in_viewport()
    assert no_horizontal_scroll(page)
    screenshot(page, "push-detail-pending")
    claim.tap()
    expect(page.locator(".state-claimed")).to_contain_text("已认领")
    assert no_horizontal_scroll(page)
    screenshot(page, "push-detail-claimed")


def test_the_public_verification_page_shows_the_status_on_a_phone(
    phone_world: PhoneWorld, new_page: Callable[..., Any], screenshot: Any
):
    page = new_page(**PHONE)
    page.goto(f"/verify/{phone_world.pending.supervision_code}/")
    expect(page.get_by_role("heading", name="许可核验")).to_be_visible()
    result = page.locator(".verify-result")
    expect(result).to_have_attribute("data-status", "valid")
    status = result.locator(".badge")
    expect(status).to_have_text("有效")
    # Seen without scrolling: the first thing a person scanning the QR code looks for.
    expect(status).to_be_in_viewport()
    expect(result).to_contain_text(phone_world.pending.licence_no)
    expect(result).to_contain_text(SUPERVISION_NAME)
    assert no_horizontal_scroll(page)
    screenshot(page, "verify")


@pytest.mark.parametrize("who", ["staff", "anonymous"])
def test_the_menu_opens_from_the_keyboard_on_a_phone(
    phone_world: PhoneWorld, new_page: Callable[..., Any], screenshot: Any, who: str
):
    page = new_page(**PHONE)
    if who == "staff":
        log_in(page, phone_world.world.approval_clerk.username)
    page.goto("/catalog/")
    navigation = page.get_by_role("navigation", name="主导航")
    catalog = navigation.get_by_role("link", name="事项目录")
    expect(catalog).to_be_hidden()
    screenshot(page, "menu-closed", full_page=False)
    menu = page.locator("details.site-menu > summary")
    for _ in range(6):
        page.keyboard.press("Tab")
        if menu.evaluate("summary => summary === document.activeElement"):
            break
    expect(menu).to_be_focused()
    expect(menu).to_have_text("菜单")
    page.keyboard.press("Enter")
    expect(catalog).to_be_visible()
    expect(catalog).to_be_in_viewport()
    if who == "staff":
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    else:
        expect(navigation.get_by_role("link", name="许可核验")).to_be_visible()
        expect(navigation.get_by_role("link", name="开放数据")).to_be_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "menu-open", full_page=False)
    page.keyboard.press("Enter")
    expect(catalog).to_be_hidden()

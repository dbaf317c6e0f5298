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
from notifications.reports import monthly_report_compile
from tests.e2e.conftest import PHONE, log_in, no_horizontal_scroll
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
    expect(page.locator(".count.pending strong")).to_have_text("0")
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


def _push_detail(pw: PhoneWorld) -> str:
    return f"/pushes/{pw.push.pk}/"


def _licence_detail(pw: PhoneWorld) -> str:
    return f"/licences/{pw.pending.pk}/"


def _verify(pw: PhoneWorld) -> str:
    return f"/verify/{pw.pending.supervision_code}/"


# The pages each kind of visitor walks through, with the heading each shows (None: any).
PAGES: dict[str, list[tuple[str | Callable[[PhoneWorld], str], str | None]]] = {
    "supervision": [
        ("/dashboard/", "工作台"),
        ("/pushes/inbox/", "收件箱：待认领推送"),
        (_push_detail, f"食品经营许可 · {LONG_NAME}"),
        ("/pushes/reports/2026-10/", "2026-10 审管信息推送认领情况通报"),
        ("/pushes/notices/", None),
        (_licence_detail, None),
        ("/supervision/actions/", None),
        ("/supervision/actions/new/", None),
        ("/supervision/letters/", None),
        ("/supervision/letters/new/", None),
        ("/credit/catalog/", None),
        ("/coordination/", None),
        ("/coordination/inquiries/", None),
        ("/coordination/inquiries/new/", None),
    ],
    "approval": [
        ("/dashboard/", "工作台"),
        ("/pushes/outbox/", "发件箱：已推送信息"),
        (_push_detail, f"食品经营许可 · {LONG_NAME}"),
        ("/licences/new/", "录入审批决定"),
        ("/licences/new/e2e-commitment/", "录入审批决定：公共场所卫生许可"),
        ("/licences/", None),
        (_licence_detail, None),
        ("/pushes/reports/", "审管信息推送认领情况月度通报"),
        ("/pushes/reports/2026-10/", "2026-10 审管信息推送认领情况通报"),
        ("/supervision/restricted/", None),
        ("/credit/verifications/", None),
        ("/coordination/meetings/", None),
        ("/coordination/meetings/new/", None),
        ("/coordination/inspections/new/", None),
    ],
    "public": [
        ("/accounts/login/", "登录"),
        (_verify, "许可核验"),
        ("/verify/", None),
        ("/catalog/", None),
        ("/catalog/e2e-commitment/", None),
    ],
}


@pytest.mark.parametrize("who", list(PAGES))
def test_pages_have_no_horizontal_scrolling_on_a_phone(
    phone_world: PhoneWorld, new_page: Callable[..., Any], screenshot: Any, who: str
):
    page = new_page(**PHONE)
    if who != "public":
        log_in(page, getattr(phone_world.world, f"{who}_clerk").username)
    too_wide = []
    for path, heading in PAGES[who]:
        url = path(phone_world) if callable(path) else path
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        title = page.get_by_role("heading", level=1)
        if heading is None:
            expect(title).to_be_visible()
        else:
            expect(title).to_have_text(heading)
        screenshot(page, url.strip("/").replace("/", "-"))
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if not no_horizontal_scroll(page):
            too_wide.append(f"{url}: {scroll_width} px")
    assert not too_wide, f"wider than the 375-px screen: {too_wide}"

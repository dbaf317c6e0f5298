"""The monthly report's printable page (R18) as a 通报 on A4: printed to PDF by chromium,
every table inside the printable width, the page landscape; and readable on a phone.

Screenshots: artifacts/e2e/<test-name>/ (the PDF beside them).
"""

import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from organizations.models import StaffRole
from reporting.reports import monthly_report_compile
from tests.e2e.scenario import World, at, licence_record, world_build
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-Linzi-2026"  # tests.factories.UserFactory's password
LONG_NAME = "山东省淄博市临淄区齐都镇稷下街道齐鲁石化配套服务中心餐饮管理有限责任公司"
# A4 landscape (297 mm) less the stylesheet's 12 mm side margins, in CSS pixels (96 per inch).
PRINTABLE_WIDTH_PX = int((297 - 2 * 12) / 25.4 * 96)
A4_LANDSCAPE_PT = (841.89, 595.28)


@pytest.fixture
def october() -> Iterator[tuple[World, Any]]:
    """Two licences of October whose pushes were never claimed (one counterparty with a long
    name), the report compiled on Nov 1 and read by a department head."""
    with time_machine.travel(at("2026-10-20T09:00"), tick=True) as traveller:
        world = world_build()
        licence_record(world, name=LONG_NAME)
        licence_record(world)
        traveller.move_to(at("2026-11-01T08:00"))
        monthly_report_compile(month=datetime.date(2026, 10, 1))
        traveller.move_to(at("2026-11-02T10:00"))
        head = StaffFactory(
            department=world.supervision, role=StaffRole.HEAD, user__username="head-e2e"
        ).user
        yield world, head


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    # Signed in: 退出登录 is on the page (inside the collapsed menu on a phone).
    expect(page.get_by_role("button", name="退出登录", include_hidden=True)).to_be_attached()


def overflowing(page: Any) -> list[str]:
    """Elements whose right edge passes the viewport: what a printed page would cut off."""
    return page.evaluate(
        """() => Array.from(document.body.querySelectorAll('*'))
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + '.' + e.className)"""
    )


def pdf_pages(content: bytes) -> list[tuple[float, float]]:
    """The media box of every page of chromium's PDF (page objects are not compressed)."""
    return [
        (float(width), float(height))
        for width, height in re.findall(
            rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", content
        )
    ]


def test_the_printable_report_prints_on_a4_landscape_without_cut_off_columns(
    october: tuple[World, Any], new_page: Callable[..., Any], screenshot: Any
):
    _world, head = october
    page = new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, head.username)
    page.goto(reverse("reporting:report-print", args=["2026-10"]))
    expect(page.locator(".notice-number")).to_have_text("临审管通〔2026〕10号")
    expect(page.locator("h1")).to_have_text("关于2026年10月审批监管信息推送认领情况的通报")
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    accountability = page.locator("table.report-accountability tbody tr")
    expect(accountability).to_have_count(2)  # neither licence's push was claimed
    expect(accountability.filter(has_text=LONG_NAME)).to_contain_text("超期自动认领")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Noto Sans CJK SC"') and "serif" not in font.replace("sans-serif", "")
    screenshot(page, "screen-1366")

    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINTABLE_WIDTH_PX, "height": 900})
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PRINTABLE_WIDTH_PX
    assert overflowing(page) == []
    screenshot(page, "print-media")

    content = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (screenshot.folder / "report.pdf").write_bytes(content)
    pages = pdf_pages(content)
    assert 1 <= len(pages) <= 4
    for width, height in pages:
        assert (width, height) == pytest.approx(A4_LANDSCAPE_PT, abs=1)


def test_the_printable_report_reads_on_a_phone(
    october: tuple[World, Any], new_page: Callable[..., Any], screenshot: Any
):
    _world, head = october
    page = new_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    sign_in(page, head.username)
    page.goto(reverse("reporting:report-print", args=["2026-10"]))
    expect(page.locator(".notice-issuer")).to_be_visible()
    # Wide tables scroll inside their own box; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-375")

"""An administrator's first sign-in, as they live it: the password, then the page that sets
up the authenticator (QR code and key drawn on the server, no script), the code the app shows,
the ten recovery codes shown once, and the dashboard; on a phone too (GB/T 22239-2019 level 3,
8.1.4.1 d; organizations.two_factor).

Screenshots: artifacts/e2e/<test-name>/.
"""

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from organizations.models import StaffRole
from tests.e2e.browser import PHONE, log_in, no_horizontal_scroll
from tests.factories import ApprovalDepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _admin():
    membership = StaffFactory(department=ApprovalDepartmentFactory(), role=StaffRole.PLATFORM_ADMIN)
    membership.user.is_staff = membership.user.is_superuser = True
    membership.user.save()
    return membership.user


def _code_for(secret_text: str) -> str:
    secret = "".join(secret_text.split())
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


@pytest.mark.parametrize("phone", [False, True], ids=["1366", "375"])
def test_an_administrator_sets_up_the_authenticator_at_the_first_sign_in(
    new_page, screenshot, phone
):
    admin = _admin()
    page = new_page(**PHONE) if phone else new_page(viewport={"width": 1366, "height": 900})
    log_in(page, admin.username)

    expect(page.get_by_role("heading", name="开启两步验证")).to_be_visible()
    expect(page.get_by_role("img", name="用身份验证器扫描的二维码")).to_be_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "enrol")
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("验证码").fill("000000")
    page.get_by_role("button", name="确认并开启").click()
    expect(page.get_by_role("alert").filter(has_text="验证码错误或已过期")).to_be_visible()
    screenshot(page, "wrong-code")

    # The wrong code made the next attempt wait a second.
    page.wait_for_timeout(1100)
    page.get_by_label("验证码").fill(_code_for(secret))
    page.get_by_role("button", name="确认并开启").click()
    expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    assert no_horizontal_scroll(page)
    screenshot(page, "recovery-codes")

    page.get_by_role("link", name="我已保存，继续").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()

"""A login that runs out while a form is open loses nothing (static/js/session.js).

The clerk types an inquiry letter, the session ends (its row is gone, as after eight idle
hours), the submit lands on the login page; after logging in again the form is filled in
again with a notice, and once it is sent the draft is gone. Screenshots:
artifacts/e2e/<test-name>/.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tests.e2e.browser import PASSWORD, log_in
from tests.e2e.scenario import APPROVAL_NAME, world_build

pytestmark = pytest.mark.django_db(transaction=True)

FORM = "/coordination/inquiries/new/"
SUBJECT = "关于齐鲁食品公司许可范围的函询"
QUESTION = "该公司申请增加冷链食品经营范围，请贵局核实其近一年有无相关监管记录。"
RESTORED = "已恢复您上次未提交的内容"


def fill_inquiry(page: Any) -> None:
    page.get_by_label("接收部门").select_option(label=APPROVAL_NAME)
    page.get_by_label("主题").fill(SUBJECT)
    page.get_by_label("函询内容").fill(QUESTION)


def test_a_form_typed_before_the_login_ran_out_is_filled_in_again_after_login(
    new_page: Callable[..., Any], screenshot: Any
):
    world = world_build()
    page = new_page()
    log_in(page, world.supervision_clerk.username)
    page.goto(FORM)
    fill_inquiry(page)
    screenshot(page, "typed")

    Session.objects.all().delete()  # the login ran out while the form was open
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(world.supervision_clerk.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # Back on the form (the login's `next`), filled in again.
    page.wait_for_url(f"**{FORM}")
    expect(page.get_by_text(RESTORED)).to_be_visible()
    expect(page.get_by_label("主题")).to_have_value(SUBJECT)
    expect(page.get_by_label("函询内容")).to_have_value(QUESTION)
    expect(page.get_by_label("接收部门")).to_have_value(str(world.approval.pk))
    screenshot(page, "restored")

    # Sent for real: the draft is gone, the form is empty next time.
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    page.goto(FORM)
    expect(page.get_by_label("主题")).to_have_value("")
    expect(page.get_by_text(RESTORED)).to_be_hidden()


def test_a_form_refused_with_errors_keeps_its_draft_and_discard_empties_it(
    new_page: Callable[..., Any],
):
    world = world_build()
    page = new_page()
    log_in(page, world.supervision_clerk.username)
    page.goto(FORM)
    fill_inquiry(page)
    page.get_by_label("回复期限（工作日）").fill("99")  # refused by the server: 1 to 30
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.get_by_role("button", name="发送").click()
    expect(page.locator(".error-text, .errorlist").first).to_be_visible()
    page.goto("/dashboard/")
    page.goto(FORM)
    expect(page.get_by_text(RESTORED)).to_be_visible()
    expect(page.get_by_label("函询内容")).to_have_value(QUESTION)
    page.get_by_role("button", name="放弃这些内容").click()
    expect(page.get_by_label("函询内容")).to_have_value("")
    page.reload()
    expect(page.get_by_text(RESTORED)).to_be_hidden()


def served_with_seconds_left(page: Any, seconds: int) -> None:
    """The dashboard served as if the session had `seconds` left (the server says 8 hours)."""

    def rewrite(route: Any) -> None:
        response = route.fetch()
        body = response.text().replace(
            'data-session-expires-in="', f'data-session-expires-in="{seconds}" data-was="'
        )
        route.fulfill(response=response, body=body)

    page.unroute("**/dashboard/")
    page.route("**/dashboard/", rewrite)


def test_the_warning_before_the_end_keeps_the_session_alive(
    new_page: Callable[..., Any], screenshot: Any
):
    world = world_build()
    page = new_page()
    log_in(page, world.supervision_clerk.username)
    served_with_seconds_left(page, 240)
    page.goto("/dashboard/")
    warning = page.locator("#session-warning")
    expect(warning.get_by_text("登录即将过期")).to_be_visible()
    screenshot(page, "warning", full_page=False)
    with page.expect_response("**/session/keepalive/") as answer:
        warning.get_by_role("button", name="继续工作").click()
    assert answer.value.status == 204
    expect(warning).to_be_hidden()

    # At the end the banner says so and leads to the login page, back to this page. (The
    # keep-alive's new end is shared with the browser's other windows: forget it here.)
    page.evaluate("localStorage.clear()")
    served_with_seconds_left(page, 0)
    page.goto("/dashboard/")
    expect(warning.get_by_text("登录已过期")).to_be_visible()
    expect(warning.get_by_text("登录即将过期")).to_be_hidden()
    link = warning.get_by_role("link", name="重新登录")
    expect(link).to_have_attribute("href", "/accounts/login/?next=/dashboard/")
    screenshot(page, "expired", full_page=False)

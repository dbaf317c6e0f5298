"""Forms that help, in a real browser: the decision form fills in the applicant the
department already knows (R7), and the supervision action form shows only what the
chosen kind needs.

Screenshots: artifacts/e2e/<test-name>/.
"""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.scenario import World, licence_record, world_build

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-Linzi-2026"  # tests.factories.UserFactory's password


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


@pytest.fixture
def world() -> World:
    return world_build()


def test_typing_a_known_credit_code_fills_in_the_name_and_contact(
    world: World, new_page: Any, screenshot: Any
) -> None:
    licence = licence_record(world, name="临淄齐都食品有限公司")
    page = new_page()
    sign_in(page, world.approval_clerk.username)
    page.goto(f"/licences/new/{world.food_item.code}/")
    form = page.locator("form#decision-form")
    form.get_by_label("联系人").fill("自己填的联系人")
    form.get_by_label("统一社会信用代码或身份证号").fill(licence.counterparty.credit_code)
    expect(form.get_by_label("行政相对人名称")).to_have_value("临淄齐都食品有限公司")
    expect(form.get_by_label("联系电话")).to_have_value("13912345678")
    expect(form.get_by_label("联系人")).to_have_value("自己填的联系人")  # never overwritten
    expect(page.locator("#access-result")).to_contain_text("准入状态：正常准入")
    screenshot(page, "decision-form-filled-in")


def test_choosing_a_kind_hides_the_groups_it_does_not_need(
    world: World, new_page: Any, screenshot: Any
) -> None:
    page = new_page()
    sign_in(page, world.supervision_clerk.username)
    page.goto("/supervision/actions/new/")
    form = page.locator("form#action-form")
    form.get_by_label("类型").select_option("training")
    for group in ("licence", "counterparty", "listing", "suspension"):
        expect(form.locator(f"fieldset[data-group={group}]")).to_be_hidden()
    expect(form.get_by_label("文书编号")).to_be_visible()
    screenshot(page, "training-notice")
    form.get_by_label("类型").select_option("suspension")
    for group in ("licence", "counterparty", "listing", "suspension"):
        expect(form.locator(f"fieldset[data-group={group}]")).to_be_visible()
    expect(form.get_by_label("停产停业至")).to_be_visible()
    screenshot(page, "suspension")

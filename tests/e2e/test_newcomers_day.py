"""A newcomer's day, in a real browser: licence → inbox → claim → feedback and answer →
auto-claim after the deadline → the monthly report with its chart and its Excel file.

Every step asserts on what the page shows (the Chinese labels), and leaves a screenshot in
artifacts/e2e/test_a_newcomers_day_from_licence_to_monthly_report/.
"""

import datetime

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect

from approvals.models import Licence
from notifications.models import Push, PushState
from notifications.tasks import auto_claim_overdue
from reporting.tasks import compile_monthly_report
from tests.e2e.browser import log_in, nav_to
from tests.e2e.scenario import APPROVAL_NAME, SUPERVISION_NAME, at, licence_record, world_build
from tests.factories import valid_credit_code

COUNTERPARTY = "临淄齐鲁浴池有限公司"
COMMITMENT = (
    "本单位承诺：公共场所卫生条件符合《公共场所卫生管理条例》的要求，承诺不实愿承担法律责任。"
)
FEEDBACK = "承诺书未附卫生检测报告，请补充说明。"
ANSWER = "检测报告将于十个工作日内补交，已列入后置核查。"


@pytest.mark.django_db(transaction=True)
def test_a_newcomers_day_from_licence_to_monthly_report(new_page, screenshot, settings):
    # The day runs over a week of (moved) time; nobody should be logged out meanwhile.
    settings.SESSION_COOKIE_AGE = 30 * 24 * 3600
    # Tuesday 09:00: a push received at once is due Wednesday 17:30 (1 working day).
    with time_machine.travel(at("2026-11-24T09:00"), tick=True) as traveller:
        world = world_build()
        # Recorded earlier through the API; nobody will claim it in time.
        forgotten = licence_record(world, name="临淄稷下餐饮有限公司")

        # --- the approval clerk logs in and records a licence for a 告知承诺 item
        clerk = new_page()
        log_in(clerk, world.approval_clerk.username)
        expect(clerk.get_by_role("heading", name="工作台")).to_be_visible()
        expect(clerk.locator(".who")).to_contain_text(APPROVAL_NAME)
        screenshot(clerk, "approval-clerk-logged-in")

        nav_to(clerk, "录入审批决定")
        expect(clerk.get_by_role("heading", name="录入审批决定")).to_be_visible()
        item_row = clerk.locator("tr").filter(has_text="公共场所卫生许可")
        expect(item_row.locator(".badge")).to_have_text("告知承诺书")
        screenshot(clerk, "choose-item")
        item_row.get_by_role("link", name="选择").click()

        expect(clerk.get_by_role("heading", name="录入审批决定：公共场所卫生许可")).to_be_visible()
        form = clerk.locator("form.stacked")
        form.get_by_label("行政相对人名称").fill(COUNTERPARTY)
        form.get_by_label("统一社会信用代码（单位）").check()
        form.get_by_label("统一社会信用代码或身份证号").fill(valid_credit_code("91370305MA3F0001"))
        form.get_by_label("联系人").fill("王五")
        form.get_by_label("联系电话").fill("13712345678")
        form.get_by_label("许可文（编）号").fill("鲁卫公证字〔2026〕第0001号")
        form.get_by_label("告知承诺书").fill(COMMITMENT)
        form.get_by_label("承诺人").fill("王五")
        screenshot(clerk, "decision-form-filled")
        form.get_by_role("button", name="录入并推送").click()

        expect(clerk.locator(".message.success")).to_have_text(
            "审批决定已录入，并已推送至 1 个监管部门。"
        )
        expect(
            clerk.get_by_role("heading", name="公共场所卫生许可 · 鲁卫公证字〔2026〕第0001号")
        ).to_be_visible()
        pushes = clerk.locator("section.card").filter(has_text="推送记录")
        expect(pushes.locator("tbody tr")).to_have_count(1)
        expect(pushes.locator("tbody tr")).to_contain_text(SUPERVISION_NAME)
        expect(pushes.locator("tbody tr")).to_contain_text("待认领")
        expect(clerk.locator("dd.pre")).to_have_text(COMMITMENT)
        screenshot(clerk, "licence-recorded-and-pushed")
        licence = Licence.objects.get(counterparty__name=COUNTERPARTY)
        assert licence.commitment["text"] == COMMITMENT

        # --- the supervision clerk finds it in the inbox and claims it
        inspector = new_page()
        log_in(inspector, world.supervision_clerk.username)
        nav_to(inspector, "收件箱")
        expect(inspector.get_by_role("heading", name="收件箱：待认领推送")).to_be_visible()
        fresh_row = inspector.locator("table.pushes tbody tr").filter(has_text=COUNTERPARTY)
        forgotten_row = inspector.locator("table.pushes tbody tr").filter(
            has_text=forgotten.counterparty.name
        )
        expect(fresh_row.locator(".badge")).to_have_text("待认领")
        expect(fresh_row).to_contain_text(APPROVAL_NAME)
        expect(fresh_row).to_contain_text("2026-11-25 17:30")  # the stored claim deadline
        expect(forgotten_row.locator(".badge")).to_have_text("待认领")
        expect(inspector.locator("a.chip[href$='state=pending'] strong")).to_have_text("2")
        screenshot(inspector, "inbox-two-pending")

        fresh_row.get_by_role("link", name=f"公共场所卫生许可 · {COUNTERPARTY}").click()
        expect(inspector.locator(".state-pending")).to_have_text("待认领")
        expect(inspector.get_by_text(COMMITMENT)).to_be_visible()  # R2: the letter is pushed
        screenshot(inspector, "push-detail-before-claim")
        inspector.get_by_role("button", name="认领", exact=True).click()  # confirm() accepted
        expect(inspector.locator(".message.success")).to_have_text(
            f"已认领：公共场所卫生许可 · {COUNTERPARTY}"
        )
        expect(inspector.locator(".state-claimed")).to_contain_text("已认领")
        expect(inspector.get_by_role("button", name="认领", exact=True)).to_have_count(0)
        screenshot(inspector, "push-claimed")

        # --- feedback within the first working day, answered by the approval clerk
        inspector.get_by_label("疑问或争议").fill(FEEDBACK)
        inspector.get_by_role("button", name="发送反馈意见").click()
        expect(inspector.locator(".message.success")).to_have_text(
            f"反馈意见已发送至{APPROVAL_NAME}。"
        )
        feedback = inspector.locator("article.feedback")
        expect(feedback).to_contain_text(FEEDBACK)
        expect(feedback.locator(".badge")).to_have_text("待答复")
        screenshot(inspector, "feedback-sent")

        nav_to(clerk, "发件箱")
        expect(clerk.get_by_role("heading", name="发件箱：已推送信息")).to_be_visible()
        sent_row = clerk.locator("table.pushes tbody tr").filter(has_text=COUNTERPARTY)
        expect(sent_row.locator(".badge")).to_have_text("已认领")
        screenshot(clerk, "outbox-claimed")
        sent_row.get_by_role("link").click()
        expect(clerk.locator("article.feedback")).to_contain_text(FEEDBACK)
        clerk.get_by_label("答复").fill(ANSWER)
        clerk.get_by_role("button", name="发送答复").click()
        expect(clerk.locator(".message.success")).to_have_text("答复已发送。")
        expect(clerk.locator("article.feedback blockquote")).to_contain_text(ANSWER)
        expect(clerk.locator("article.feedback .badge")).to_have_text("已答复")
        screenshot(clerk, "feedback-answered")

        inspector.reload()
        expect(feedback.locator("blockquote")).to_contain_text(ANSWER)
        expect(feedback.locator(".badge")).to_have_text("已答复")
        screenshot(inspector, "answer-received")

        # --- Thursday morning: the forgotten push is past its deadline; the sweep runs
        traveller.move_to(at("2026-11-26T09:00"))
        assert auto_claim_overdue() == 1
        # Overnight the sign-in ran out (idle time-out): the morning starts at the login page.
        inspector.goto("/pushes/inbox/")
        expect(inspector.get_by_role("heading", name="登录")).to_be_visible()
        log_in(inspector, world.supervision_clerk.username)
        inspector.goto("/pushes/inbox/")
        expect(forgotten_row.locator(".badge")).to_have_text("超时自动认领")
        expect(forgotten_row).to_contain_text("系统自动 11-25 17:30")  # claimed at the deadline
        expect(fresh_row.locator(".badge")).to_have_text("已认领")
        expect(inspector.locator("a.chip[href$='state=auto_claimed'] strong")).to_have_text("1")
        expect(inspector.locator("a.chip[href$='state=pending'] strong")).to_have_text("0")
        screenshot(inspector, "inbox-after-auto-claim")
        forgotten_row.get_by_role("link").click()
        expect(inspector.locator(".state-auto_claimed")).to_contain_text(
            "超时自动认领 · 系统自动 · 2026-11-25 17:30 · 已超时：超时责任记入接收部门"
        )
        screenshot(inspector, "auto-claimed-detail")
        states = dict(Push.objects.values_list("counterparty_name", "state"))
        assert states == {
            COUNTERPARTY: PushState.CLAIMED,
            forgotten.counterparty.name: PushState.AUTO_CLAIMED,
        }

        # --- 1 December, 08:00: the beat compiles November's report
        traveller.move_to(at("2026-12-01T08:00"))
        assert compile_monthly_report() == "2026-11 v1"
        log_in(inspector, world.supervision_clerk.username)
        nav_to(inspector, "月度通报")
        expect(inspector.get_by_role("heading", level=1)).to_have_text(
            "审管信息推送认领情况月度通报"
        )
        inspector.get_by_role("link", name="2026-11").click()
        expect(
            inspector.get_by_role("heading", name="2026-11 审管信息推送认领情况通报")
        ).to_be_visible()
        expect(inspector.get_by_role("heading", name="各部门按时认领率")).to_be_visible()
        chart = inspector.locator("svg.bar-chart:not(.chart-phone)")
        expect(chart).to_be_visible()
        expect(chart.locator("text").filter(has_text=SUPERVISION_NAME)).to_have_count(1)
        expect(chart).to_contain_text("50.0%")  # one on time, one auto-claimed
        expect(inspector.locator("svg.trend-chart")).to_be_visible()
        received = inspector.locator("table.report-pushes tbody tr").filter(has_text="审批→监管")
        expect(received).to_contain_text(SUPERVISION_NAME)
        expect(received.locator("td").nth(3)).to_have_text("2")  # received
        expect(received.locator("td").nth(4)).to_have_text("1")  # claimed on time
        expect(received.locator("td").nth(5)).to_have_text("1")  # auto-claimed
        accountability = inspector.locator("table.report-accountability tbody tr")
        expect(accountability).to_have_count(1)
        expect(accountability).to_contain_text(SUPERVISION_NAME)
        feedback_row = inspector.locator("table.report-departments tbody tr")
        expect(feedback_row.locator("td").nth(1)).to_have_text("1")  # feedback raised
        screenshot(inspector, "monthly-report")

        with inspector.expect_download() as download_info:
            inspector.get_by_role("link", name="下载 Excel").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".xlsx")
        saved = screenshot.folder / download.suggested_filename
        download.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"  # an xlsx is a zip file
    workbook = load_workbook(saved, read_only=True)
    cells = {
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    workbook.close()
    assert SUPERVISION_NAME in cells
    assert datetime.date(2026, 11, 1).strftime("%Y-%m") in " ".join(cells)

"""The monthly report fit to circulate as an official notice (R18, Art. 7 and 15): the Excel
workbook's title rows, names, filter and print setup, the accountability list's particulars,
and the printable page's 通报 header. Time is frozen; the overdue records are hand-made."""

import datetime
import io

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from notifications.models import Feedback, FeedbackStatus, OverdueRecord, Push
from reporting.reports import monthly_report_compile
from tests.clients import logged_in
from tests.factories import ApprovalItemFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(approval_department, supervision_department, approval_clerk):
    """One push left unclaimed past its deadline (auto-claimed at Oct 15, 17:30) and one
    feedback answered 1.5 working days after its deadline."""
    item = ApprovalItemFactory(code="food-shop", name="食品经营许可")
    push = Push.objects.create(
        kind="approval_decision",
        sender=approval_department,
        receiver=supervision_department,
        sent_at=at("2026-10-14T09:00"),
        sent_by_label="test",
        deadline=at("2026-10-15T17:30"),
        title="食品经营许可 临淄区老街饭店",
        payload={},
        subject_type="test.subject",
        subject_id="1",
        counterparty_name="临淄区老街饭店",
        counterparty_code="91370305MA3C5XXXX1",
        reference_no="JY13703050012345",
        item_code=item.code,
    )
    feedback = Feedback.objects.create(
        push=push,
        text="地址与实际经营地不符",
        answering_department=approval_department,
        raised_by=approval_clerk,
        raised_by_label=approval_clerk.username,
        raised_at=at("2026-10-19T10:00"),
        answer_deadline=at("2026-10-21T17:30"),
        status=FeedbackStatus.ANSWERED,
        answered_at=at("2026-10-23T13:00"),
    )
    with time_machine.travel(at("2026-10-23T13:00"), tick=False):
        OverdueRecord.objects.create(
            department=approval_department,
            obligation="feedback_answer",
            object_type="notifications.feedback",
            object_id=str(feedback.pk),
            deadline=feedback.answer_deadline,
            recorded_at=at("2026-10-23T13:00"),
        )
    with time_machine.travel(at("2026-11-01T08:00"), tick=False):
        report = monthly_report_compile(month=datetime.date(2026, 10, 1))
    return {"report": report, "push": push, "feedback": feedback}


def workbook_for(user):
    response = logged_in(user).get(reverse("reporting:report-xlsx", args=["2026-10"]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_the_snapshot_stores_what_each_accountability_row_is_about(october):
    """R18: the accountability list names the item, counterparty and licence number, kept in
    the snapshot so the report never changes when the push does."""
    rows = {row["obligation"]: row for row in october["report"].data["accountability"]}
    claim = rows["claim"]
    assert claim["item_name"] == "食品经营许可"
    assert claim["counterparty_name"] == "临淄区老街饭店"
    assert claim["counterparty_code"] == "91370305MA3C5XXXX1"
    assert claim["reference_no"] == "JY13703050012345"
    answer = rows["feedback_answer"]
    assert answer["item_name"] == "食品经营许可"  # through the feedback's push
    assert answer["counterparty_name"] == "临淄区老街饭店"
    # Oct 21 17:30 → Oct 23 13:00: a working day (540 min) and 4½ hours of Oct 23.
    assert answer["late_working_minutes"] == 540 + 270


@pytest.mark.parametrize(
    ("sheet", "first_header", "columns"),
    [("推送认领", "部门", "I"), ("反馈·核验·函询", "部门", "J"), ("超时责任清单", "责任部门", "I")],
)
def test_every_sheet_is_titled_filtered_frozen_and_set_up_for_printing(
    october, platform_admin, sheet, first_header, columns
):
    """R18: a workbook fit to circulate — title rows naming the month, number, scope,
    version and compile time; the header row filtered, frozen and repeated on every page;
    A4 landscape fitted to the page width with page numbers."""
    ws = workbook_for(platform_admin)[sheet]
    assert ws["A1"].value.startswith("关于2026年10月审批监管信息推送认领情况的通报")
    particulars = ws["A2"].value
    assert "文号：临审管通〔2026〕10号" in particulars
    assert "发文单位：测试行政审批服务局" in particulars
    assert "范围：全部部门（2 个）" in particulars
    assert "版本：第 1 版" in particulars
    assert "编制时间：2026-11-01 08:00" in particulars
    assert ws["A3"].value == first_header
    assert ws.auto_filter.ref == f"A3:{columns}{ws.max_row}"
    assert ws.freeze_panes == "B4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def test_the_department_name_comes_first_on_every_row(october, platform_admin):
    ws = workbook_for(platform_admin)["推送认领"]
    names = [row[0] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert set(names) == {"测试行政审批服务局", "测试市场监督管理局"}


def test_the_accountability_sheet_names_item_counterparty_licence_deadline_and_lateness(
    october, platform_admin
):
    """R18 / Art. 15: each overdue record with its department, item, counterparty, licence
    number, the deadline as a real date and how late in working time."""
    ws = workbook_for(platform_admin)["超时责任清单"]
    assert [cell.value for cell in ws[3]] == [
        "责任部门",
        "超时事项",
        "事项名称",
        "行政相对人",
        "统一社会信用代码",
        "许可文（编）号",
        "办理期限",
        "超期情况",
        "记录",
    ]
    rows = {row[1]: row for row in ws.iter_rows(min_row=4, values_only=True)}
    claim = rows["1 个工作日内认领"]
    assert claim[:6] == (
        "测试市场监督管理局",
        "1 个工作日内认领",
        "食品经营许可",
        "临淄区老街饭店",
        "91370305MA3C5XXXX1",
        "JY13703050012345",
    )
    assert claim[6] == datetime.datetime(2026, 10, 15, 17, 30)
    assert claim[7] == "超期自动认领"
    assert claim[8] == f"推送 #{october['push'].pk}"
    answer = next(row for name, row in rows.items() if name != "1 个工作日内认领")
    assert answer[0] == "测试行政审批服务局"
    assert answer[6] == datetime.datetime(2026, 10, 21, 17, 30)
    assert answer[7] == "超期 1.5 个工作日"
    deadline_cell = next(c for c in ws["G"][3:] if c.value is not None)
    assert deadline_cell.is_date and deadline_cell.number_format == "yyyy-mm-dd hh:mm"


def test_a_clerks_workbook_covers_its_own_department(october, supervision_clerk):
    ws = workbook_for(supervision_clerk)["超时责任清单"]
    assert "范围：测试市场监督管理局" in ws["A2"].value
    assert {row[0] for row in ws.iter_rows(min_row=4, values_only=True)} == {"测试市场监督管理局"}


@override_settings(REPORT_DOCUMENT_PREFIX="淄审管通", REPORT_ISSUER="临淄区审批监管联席办公室")
def test_the_document_prefix_and_issuer_are_settings(october, platform_admin):
    particulars = workbook_for(platform_admin)["推送认领"]["A2"].value
    assert "文号：淄审管通〔2026〕10号" in particulars
    assert "发文单位：临淄区审批监管联席办公室" in particulars


def test_the_printable_page_has_the_notice_header(october, supervision_clerk):
    """R18: the printable page reads as a 通报 — issuer, number, title, addressee, the
    tables, the accountability list, the issuer's signature and date."""
    html = (
        logged_in(supervision_clerk)
        .get(reverse("reporting:report-print", args=["2026-10"]))
        .content.decode()
    )
    assert '<p class="notice-issuer">测试行政审批服务局</p>' in html
    assert '<p class="notice-number">临审管通〔2026〕10号</p>' in html
    assert '<h1 class="notice-title">关于2026年10月审批监管信息推送认领情况的通报</h1>' in html
    assert "各有关部门：" in html
    assert "2026年11月1日" in html
    assert "css/print.css" in html
    assert "临淄区老街饭店" in html and "JY13703050012345" in html and "超期自动认领" in html


def test_an_old_snapshot_without_particulars_still_prints_with_dashes(
    approval_department, supervision_department, platform_admin
):
    from reporting.models import MonthlyReport

    MonthlyReport.objects.create(
        month=datetime.date(2026, 9, 1),
        version=1,
        compiled_at=at("2026-10-01T08:00"),
        compiled_by_label="system",
        data={
            "month": "2026-09",
            "pushes": [],
            "departments": [],
            "accountability": [
                {
                    "department": supervision_department.code,
                    "department_name": supervision_department.name,
                    "obligation": "verification",
                    "object_type": "credit.verification",
                    "object_id": "3",
                    "deadline": "2026-09-10T17:30:00+08:00",
                    "recorded_at": "2026-09-11T08:00:00+08:00",
                    "late_minutes": 870,
                }
            ],
        },
    )
    html = (
        logged_in(platform_admin)
        .get(reverse("reporting:report-print", args=["2026-09"]))
        .content.decode()
    )
    row = html.split('<table class="report-accountability">', 1)[1].split("</table>", 1)[0]
    assert row.count(">—</td>") == 3
    assert "超期 14.5 小时" in row

"""The monthly report (R18) as an Excel workbook, and the labels its rows are shown with.

The workbook is a document sent between government departments, so its headers are Chinese
whatever the reader's interface language; the choice labels (obligations) are the platform's
own translations, taken in the site language. Every download is an export, audited (R20).
"""

import datetime
import io
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from audit.services import audit_record
from notifications.models import Obligation

from .document import (
    MISSING,
    late_text,
    local_minute,
    report_document_number,
    report_issuer,
    report_title,
)
from .models import MonthlyReport
from .reports import APPROVAL_TO_SUPERVISION, SUPERVISION_TO_APPROVAL

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DIRECTION_LABELS = {
    APPROVAL_TO_SUPERVISION: _("Approval → supervision"),
    SUPERVISION_TO_APPROVAL: _("Supervision → approval"),
}
OBJECT_TYPE_LABELS = {
    "notifications.push": _("Push"),
    "notifications.feedback": _("Feedback"),
    "credit.verification": _("Credit verification"),
    "coordination.inquiry": _("Inquiry letter"),
}


def direction_label(direction: str) -> str:
    return str(DIRECTION_LABELS.get(direction, direction))


def obligation_label(obligation: str) -> str:
    try:
        return str(Obligation(obligation).label)
    except ValueError:
        return obligation


def object_type_label(object_type: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(object_type, object_type))


def parse_time(text: str | None) -> datetime.datetime | None:
    """The snapshot stores times as ISO 8601 text with their offset."""
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def late_hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


def xlsx_filename(report: MonthlyReport) -> str:
    return f"linzi-report-{report.month:%Y-%m}-v{report.version}.xlsx"


# (header, width, value of a row); rows are the snapshot's dicts, already narrowed to what
# the reader may see. The department's name comes first: codes mean nothing on paper.
Column = tuple[str, int, Callable[[dict[str, Any]], Any]]


def _department(row: dict[str, Any]) -> str:
    return row.get("department_name") or row.get("department", "")


def _or_missing(key: str) -> Callable[[dict[str, Any]], str]:
    # Snapshots compiled before a key was stored show "—", never a blank or an error.
    return lambda row: row.get(key) or MISSING


def _item(row: dict[str, Any]) -> str:
    return row.get("item_name") or row.get("subject") or MISSING


def _record(row: dict[str, Any]) -> str:
    return f"{object_type_label(row.get('object_type', ''))} #{row.get('object_id', '')}"


PUSH_COLUMNS: Sequence[Column] = (
    ("部门", 26, _department),
    (
        "推送方向",
        12,
        lambda r: {APPROVAL_TO_SUPERVISION: "审批→监管", SUPERVISION_TO_APPROVAL: "监管→审批"}.get(
            r.get("direction"), r.get("direction")
        ),
    ),
    ("推送数", 9, lambda r: r.get("sent")),
    ("接收数", 9, lambda r: r.get("received")),
    ("按时认领", 10, lambda r: r.get("claimed_on_time")),
    ("超时自动认领", 12, lambda r: r.get("auto_claimed")),
    ("按时认领率", 11, lambda r: r.get("on_time_rate")),
    ("认领用时中位数（工作小时）", 16, lambda r: r.get("median_claim_hours")),
    ("认领用时90%分位（工作小时）", 16, lambda r: r.get("p90_claim_hours")),
)
DEPARTMENT_COLUMNS: Sequence[Column] = (
    ("部门", 26, _department),
    ("提出反馈意见", 10, lambda r: r.get("feedback_raised")),
    ("答复反馈意见", 10, lambda r: r.get("feedback_answered")),
    ("反馈逾期未答复", 10, lambda r: r.get("feedback_overdue")),
    ("信用承诺应核验", 10, lambda r: r.get("verifications_due")),
    ("按时核验", 10, lambda r: r.get("verifications_on_time")),
    ("核验逾期", 10, lambda r: r.get("verifications_overdue")),
    ("函询应回复", 10, lambda r: r.get("inquiries_due")),
    ("函询已回复", 10, lambda r: r.get("inquiries_answered")),
    ("逾期视为同意", 10, lambda r: r.get("inquiries_deemed_consent")),
)
ACCOUNTABILITY_COLUMNS: Sequence[Column] = (
    ("责任部门", 22, _department),
    ("超时事项", 16, lambda r: obligation_label(r.get("obligation", ""))),
    ("事项名称", 24, _item),
    ("行政相对人", 24, _or_missing("counterparty_name")),
    ("统一社会信用代码", 20, _or_missing("counterparty_code")),
    ("许可文（编）号", 20, _or_missing("reference_no")),
    ("办理期限", 17, lambda r: _excel_time(r.get("deadline"))),
    ("超期情况", 18, late_text),
    ("记录", 14, _record),
)
TIME_FORMAT = "yyyy-mm-dd hh:mm"
TITLE_ROWS = 2  # the notice's title and its particulars, above the header row
HEADER_ROW = TITLE_ROWS + 1


def _excel_time(text: str | None) -> datetime.datetime | str:
    """Excel has no time zones: the local (Asia/Shanghai) wall time, naive."""
    moment = parse_time(text)
    if moment is None:
        return MISSING
    return timezone.localtime(moment).replace(tzinfo=None)


def _sheet(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: Sequence[dict[str, Any]],
    *,
    heading: Sequence[str],
) -> None:
    """One table as a sheet fit to circulate: the notice's title rows, a bold header row that
    is frozen, filtered and repeated on every printed page, and A4 landscape print setup
    fitted to the page width with page numbers in the footer."""
    last_column = get_column_letter(len(columns))
    for index, text in enumerate(heading, start=1):
        sheet.append([text])
        sheet.merge_cells(f"A{index}:{last_column}{index}")
        cell = sheet.cell(row=index, column=1)
        cell.font = Font(bold=index == 1, size=14 if index == 1 else 10)
        cell.alignment = Alignment(horizontal="center" if index == 1 else "left", wrap_text=True)
    sheet.row_dimensions[1].height = 24
    sheet.row_dimensions[2].height = 30
    sheet.append([header for header, _width, _value in columns])
    for row in rows:
        sheet.append([value(row) for _header, _width, value in columns])
    bold = Font(bold=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    for index, (_header, width, _value) in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1, max_col=1):
        cells[0].alignment = wrap
    last_row = max(sheet.max_row, HEADER_ROW)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last_row}"
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    sheet.oddHeader.right.text = heading[0] if heading else ""
    sheet.oddHeader.right.size = 8


def _format_column(sheet: Worksheet, columns: Sequence[Column], header: str, fmt: str) -> None:
    index = [h for h, _w, _v in columns].index(header) + 1
    for (cell,) in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=index, max_col=index):
        cell.number_format = fmt


def report_workbook(*, report: MonthlyReport, data: dict[str, Any], scope: str) -> bytes:
    """The three sections of `data` (already narrowed to the reader) as one .xlsx file,
    each sheet headed by the notice's title, number, issuer, scope, version and compile time."""
    workbook = Workbook()
    pushes = workbook.active
    pushes.title = "推送认领"
    with translation.override(settings.LANGUAGE_CODE):
        title = report_title(report)
        particulars = "　".join(
            [
                f"文号：{report_document_number(report)}",
                f"发文单位：{report_issuer()}",
                f"范围：{scope}",
                f"版本：第 {report.version} 版",
                f"编制时间：{local_minute(report.compiled_at)}",
            ]
        )
        sections = (
            (pushes, "推送认领情况", PUSH_COLUMNS, data["pushes"]),
            (
                workbook.create_sheet("反馈·核验·函询"),
                "反馈意见、信用承诺核验和函询情况",
                DEPARTMENT_COLUMNS,
                data["departments"],
            ),
            (
                workbook.create_sheet("超时责任清单"),
                "超时责任清单",
                ACCOUNTABILITY_COLUMNS,
                data["accountability"],
            ),
        )
        for sheet, section, columns, rows in sections:
            _sheet(sheet, columns, rows, heading=(f"{title}——{section}", particulars))
    _format_column(pushes, PUSH_COLUMNS, "按时认领率", "0.0%")
    _format_column(workbook["超时责任清单"], ACCOUNTABILITY_COLUMNS, "办理期限", TIME_FORMAT)
    workbook.properties.title = title
    workbook.properties.creator = "临淄区审批监管互动平台"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_xlsx_response(
    *, report: MonthlyReport, data: dict[str, Any], actor: Any, scope: str
) -> HttpResponse:
    """The workbook as a download; the export is recorded in the audit trail (R20)."""
    content = report_workbook(report=report, data=data, scope=scope)
    audit_record(
        actor=actor,
        action="report.export",
        object_type=MonthlyReport.AUDIT_OBJECT_TYPE,
        object_id=report.pk,
        details={
            "month": f"{report.month:%Y-%m}",
            "version": report.version,
            "format": "xlsx",
            "rows": {
                "pushes": len(data["pushes"]),
                "departments": len(data["departments"]),
                "accountability": len(data["accountability"]),
            },
        },
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{xlsx_filename(report)}"'
    return response

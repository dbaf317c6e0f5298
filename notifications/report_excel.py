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

from .models import MonthlyReport, Obligation
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
# the reader may see.
Column = tuple[str, int, Callable[[dict[str, Any]], Any]]

PUSH_COLUMNS: Sequence[Column] = (
    ("部门代码", 14, lambda r: r["department"]),
    ("部门", 28, lambda r: r.get("department_name", "")),
    (
        "推送方向",
        12,
        lambda r: {APPROVAL_TO_SUPERVISION: "审批→监管", SUPERVISION_TO_APPROVAL: "监管→审批"}.get(
            r.get("direction"), r.get("direction")
        ),
    ),
    ("推送数", 10, lambda r: r.get("sent")),
    ("接收数", 10, lambda r: r.get("received")),
    ("按时认领", 10, lambda r: r.get("claimed_on_time")),
    ("超时自动认领", 14, lambda r: r.get("auto_claimed")),
    ("按时认领率", 12, lambda r: r.get("on_time_rate")),
    ("认领用时中位数（工作小时）", 26, lambda r: r.get("median_claim_hours")),
    ("认领用时90%分位（工作小时）", 27, lambda r: r.get("p90_claim_hours")),
)
DEPARTMENT_COLUMNS: Sequence[Column] = (
    ("部门代码", 14, lambda r: r["department"]),
    ("部门", 28, lambda r: r.get("department_name", "")),
    ("提出反馈意见", 14, lambda r: r.get("feedback_raised")),
    ("答复反馈意见", 14, lambda r: r.get("feedback_answered")),
    ("反馈逾期未答复", 16, lambda r: r.get("feedback_overdue")),
    ("信用承诺应核验", 16, lambda r: r.get("verifications_due")),
    ("按时核验", 10, lambda r: r.get("verifications_on_time")),
    ("核验逾期", 10, lambda r: r.get("verifications_overdue")),
    ("函询应回复", 12, lambda r: r.get("inquiries_due")),
    ("函询已回复", 12, lambda r: r.get("inquiries_answered")),
    ("逾期视为同意", 14, lambda r: r.get("inquiries_deemed_consent")),
)
ACCOUNTABILITY_COLUMNS: Sequence[Column] = (
    ("责任部门代码", 14, lambda r: r["department"]),
    ("责任部门", 28, lambda r: r.get("department_name", "")),
    ("超时事项", 20, lambda r: obligation_label(r.get("obligation", ""))),
    ("对象类型", 14, lambda r: object_type_label(r.get("object_type", ""))),
    ("对象编号", 12, lambda r: r.get("object_id")),
    ("办理期限", 18, lambda r: _excel_time(r.get("deadline"))),
    ("记录时间", 18, lambda r: _excel_time(r.get("recorded_at"))),
    ("超时（小时）", 12, lambda r: late_hours(r.get("late_minutes"))),
)
TIME_FORMAT = "yyyy-mm-dd hh:mm"


def _excel_time(text: str | None) -> datetime.datetime | None:
    """Excel has no time zones: the local (Asia/Shanghai) wall time, naive."""
    moment = parse_time(text)
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def _sheet(sheet: Worksheet, columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> None:
    sheet.append([header for header, _width, _value in columns])
    for row in rows:
        sheet.append([value(row) for _header, _width, value in columns])
    bold = Font(bold=True)
    for index, (_header, width, _value) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"


def report_workbook(*, report: MonthlyReport, data: dict[str, Any]) -> bytes:
    """The three sections of `data` (already narrowed to the reader) as one .xlsx file."""
    workbook = Workbook()
    pushes = workbook.active
    pushes.title = "推送认领"
    with translation.override(settings.LANGUAGE_CODE):
        _sheet(pushes, PUSH_COLUMNS, data["pushes"])
        _sheet(workbook.create_sheet("反馈·核验·函询"), DEPARTMENT_COLUMNS, data["departments"])
        _sheet(
            workbook.create_sheet("超时责任清单"), ACCOUNTABILITY_COLUMNS, data["accountability"]
        )
    rate_column = get_column_letter(
        [header for header, _w, _v in PUSH_COLUMNS].index("按时认领率") + 1
    )
    for (cell,) in pushes.iter_rows(min_row=2, min_col=1, max_col=1):
        pushes[f"{rate_column}{cell.row}"].number_format = "0.0%"
    accountability = workbook["超时责任清单"]
    for row in accountability.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            cell.number_format = TIME_FORMAT
    workbook.properties.title = f"临淄区审批监管互动平台 {report.month:%Y-%m} 月度推送认领通报"
    workbook.properties.creator = "临淄区审批监管互动平台"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_xlsx_response(
    *, report: MonthlyReport, data: dict[str, Any], actor: Any
) -> HttpResponse:
    """The workbook as a download; the export is recorded in the audit trail (R20)."""
    content = report_workbook(report=report, data=data)
    audit_record(
        actor=actor,
        action="report.export",
        obj=report,
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

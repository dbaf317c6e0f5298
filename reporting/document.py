"""The monthly report (R18) as an official notice (通报): its number, issuer, title, scope,
and the words the accountability list uses for how late a record was. Shared by the
printable page and the Excel workbook, so both read the same."""

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Obligation
from organizations.models import Department, DepartmentKind

from .models import MonthlyReport

DEFAULT_DOCUMENT_PREFIX = "临审管通"
MISSING = "—"


def report_document_number(report: MonthlyReport) -> str:
    """ "临审管通〔2026〕10号": one notice per reported month, numbered by that month."""
    prefix = getattr(settings, "REPORT_DOCUMENT_PREFIX", "") or DEFAULT_DOCUMENT_PREFIX
    return f"{prefix}〔{report.month.year}〕{report.month.month}号"


def report_issuer() -> str:
    """Who issues the notice: REPORT_ISSUER, else the approval department that runs the
    platform, else the platform itself."""
    configured = getattr(settings, "REPORT_ISSUER", "")
    if configured:
        return str(configured)
    name = (
        Department.objects.filter(kind=DepartmentKind.APPROVAL, active=True)
        .order_by("code")
        .values_list("name", flat=True)
        .first()
    )
    return name or str(settings.PLATFORM_NAME)


def report_month_words(report: MonthlyReport) -> str:
    """ "2026年10月"."""
    return _("%(year)d, month %(month)d") % {"year": report.month.year, "month": report.month.month}


def report_title(report: MonthlyReport) -> str:
    return _(
        "Notice on the pushing and claiming of approval and supervision information, %(month)s"
    ) % {"month": report_month_words(report)}


def report_scope(data: dict[str, Any], *, sees_all: bool) -> str:
    """Who the (already narrowed) rows cover: every department, or the reader's own."""
    names = list(
        dict.fromkeys(
            row.get("department_name") or row.get("department", "") for row in data["pushes"]
        )
    )
    if sees_all:
        return _("All departments (%(count)d)") % {"count": len(names)}
    return "、".join(names) or MISSING


def local_minute(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def late_text(row: dict[str, Any]) -> str:
    """How late an accountability record was, in office time a reader counts in: "超期自动
    认领" for a push the system claimed, "超期 1.5 个工作日" for an answer given late.
    Snapshots compiled before office time was stored give wall-clock hours."""
    obligation = row.get("obligation")
    if obligation == Obligation.CLAIM:
        return _("Auto-claimed at the deadline")
    if obligation == Obligation.INQUIRY_REPLY:
        return _("Not answered in time: deemed consent")
    minutes = row.get("late_working_minutes")
    if minutes is None:
        wall = row.get("late_minutes")
        if wall is None:
            return MISSING
        return _("%(hours)s hours late") % {"hours": _number(wall / 60)}
    day = _office_day_minutes()
    if minutes >= day:
        return _("%(days)s working days late") % {"days": _number(minutes / day)}
    if minutes >= 60:
        return _("%(hours)s working hours late") % {"hours": _number(minutes / 60)}
    return _("Less than one working hour late")


def _office_day_minutes() -> int:
    opens, closes = settings.WORKDAY_OPEN, settings.WORKDAY_CLOSE
    return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)

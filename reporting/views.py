"""The monthly push/claim report (R18) on the web: list, page, printable page, Excel, recompile.

The reads shared with the API (`report_month_parse`, `report_versions`, `report_visible_data`,
`report_trend`) live here too. Who sees what: a department its own rows; department heads
and platform admins every department's rows (`Actor.is_head`).
"""

import datetime
import functools
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notifications.todo import todo_list
from organizations.scoping import Actor, actor_for_user
from workdays.selectors import calendar_uncovered_years_ahead, calendar_years_ahead

from .charts import (
    on_time_bar_chart,
    on_time_bars_phone,
    on_time_trend_chart,
    percent_text,
)
from .document import (
    MISSING,
    late_text,
    report_document_number,
    report_issuer,
    report_month_words,
    report_scope,
    report_title,
)
from .excel import (
    direction_label,
    object_type_label,
    obligation_label,
    parse_time,
    report_xlsx_response,
)
from .home import (
    deliveries_failed,
    departments_by_load,
    on_time_trend,
    overdue_this_month,
    sms_undelivered,
)
from .models import MonthlyReport
from .reports import monthly_report_compile, previous_month

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
REPORT_EARLIEST_YEAR = 1990
REPORT_LATEST_YEAR = 2100
TREND_MONTHS = 12
COMPILE_CHOICES = 24


# --- reads shared by the web and the API ---------------------------------------------------


def report_month_parse(text: str) -> datetime.date | None:
    """Parse "2026-10" as date(2026, 10, 1); anything else gives None.

    Years outside 1990–2100 (the platform's date range) are refused too: month arithmetic
    around year 1 or 9999 (the trend, the previous month) would overflow into a 500."""
    match = MONTH_PATTERN.match(text or "")
    if match is None or not REPORT_EARLIEST_YEAR <= int(match[1]) <= REPORT_LATEST_YEAR:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def report_version_parse(text: str | None) -> int | None:
    """A positive version number; raises ValueError for anything else. None: the latest."""
    if text is None or text == "":
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(text)
    return int(text)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def report_versions(*, month: datetime.date) -> list[dict[str, Any]]:
    """The month's versions, newest first, without their (large) figures."""
    return list(
        MonthlyReport.objects.filter(month=month)
        .order_by("-version")
        .values("pk", "version", "compiled_at", "compiled_by_label")
    )


def report_select(
    *, month: datetime.date, version: int | None
) -> tuple[MonthlyReport | None, list[dict[str, Any]]]:
    """The requested (default: latest) version of the month's report, and all its versions."""
    versions = report_versions(month=month)
    chosen = next(
        (v for v in versions if version is None or v["version"] == version),
        None,
    )
    if chosen is None:
        return None, versions
    return MonthlyReport.objects.get(pk=chosen["pk"]), versions


def sees_all_departments(actor: Actor) -> bool:
    return actor.is_head or actor.is_platform_admin


def report_visible_data(*, report: MonthlyReport, actor: Actor) -> dict[str, Any]:
    """The report's rows the actor may see, as compiled (the snapshot is never recomputed)."""
    data = report.data or {}
    if sees_all_departments(actor):

        def visible(row: dict[str, Any]) -> bool:
            return True

    else:
        code = actor.department.code if actor.department is not None else None

        def visible(row: dict[str, Any]) -> bool:
            return code is not None and row.get("department") == code

    return {
        "month": f"{report.month:%Y-%m}",
        "version": report.version,
        "compiled_at": timezone.localtime(report.compiled_at).isoformat(),
        "pushes": [row for row in data.get("pushes", []) if visible(row)],
        "departments": [row for row in data.get("departments", []) if visible(row)],
        "accountability": [row for row in data.get("accountability", []) if visible(row)],
    }


def _receiver_rows(push_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Sender rows have no "received" key: the claim figures are the receiver's.
    return [row for row in push_rows if "received" in row]


def _rate(push_rows: list[dict[str, Any]], *, department: str | None) -> float | None:
    """A department's on-time rate as compiled, or (department None) the platform's: claimed
    on time over all settled pushes of every receiver row."""
    rows = _receiver_rows(push_rows)
    if department is not None:
        return next(
            (r.get("on_time_rate") for r in rows if r.get("department") == department), None
        )
    on_time = sum(row.get("claimed_on_time") or 0 for row in rows)
    settled = on_time + sum(row.get("auto_claimed") or 0 for row in rows)
    return round(on_time / settled, 4) if settled else None


def report_trend(
    *, report: MonthlyReport, data: dict[str, Any], actor: Actor
) -> list[tuple[str, float | None]]:
    """The on-time rate of the last 12 months up to the report's, from the latest version of
    each earlier month's report (the shown version for its own month): the actor's
    department, or the whole platform for heads and admins. A month without a report or
    without anything due is a gap (None)."""
    department = None
    if not sees_all_departments(actor):
        department = "" if actor.department is None else actor.department.code
    first = add_months(report.month, -(TREND_MONTHS - 1))
    latest = (
        MonthlyReport.objects.filter(month=OuterRef("month"))
        .order_by("-version")
        .values("version")[:1]
    )
    earlier = dict(
        MonthlyReport.objects.filter(
            month__gte=first, month__lt=report.month, version=Subquery(latest)
        ).values_list("month", "data__pushes")
    )
    points = []
    for offset in range(TREND_MONTHS):
        month = add_months(first, offset)
        rows = data["pushes"] if month == report.month else earlier.get(month)
        label = f"{month:%Y-%m}"
        points.append((label, _rate(rows, department=department) if rows else None))
    return points


# --- presentation --------------------------------------------------------------------------


def _push_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "direction_label": direction_label(row.get("direction", "")),
            "on_time_percent": percent_text(row.get("on_time_rate")) if "received" in row else None,
        }
        for row in rows
    ]


def _accountability_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    shown = []
    for row in rows:
        object_url = None
        if row.get("object_type") == "notifications.push" and str(row.get("object_id")).isdigit():
            object_url = reverse("notifications:push-detail", args=[int(row["object_id"])])
        shown.append(
            {
                **row,
                "obligation_label": obligation_label(row.get("obligation", "")),
                "object_label": object_type_label(row.get("object_type", "")),
                "object_url": object_url,
                "deadline_at": parse_time(row.get("deadline")),
                "late_text": late_text(row),
                # Snapshots compiled before these were stored read "—".
                "item_text": row.get("item_name") or row.get("subject") or MISSING,
                "counterparty_text": row.get("counterparty_name") or MISSING,
                "reference_text": row.get("reference_no") or MISSING,
            }
        )
    return shown


def _report_context(request: HttpRequest, month_text: str) -> dict[str, Any]:
    month = report_month_parse(month_text)
    if month is None:
        raise Http404
    try:
        version = report_version_parse(request.GET.get("version"))
    except ValueError:
        raise Http404 from None
    report, versions = report_select(month=month, version=version)
    if report is None:
        raise Http404
    actor = actor_for_user(request.user)
    data = report_visible_data(report=report, actor=actor)
    everyone = sees_all_departments(actor)
    bars = [
        (row.get("department_name") or row["department"], row.get("on_time_rate"))
        for row in _receiver_rows(data["pushes"])
    ]
    trend = report_trend(report=report, data=data, actor=actor)
    if everyone:
        trend_title = _("On-time claim rate of the platform, last 12 months")
    else:
        trend_title = _("On-time claim rate of your department, last 12 months")
    return {
        "report": report,
        "month": f"{report.month:%Y-%m}",
        "versions": versions,
        "is_latest": versions[0]["version"] == report.version,
        "sees_all": everyone,
        "is_platform_admin": actor.is_platform_admin,
        "pushes": _push_rows(data["pushes"]),
        "departments": data["departments"],
        # Built only when the page's cached table (report_body.html) must be rendered again:
        # a compiled report never changes, and a province's month has thousands of rows.
        "accountability": functools.cache(lambda: _accountability_rows(data["accountability"])),
        "accountability_scope": "all" if everyone else getattr(actor.department, "pk", "none"),
        "bar_chart": on_time_bar_chart(bars, title=_("On-time claim rate by department")),
        "trend_chart": on_time_trend_chart(trend, title=trend_title),
        "chart_bars": bars,
        "trend_points": trend,
        "trend_title": trend_title,
        "version_query": f"?version={report.version}",
        "scope": report_scope(data, sees_all=everyone),
    }


# --- views ---------------------------------------------------------------------------------


def _compile_choices(now: datetime.datetime) -> list[str]:
    last = previous_month(now)
    return [f"{add_months(last, -offset):%Y-%m}" for offset in range(COMPILE_CHOICES)]


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Months with a report, newest first, each with its latest version."""
    months: dict[datetime.date, dict[str, Any]] = {}
    for row in MonthlyReport.objects.order_by("-month", "-version").values(
        "month", "version", "compiled_at", "compiled_by_label"
    ):
        entry = months.setdefault(row["month"], {**row, "versions": 0})
        entry["versions"] += 1
    actor = actor_for_user(request.user)
    choices = _compile_choices(timezone.now()) if actor.is_platform_admin else []
    return render(
        request,
        "reporting/report_list.html",
        {
            "reports": [
                {**entry, "month_text": f"{month:%Y-%m}"} for month, entry in months.items()
            ],
            "is_platform_admin": actor.is_platform_admin,
            "compile_choices": choices,
            "compile_default": choices[0] if choices else "",
        },
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, month: str) -> HttpResponse:
    context = _report_context(request, month)
    # The same figures laid out for a phone; the page shows one layout or the other by its
    # width (site.css). The print page has no phone layout.
    context["bar_chart_phone"] = on_time_bars_phone(
        context["chart_bars"], title=_("On-time claim rate by department")
    )
    context["trend_chart_phone"] = on_time_bars_phone(
        context["trend_points"], title=context["trend_title"]
    )
    return render(request, "reporting/report_detail.html", context)


@login_required
@require_GET
def report_print(request: HttpRequest, month: str) -> HttpResponse:
    context = _report_context(request, month)
    context.update(
        printed_at=timezone.now(),
        document_number=report_document_number(context["report"]),
        issuer=report_issuer(),
        notice_title=report_title(context["report"]),
        month_words=report_month_words(context["report"]),
    )
    return render(request, "reporting/report_print.html", context)


@login_required
@require_GET
def report_xlsx(request: HttpRequest, month: str) -> HttpResponse:
    parsed = report_month_parse(month)
    if parsed is None:
        raise Http404
    try:
        version = report_version_parse(request.GET.get("version"))
    except ValueError:
        raise Http404 from None
    report, _versions = report_select(month=parsed, version=version)
    if report is None:
        raise Http404
    actor = actor_for_user(request.user)
    data = report_visible_data(report=report, actor=actor)
    return report_xlsx_response(
        report=report,
        data=data,
        actor=actor,
        scope=report_scope(data, sees_all=sees_all_departments(actor)),
    )


@login_required
@require_POST
def report_recompile(request: HttpRequest, month: str) -> HttpResponse:
    """A platform admin compiles a month again (a new version; the old ones stay).

    The list page's form names the month in its body, the report page's button in the URL.
    """
    actor = actor_for_user(request.user)
    if not actor.is_platform_admin:
        raise PermissionDenied
    if report_month_parse(month) is None:
        raise Http404
    month_text = request.POST.get("month") or month
    parsed = report_month_parse(month_text)
    if parsed is None:
        messages.error(request, _("Choose a month as YYYY-MM."))
        return redirect("reporting:report-list")
    try:
        report = monthly_report_compile(month=parsed, actor=actor, new_version=True)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:report-list")
    messages.success(
        request,
        _("The report of %(month)s was compiled as version %(version)d.")
        % {"month": f"{report.month:%Y-%m}", "version": report.version},
    )
    return redirect("reporting:report-detail", month=f"{report.month:%Y-%m}")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The home page: the department's to-do list (待办) for its staff, with the department's
    timeliness for its head; the platform's overview for the platform admin."""
    actor = actor_for_user(request.user)
    now = timezone.now()
    context: dict = {"actor": actor, "todo": None}
    if actor.is_platform_admin:
        failed, failed_count = deliveries_failed()
        sms_failed, sms_failed_count = sms_undelivered()
        uncovered = calendar_uncovered_years_ahead(use_cache=True)
        context.update(
            loads=departments_by_load(now=now),
            calendar_years=[(year, year not in uncovered) for year in calendar_years_ahead()],
            failed_deliveries=failed,
            failed_count=failed_count,
            sms_undelivered=sms_failed,
            sms_undelivered_count=sms_failed_count,
        )
        return render(request, "dashboard.html", context)
    if actor.department is None:
        return render(request, "dashboard.html", context)
    context["todo"] = todo_list(actor=actor, now=now)
    if actor.is_head:
        trend = on_time_trend(department=actor.department, now=now)
        overdue, overdue_count = overdue_this_month(department=actor.department, now=now)
        context.update(
            this_month=trend[-1], trend=trend, overdue=overdue, overdue_count=overdue_count
        )
    return render(request, "dashboard.html", context)

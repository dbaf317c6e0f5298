"""The monthly push/claim report (R18; policy Art. 7 "每月通报", Art. 15 accountability).

Definitions, for calendar month M in Asia/Shanghai:
- sent / received: pushes whose sent_at falls in M (the sender's or receiver's row);
- claimed on time / auto-claimed / on-time rate / time to claim: pushes whose claim deadline
  falls in M. By the report's compile time (08:00 on the 1st) every such push is settled —
  the sweeps run first — so the figures never change after publication. A push sent at 23:59
  on the last day counts as received in M and is judged in the month of its deadline.
- time to claim: office minutes from sending to a manual claim (auto-claims are excluded:
  they are counted as overdue); median and 90th percentile by the nearest-rank method.
- feedback, verifications, inquiries: by the month of their deadline; overdue ones are the
  accountability records (OverdueRecord) charged to the responsible department.
Every figure is a GROUP BY in the database; Python only arranges the grouped rows.
"""

import datetime
import math
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from organizations.models import Department, DepartmentKind, StaffRole
from workdays.calendar import CALENDAR_TZ

from .models import (
    Feedback,
    MonthlyReport,
    Obligation,
    OverdueRecord,
    Push,
    PushState,
)

APPROVAL_TO_SUPERVISION = "approval_to_supervision"
SUPERVISION_TO_APPROVAL = "supervision_to_approval"


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return (
        datetime.datetime.combine(first, datetime.time(), tzinfo=CALENDAR_TZ),
        datetime.datetime.combine(following, datetime.time(), tzinfo=CALENDAR_TZ),
    )


def previous_month(now: datetime.datetime) -> datetime.date:
    local = now.astimezone(CALENDAR_TZ).date().replace(day=1)
    return (local - datetime.timedelta(days=1)).replace(day=1)


def _percentile(queryset: Any, field: str, fraction: float, count: int) -> float | None:
    """Nearest-rank percentile, read by the database with ORDER BY … OFFSET."""
    if count == 0:
        return None
    rank = max(1, math.ceil(fraction * count))
    value = queryset.order_by(field).values_list(field, flat=True)[rank - 1]
    return round(value / 60, 2)


def _direction(kind: str, *, sending: bool) -> str:
    if kind == DepartmentKind.APPROVAL:
        return APPROVAL_TO_SUPERVISION if sending else SUPERVISION_TO_APPROVAL
    return SUPERVISION_TO_APPROVAL if sending else APPROVAL_TO_SUPERVISION


def report_figures(*, month: datetime.date) -> dict[str, Any]:
    start, end = month_bounds(month)
    departments = {d.pk: d for d in Department.objects.filter(active=True).order_by("kind", "code")}
    in_month = Q(sent_at__gte=start, sent_at__lt=end)
    due_in_month = Q(deadline__gte=start, deadline__lt=end)

    sent = dict(
        Push.objects.filter(in_month).values_list("sender_id").annotate(n=Count("id")).order_by()
    )
    received = dict(
        Push.objects.filter(in_month).values_list("receiver_id").annotate(n=Count("id")).order_by()
    )
    settled = {
        row["receiver_id"]: row
        for row in Push.objects.filter(due_in_month)
        .values("receiver_id")
        .annotate(
            on_time=Count("id", filter=Q(state=PushState.CLAIMED)),
            auto=Count("id", filter=Q(state=PushState.AUTO_CLAIMED)),
        )
        .order_by()
    }
    feedback_raised = dict(
        Feedback.objects.filter(raised_at__gte=start, raised_at__lt=end)
        .values_list("push__receiver_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    feedback_answered = dict(
        Feedback.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .values_list("push__sender_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    overdue = {
        (row["department_id"], row["obligation"]): row["n"]
        for row in OverdueRecord.objects.filter(due_in_month)
        .values("department_id", "obligation")
        .annotate(n=Count("id"))
        .order_by()
    }
    verifications = _verification_figures(start, end)
    inquiries = _inquiry_figures(start, end)

    push_rows = []
    for department in departments.values():
        for sending in (True, False):
            direction = _direction(department.kind, sending=sending)
            row: dict[str, Any] = {
                "department": department.code,
                "department_name": department.name,
                "direction": direction,
                "sent": sent.get(department.pk, 0) if sending else None,
            }
            if not sending:
                counts = settled.get(department.pk, {"on_time": 0, "auto": 0})
                claimed = Push.objects.filter(
                    due_in_month,
                    receiver_id=department.pk,
                    state=PushState.CLAIMED,
                    claim_working_minutes__isnull=False,
                )
                done = counts["on_time"] + counts["auto"]
                row.update(
                    received=received.get(department.pk, 0),
                    claimed_on_time=counts["on_time"],
                    auto_claimed=counts["auto"],
                    on_time_rate=round(counts["on_time"] / done, 4) if done else None,
                    median_claim_hours=_percentile(
                        claimed, "claim_working_minutes", 0.5, counts["on_time"]
                    ),
                    p90_claim_hours=_percentile(
                        claimed, "claim_working_minutes", 0.9, counts["on_time"]
                    ),
                )
            push_rows.append(row)
    department_rows = [
        {
            "department": d.code,
            "department_name": d.name,
            "kind": d.kind,
            "feedback_raised": feedback_raised.get(d.pk, 0),
            "feedback_answered": feedback_answered.get(d.pk, 0),
            "feedback_overdue": overdue.get((d.pk, Obligation.FEEDBACK_ANSWER), 0),
            "verifications_due": verifications.get(d.pk, {}).get("due", 0),
            "verifications_on_time": verifications.get(d.pk, {}).get("on_time", 0),
            "verifications_overdue": overdue.get((d.pk, Obligation.VERIFICATION), 0),
            "inquiries_due": inquiries.get(d.pk, {}).get("due", 0),
            "inquiries_answered": inquiries.get(d.pk, {}).get("answered", 0),
            "inquiries_deemed_consent": overdue.get((d.pk, Obligation.INQUIRY_REPLY), 0),
        }
        for d in departments.values()
    ]
    accountability = [
        {
            "department": record.department.code,
            "department_name": record.department.name,
            "obligation": record.obligation,
            "object_type": record.object_type,
            "object_id": record.object_id,
            "deadline": timezone.localtime(record.deadline).isoformat(),
            "recorded_at": timezone.localtime(record.recorded_at).isoformat(),
            "late_minutes": max(
                0, int((record.recorded_at - record.deadline).total_seconds() // 60)
            ),
        }
        for record in OverdueRecord.objects.filter(due_in_month)
        .select_related("department")
        .order_by("department__code", "deadline", "id")
    ]
    return {
        "month": month.strftime("%Y-%m"),
        "pushes": push_rows,
        "departments": department_rows,
        "accountability": accountability,
    }


def _verification_figures(start: datetime.datetime, end: datetime.datetime) -> dict[int, dict]:
    from credit.models import Verification

    return {
        row["department_id"]: row
        for row in Verification.objects.filter(deadline__gte=start, deadline__lt=end)
        .values("department_id")
        .annotate(
            due=Count("id"),
            on_time=Count(
                "id", filter=Q(verified_at__isnull=False, verified_at__lte=F("deadline"))
            ),
        )
        .order_by()
    }


def _inquiry_figures(start: datetime.datetime, end: datetime.datetime) -> dict[int, dict]:
    from coordination.models import Inquiry

    return {
        row["receiver_id"]: row
        for row in Inquiry.objects.filter(deadline__gte=start, deadline__lt=end)
        .values("receiver_id")
        .annotate(due=Count("id"), answered=Count("id", filter=Q(replied_at__isnull=False)))
        .order_by()
    }


def _settle(now: datetime.datetime) -> None:
    """Run every sweep first, so the month's deadlines are all settled when counted."""
    from coordination.services import inquiries_deem_consent
    from credit.services import verifications_sweep

    from .services import feedback_mark_overdue, pushes_auto_claim_overdue

    pushes_auto_claim_overdue(now=now)
    feedback_mark_overdue(now=now)
    verifications_sweep(now=now)
    inquiries_deem_consent(now=now)


def monthly_report_compile(
    *, month: datetime.date, actor: Any = None, new_version: bool = False
) -> MonthlyReport:
    """Compile month's report. The first compile makes version 1 and publishes it; a second
    call returns that one (the beat may run twice). An admin's re-compile (new_version) adds
    the next version and keeps the old ones."""
    month = month.replace(day=1)
    now = timezone.now()
    if month_bounds(month)[1] > now:
        raise ValueError(_("A month can be compiled only after it has ended."))
    existing = MonthlyReport.objects.filter(month=month).order_by("-version").first()
    if existing is not None and not new_version:
        return existing
    _settle(now)
    figures = report_figures(month=month)
    label = getattr(actor, "label", None) or "system"
    for _attempt in range(3):
        version = (
            MonthlyReport.objects.filter(month=month).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        if version > 1 and not new_version:
            return MonthlyReport.objects.get(month=month, version=1)
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(
                    month=month,
                    version=version,
                    compiled_at=now,
                    compiled_by_label=label,
                    data={**figures, "compiled_at": timezone.localtime(now).isoformat()},
                )
                audit_record(
                    actor=actor,
                    action="report.compile",
                    obj=report,
                    details={"month": figures["month"], "version": version},
                    at=now,
                )
                _announce(report, now)
            return report
        except IntegrityError:
            # Another compile won the same (month, version): that one is the report.
            if not new_version:
                return MonthlyReport.objects.get(month=month, version=1)
    raise RuntimeError("could not compile the monthly report")


def _announce(report: MonthlyReport, now: datetime.datetime) -> None:
    """Department heads get an in-app notice and an e-mail (outbox rows) when it is out."""
    from .services import department_notify

    url = reverse("notifications:report-detail", args=[report.month.strftime("%Y-%m")])
    title = _("Monthly push and claim report %(month)s is published") % {
        "month": report.month.strftime("%Y-%m")
    }
    heads = get_user_model().objects.filter(
        membership__role__in=[StaffRole.HEAD, StaffRole.PLATFORM_ADMIN], is_active=True
    )
    for department in Department.objects.filter(
        active=True, memberships__user__in=heads
    ).distinct():
        department_notify(
            department=department,
            title=title,
            body=_("Version %(version)d, compiled %(when)s.")
            % {
                "version": report.version,
                "when": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
            },
            url=url,
            now=now,
            roles=[StaffRole.HEAD, StaffRole.PLATFORM_ADMIN],
        )

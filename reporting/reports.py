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
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Max, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from coordination.models import Inquiry
from credit.models import Verification
from notifications.items import item_choices
from notifications.models import (
    Feedback,
    NoticeKind,
    Obligation,
    OverdueRecord,
    Push,
    PushState,
)
from notifications.services import department_notify
from notifications.sweeps import sweeps_settle_deadlines
from organizations.models import Department, DepartmentKind, StaffRole
from workdays.calendar import CALENDAR_TZ, working_minutes_between, working_minutes_counter

from .models import MonthlyReport

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


PERCENTILES = (0.5, 0.9)


def _nearest_rank(fraction: float, count: int) -> int:
    return max(1, math.ceil(fraction * count))


def _claim_percentiles(
    histograms: dict[int, dict[int, int]], counts: dict[int, int]
) -> dict[tuple[int, float], float]:
    """Nearest-rank median and 90th percentile of the time to claim per receiving department,
    read off its histogram (minutes -> how many claims took that long): the rank-th smallest
    time is where the running count first reaches the rank."""
    result: dict[tuple[int, float], float] = {}
    for receiver_id, count in counts.items():
        if not count:
            continue
        ranks = {fraction: _nearest_rank(fraction, count) for fraction in PERCENTILES}
        seen = 0
        for minutes, n in sorted(histograms.get(receiver_id, {}).items()):
            seen += n
            for fraction, rank in ranks.items():
                if seen >= rank and (receiver_id, fraction) not in result:
                    result[(receiver_id, fraction)] = round(minutes / 60, 2)
    return result


def _direction(kind: str, *, sending: bool) -> str:
    if kind == DepartmentKind.APPROVAL:
        return APPROVAL_TO_SUPERVISION if sending else SUPERVISION_TO_APPROVAL
    return SUPERVISION_TO_APPROVAL if sending else APPROVAL_TO_SUPERVISION


def report_figures(*, month: datetime.date) -> dict[str, Any]:
    start, end = month_bounds(month)
    in_month = Q(sent_at__gte=start, sent_at__lt=end)
    due_in_month = Q(deadline__gte=start, deadline__lt=end)

    # One pass over the month's pushes, grouped by sender, receiver and — for claims due this
    # month — the time to claim: sent, received, settled and the claim-time histograms are
    # sums of these groups (a few thousand at most), not four scans and a sort of the table.
    sent: dict[int, int] = {}
    received: dict[int, int] = {}
    settled: dict[int, dict[str, int]] = {}
    histograms: dict[int, dict[int, int]] = {}
    claimed_due = due_in_month & Q(state=PushState.CLAIMED)
    for row in (
        Push.objects.filter(in_month | due_in_month)
        .values(
            "sender_id",
            "receiver_id",
            claim_minutes=Case(When(claimed_due, then=F("claim_working_minutes"))),
        )
        .annotate(
            n=Count("id", filter=in_month),
            on_time=Count("id", filter=claimed_due),
            auto=Count("id", filter=due_in_month & Q(state=PushState.AUTO_CLAIMED)),
        )
        .order_by()
    ):
        receiver_id = row["receiver_id"]
        sent[row["sender_id"]] = sent.get(row["sender_id"], 0) + row["n"]
        received[receiver_id] = received.get(receiver_id, 0) + row["n"]
        counts = settled.setdefault(receiver_id, {"on_time": 0, "auto": 0})
        counts["on_time"] += row["on_time"]
        counts["auto"] += row["auto"]
        if row["claim_minutes"] is not None:
            histogram = histograms.setdefault(receiver_id, {})
            histogram[row["claim_minutes"]] = (
                histogram.get(row["claim_minutes"], 0) + row["on_time"]
            )
    feedback_raised = dict(
        Feedback.objects.filter(raised_at__gte=start, raised_at__lt=end)
        .values_list("push__receiver_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    feedback_answered = dict(
        Feedback.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .values_list("answering_department_id")
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
    percentiles = _claim_percentiles(
        histograms, {receiver_id: row["on_time"] for receiver_id, row in settled.items()}
    )
    # Every department with a figure in the month, active or since deactivated or merged
    # (R21), so sent = received across the rows and every accountability row has its
    # department's push rows; plus the departments active now or in the month.
    with_figures = (
        set(sent)
        | set(received)
        | set(settled)
        | set(feedback_raised)
        | set(feedback_answered)
        | {department_id for department_id, _obligation in overdue}
        | set(verifications)
        | set(inquiries)
    )
    departments = {
        d.pk: d
        for d in Department.objects.filter(
            Q(active=True) | Q(deactivated_at__gte=start) | Q(pk__in=with_figures)
        ).order_by("kind", "code")
    }

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
                done = counts["on_time"] + counts["auto"]
                row.update(
                    received=received.get(department.pk, 0),
                    claimed_on_time=counts["on_time"],
                    auto_claimed=counts["auto"],
                    on_time_rate=round(counts["on_time"] / done, 4) if done else None,
                    median_claim_hours=percentiles.get((department.pk, 0.5)),
                    p90_claim_hours=percentiles.get((department.pk, 0.9)),
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
    # Every overdue record of the month: plain rows, no model instances and the time zone
    # looked up once, since a province month holds tens of thousands of them.
    local = timezone.get_current_timezone()
    iso: dict[datetime.datetime, str] = {}

    def local_iso(moment: datetime.datetime) -> str:
        # Deadlines are office-closing times and a sweep records its rows at one instant,
        # so a month holds a few dozen distinct values across thousands of records.
        text = iso.get(moment)
        if text is None:
            text = iso[moment] = moment.astimezone(local).isoformat()
        return text

    accountability = [
        {
            "department": code,
            "department_name": name,
            "obligation": obligation,
            "object_type": object_type,
            "object_id": object_id,
            "deadline": local_iso(deadline),
            "recorded_at": local_iso(recorded_at),
            "late_minutes": max(0, int((recorded_at - deadline).total_seconds() // 60)),
        }
        for (
            code,
            name,
            obligation,
            object_type,
            object_id,
            deadline,
            recorded_at,
        ) in OverdueRecord.objects.filter(due_in_month)
        .order_by("department__code", "deadline", "id")
        .values_list(
            "department__code",
            "department__name",
            "obligation",
            "object_type",
            "object_id",
            "deadline",
            "recorded_at",
        )
    ]
    _accountability_details(accountability)
    return {
        "month": month.strftime("%Y-%m"),
        "pushes": push_rows,
        "departments": department_rows,
        "accountability": accountability,
    }


# What each accountability row names beside its department (R18, Art. 15): the item, the
# counterparty and the licence or document number of the record's subject, and how late it
# was in office time. Stored in the snapshot, so the report reads the same forever.
DETAIL_BATCH = 2000
NO_DETAILS = {
    "item_name": "",
    "subject": "",
    "counterparty_name": "",
    "counterparty_code": "",
    "reference_no": "",
}


def _push_details(object_type: str, ids: list[str]) -> dict[str, dict[str, str]]:
    """Pushes and feedback (through its push) carry their subject's particulars."""
    if object_type == "notifications.push":
        queryset, prefix = Push.objects, ""
    else:
        queryset, prefix = Feedback.objects, "push__"
    fields = ("title", "item_code", "counterparty_name", "counterparty_code", "reference_no")
    details = {}
    for start in range(0, len(ids), DETAIL_BATCH):
        for pk, title, item_code, name, code, reference in queryset.filter(
            pk__in=ids[start : start + DETAIL_BATCH]
        ).values_list("pk", *(prefix + field for field in fields)):
            details[str(pk)] = {
                "item_code": item_code,
                "subject": title,
                "counterparty_name": name,
                "counterparty_code": code,
                "reference_no": reference,
            }
    return details


def _verification_details(ids: list[str]) -> dict[str, dict[str, str]]:
    details = {}
    for start in range(0, len(ids), DETAIL_BATCH):
        for pk, item_code, name, credit_code, licence_no in Verification.objects.filter(
            pk__in=ids[start : start + DETAIL_BATCH]
        ).values_list(
            "pk",
            "licence__item__code",
            "licence__counterparty__name",
            "licence__counterparty__credit_code",
            "licence__licence_no",
        ):
            details[str(pk)] = {
                "item_code": item_code,
                "subject": "",
                "counterparty_name": name,
                "counterparty_code": credit_code or "",
                "reference_no": licence_no,
            }
    return details


def _inquiry_details(ids: list[str]) -> dict[str, dict[str, str]]:
    details = {}
    for start in range(0, len(ids), DETAIL_BATCH):
        for pk, subject in Inquiry.objects.filter(
            pk__in=ids[start : start + DETAIL_BATCH]
        ).values_list("pk", "subject"):
            details[str(pk)] = {"item_code": "", "subject": subject}
    return details


DETAIL_READERS = {
    "notifications.push": lambda ids: _push_details("notifications.push", ids),
    "notifications.feedback": lambda ids: _push_details("notifications.feedback", ids),
    "credit.verification": _verification_details,
    "coordination.inquiry": _inquiry_details,
}


def _accountability_details(rows: list[dict[str, Any]]) -> None:
    """Add each row's particulars and its lateness in office minutes, a few queries per
    object type (batched) whatever the number of rows."""
    ids: dict[str, list[str]] = {}
    for row in rows:
        ids.setdefault(row["object_type"], []).append(str(row["object_id"]))
    details: dict[tuple[str, str], dict[str, str]] = {}
    for object_type, object_ids in ids.items():
        reader = DETAIL_READERS.get(object_type)
        if reader is None:
            continue
        for object_id, found in reader(object_ids).items():
            details[(object_type, object_id)] = found
    item_names = dict(item_choices()) if rows else {}
    # A sweep records its rows at one instant and deadlines are office-closing times, so a
    # month has few distinct (deadline, recorded) pairs: each is computed once, all from one
    # read of the calendar's overrides for the span they cover.
    late: dict[tuple[str, str], int] = {}
    minutes_between = _minutes_counter(rows)
    for row in rows:
        found = {**NO_DETAILS, **details.get((row["object_type"], str(row["object_id"])), {})}
        item_code = found.pop("item_code", "")
        row.update(found, item_name=item_names.get(item_code, "") if item_code else "")
        key = (row["deadline"], row["recorded_at"])
        if key not in late:
            late[key] = minutes_between(
                datetime.datetime.fromisoformat(row["deadline"]),
                datetime.datetime.fromisoformat(row["recorded_at"]),
            )
        row["late_working_minutes"] = late[key]


def _minutes_counter(rows: list[dict[str, Any]]) -> Any:
    if not rows:
        return working_minutes_between
    days = [
        datetime.datetime.fromisoformat(row[key]).astimezone(CALENDAR_TZ).date()
        for row in rows
        for key in ("deadline", "recorded_at")
    ]
    return working_minutes_counter(min(days), max(days))


def _verification_figures(start: datetime.datetime, end: datetime.datetime) -> dict[int, dict]:
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
    return {
        row["receiver_id"]: row
        for row in Inquiry.objects.filter(deadline__gte=start, deadline__lt=end)
        .values("receiver_id")
        .annotate(due=Count("id"), answered=Count("id", filter=Q(replied_at__isnull=False)))
        .order_by()
    }


def _settle(now: datetime.datetime) -> None:
    """Run every deadline sweep the apps registered first, so the month's deadlines are all
    settled when counted (R18)."""
    sweeps_settle_deadlines(now=now)


def _one_core() -> None:
    """PostgreSQL: the rest of this transaction's queries run without parallel workers. The
    compile is background work: it reads the whole month in one process, leaving the other
    cores to the decisions made meanwhile (make bench, P7), a little slower itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


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
    with transaction.atomic():
        _one_core()
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
                    object_type=MonthlyReport.AUDIT_OBJECT_TYPE,
                    object_id=report.pk,
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
    url = reverse("reporting:report-detail", args=[report.month.strftime("%Y-%m")])
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
            kind=NoticeKind.REPORT,
            now=now,
            roles=[StaffRole.HEAD, StaffRole.PLATFORM_ADMIN],
        )

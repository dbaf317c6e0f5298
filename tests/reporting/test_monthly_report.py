"""The monthly report against a hand-computed fixture (R18), with frozen time."""

import datetime

import pytest
import time_machine
from django.core import mail

from audit.models import AuditEvent
from notifications.models import Notification, Push
from notifications.services import push_claim
from organizations.models import StaffRole
from organizations.scoping import actor_for_user
from reporting.models import MonthlyReport, MonthlyReportImmutable
from reporting.reports import monthly_report_compile, previous_month
from reporting.tasks import compile_monthly_report
from tests.factories import DepartmentFactory, StaffFactory
from tests.helpers import at
from workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db


def send(sender, receiver, when: str) -> Push:
    sent_at = at(when)
    return Push.objects.create(
        kind="approval_decision",
        sender=sender,
        receiver=receiver,
        sent_at=sent_at,
        sent_by_label="test",
        deadline=add_working_days(sent_at, 1),
        title=f"push {when}",
        payload={},
        subject_type="test.subject",
        subject_id=when,
    )


def claim(push: Push, clerk, when: str) -> None:
    with time_machine.travel(at(when), tick=False):
        push_claim(push=push, actor=actor_for_user(clerk))


@pytest.fixture
def october(approval_department, supervision_department, approval_clerk, supervision_clerk):
    s2 = DepartmentFactory(code="s2-test", name="测试卫生健康局")
    s2_clerk = StaffFactory(department=s2).user
    s1 = supervision_department
    a = approval_department
    p1 = send(a, s1, "2026-10-12T10:00")
    claim(p1, supervision_clerk, "2026-10-12T11:00")  # 60 office minutes
    p2 = send(a, s1, "2026-10-12T10:00")
    claim(p2, supervision_clerk, "2026-10-13T09:30")  # 450 + 60 = 510
    send(a, s1, "2026-10-14T09:00")  # never claimed → auto-claimed Oct 15 17:30
    p4 = send(a, s2, "2026-10-14T09:00")
    claim(p4, s2_clerk, "2026-10-14T09:30")  # 30
    p5 = send(s1, a, "2026-10-20T10:00")
    claim(p5, approval_clerk, "2026-10-20T14:00")  # 240
    # Sent at 23:59 on the month's last working day: received in October, judged in November.
    p6 = send(a, s1, "2026-10-30T23:59")
    # October 2026 ends on a Saturday, a day off: a push at 23:59 that day is received in
    # October and judged in November (deadline Monday Nov 2, 17:30).
    p8 = send(a, s2, "2026-10-31T23:59")
    # Sent in September before National Day, due Oct 8: judged in October (auto-claimed).
    send(a, s2, "2026-09-30T16:00")
    StaffFactory(department=s1, role=StaffRole.HEAD)
    return {"s2": s2, "p6": p6, "p8": p8}


def rows(report, direction):
    return {r["department"]: r for r in report.data["pushes"] if r["direction"] == direction}


def test_the_report_matches_the_hand_computed_month(october, approval_department):
    assert october["p6"].deadline == at("2026-11-02T17:30")
    assert october["p8"].deadline == at("2026-11-02T17:30")
    with time_machine.travel(at("2026-11-01T08:00"), tick=False):
        report = monthly_report_compile(month=datetime.date(2026, 10, 1))
    a2s = rows(report, "approval_to_supervision")
    s2a = rows(report, "supervision_to_approval")

    assert a2s["xzsp-test"]["sent"] == 6
    s1 = a2s["scjg-test"]
    assert (s1["received"], s1["claimed_on_time"], s1["auto_claimed"]) == (4, 2, 1)
    assert s1["on_time_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert (s1["median_claim_hours"], s1["p90_claim_hours"]) == (1.0, 8.5)
    s2 = a2s["s2-test"]
    assert (s2["received"], s2["claimed_on_time"], s2["auto_claimed"]) == (2, 1, 1)
    assert s2["on_time_rate"] == 0.5
    assert s2["median_claim_hours"] == 0.5
    assert s2a["scjg-test"]["sent"] == 1
    approval = s2a["xzsp-test"]
    assert (approval["received"], approval["claimed_on_time"], approval["on_time_rate"]) == (
        1,
        1,
        1.0,
    )
    assert approval["median_claim_hours"] == 4.0

    late = [(r["department"], r["deadline"]) for r in report.data["accountability"]]
    assert late == [
        ("s2-test", "2026-10-08T17:30:00+08:00"),
        ("scjg-test", "2026-10-15T17:30:00+08:00"),
    ]


def test_compiling_twice_makes_one_report_and_a_recompile_keeps_the_old(october, platform_admin):
    with time_machine.travel(at("2026-11-01T08:00"), tick=False):
        first = compile_monthly_report()
        again = compile_monthly_report()
    assert first == again == "2026-10 v1"
    assert MonthlyReport.objects.count() == 1
    with time_machine.travel(at("2026-11-03T09:00"), tick=False):
        second = monthly_report_compile(
            month=datetime.date(2026, 10, 1), actor=actor_for_user(platform_admin), new_version=True
        )
    assert second.version == 2
    assert MonthlyReport.objects.filter(month=datetime.date(2026, 10, 1)).count() == 2
    assert AuditEvent.objects.filter(action="report.compile").count() == 2


def test_a_report_is_an_immutable_snapshot(october):
    with time_machine.travel(at("2026-11-01T08:00"), tick=False):
        report = monthly_report_compile(month=datetime.date(2026, 10, 1))
    report.data = {}
    with pytest.raises(MonthlyReportImmutable):
        report.save()
    with pytest.raises(MonthlyReportImmutable):
        report.delete()


def test_a_month_cannot_be_compiled_before_it_ends(db):
    with time_machine.travel(at("2026-10-31T23:00"), tick=False), pytest.raises(ValueError):
        monthly_report_compile(month=datetime.date(2026, 10, 1))


def test_heads_get_a_notice_and_an_e_mail_when_it_is_published(october, supervision_clerk):
    from notifications.models import Delivery

    with time_machine.travel(at("2026-11-01T08:00"), tick=False):
        monthly_report_compile(month=datetime.date(2026, 10, 1))
    notices = Notification.objects.filter(title__contains="2026-10")
    assert notices.exists()
    assert not notices.filter(user=supervision_clerk).exists()
    assert Delivery.objects.filter(subject__contains="2026-10").exists()
    assert mail.outbox == [] or "2026-10" in mail.outbox[0].subject


def test_the_previous_month_of_the_first_at_eight():
    assert previous_month(at("2026-11-01T08:00")) == datetime.date(2026, 10, 1)
    assert previous_month(at("2027-01-01T08:00")) == datetime.date(2026, 12, 1)


def test_the_beat_compiles_at_eight_on_the_first():
    from linzi_platform.celery import app

    entry = app.conf.beat_schedule["monthly-report"]
    assert entry["task"] == "notifications.compile_monthly_report"
    schedule = entry["schedule"]
    assert schedule.hour == {8} and schedule.minute == {0} and schedule.day_of_month == {1}


def test_the_compile_reads_the_month_without_parallel_workers(
    require_postgres, october, monkeypatch
):
    """P7: the compile is background work; on PostgreSQL its figures are read by one process,
    leaving the other cores to the decisions made meanwhile."""
    from django.db import connection

    from reporting import reports

    seen: list[str] = []
    figures = reports.report_figures

    def watched(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            seen.append(cursor.fetchone()[0])
        return figures(**kwargs)

    monkeypatch.setattr(reports, "report_figures", watched)
    with time_machine.travel(at("2026-11-01T08:00"), tick=False):
        report = monthly_report_compile(month=datetime.date(2026, 10, 1))
    assert seen == ["0"]
    assert report.data["month"] == "2026-10"

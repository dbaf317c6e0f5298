"""Races on PostgreSQL: one conditional UPDATE (and the row lock before it) decides."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from coordination.files.services import consultation_record, important_file_create
from coordination.inquiries.services import inquiries_deem_consent, inquiry_reply
from coordination.inspections.services import (
    inspection_confirm,
    inspection_report_draft,
    inspection_schedule,
    inspection_sign_off,
)
from coordination.models import Consultation, Inquiry, InquiryState, InspectionState
from coordination.services import CoordinationConflict
from notifications.models import OverdueRecord
from organizations.scoping import actor_for_user

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def run_together(*targets) -> None:
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def wrap(target):
        def run():
            try:
                barrier.wait()
                target()
            except BaseException as exc:  # reported in the main thread
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def make_inquiries(sender, receiver, count: int, *, deadline: datetime.datetime) -> list[Inquiry]:
    now = timezone.now()
    return Inquiry.objects.bulk_create(
        Inquiry(
            sender=sender,
            receiver=receiver,
            subject=f"race {n}",
            question="q",
            reply_working_days=1,
            sent_by_label="test",
            sent_at=now,
            deadline=deadline,
        )
        for n in range(count)
    )


def test_a_reply_and_the_sweep_on_one_letter_have_exactly_one_winner_100_times(
    require_postgres, approval_department, supervision_department, supervision_clerk
):
    actor = actor_for_user(supervision_clerk)
    deadline = timezone.now() + datetime.timedelta(hours=1)
    sweep_now = deadline + datetime.timedelta(minutes=1)
    letters = make_inquiries(approval_department, supervision_department, 100, deadline=deadline)
    for letter in letters:
        outcome: dict[str, object] = {}

        def reply(letter=letter, outcome=outcome):
            try:
                inquiry_reply(actor=actor, inquiry=Inquiry.objects.get(pk=letter.pk), text="同意")
                outcome["reply"] = True
            except CoordinationConflict:
                outcome["reply"] = False

        def sweep(letter=letter, outcome=outcome):
            outcome["sweep"] = inquiries_deem_consent(now=sweep_now, only_ids=[letter.pk])

        run_together(reply, sweep)
        assert (outcome["reply"], outcome["sweep"]) in {(True, 0), (False, 1)}, outcome
        letter.refresh_from_db()
        expected = InquiryState.ANSWERED if outcome["reply"] else InquiryState.DEEMED_CONSENT
        assert letter.state == expected
    deemed = Inquiry.objects.filter(state=InquiryState.DEEMED_CONSENT).count()
    assert OverdueRecord.objects.count() == deemed
    assert AuditEvent.objects.filter(action="inquiry.deemed_consent").count() == deemed


def test_concurrent_sweeps_deem_each_letter_once(
    require_postgres, approval_department, supervision_department
):
    deadline = timezone.now() - datetime.timedelta(minutes=1)
    make_inquiries(approval_department, supervision_department, 300, deadline=deadline)
    counts: list[int] = []
    now = timezone.now()
    run_together(*[lambda: counts.append(inquiries_deem_consent(now=now, batch_size=50))] * 4)
    assert sum(counts) == 300
    assert OverdueRecord.objects.count() == 300
    assert AuditEvent.objects.filter(action="inquiry.deemed_consent").count() == 300


def test_the_last_two_sign_offs_at_once_make_the_report_final_exactly_once_20_times(
    require_postgres, approval_clerk, supervision_department
):
    from tests.factories import DepartmentFactory, StaffFactory

    second = DepartmentFactory(code="race-second")
    organiser = actor_for_user(approval_clerk)
    first_actor = actor_for_user(StaffFactory(department=supervision_department).user)
    second_actor = actor_for_user(StaffFactory(department=second).user)
    for n in range(20):
        inspection = inspection_schedule(
            actor=organiser,
            kind="site_inspection",
            title=f"race {n}",
            location="l",
            scheduled_at=timezone.now() + datetime.timedelta(days=20),
            invitees=[supervision_department, second],
        )
        inspection_confirm(actor=first_actor, inspection=inspection)
        inspection_confirm(actor=second_actor, inspection=inspection)
        type(inspection).objects.filter(pk=inspection.pk).update(
            scheduled_at=timezone.now() - datetime.timedelta(hours=1)
        )
        inspection.refresh_from_db()
        inspection_report_draft(
            actor=organiser, inspection=inspection, findings="f", conclusion="c"
        )
        run_together(
            lambda inspection=inspection: inspection_sign_off(
                actor=first_actor, inspection=inspection, agree=True
            ),
            lambda inspection=inspection: inspection_sign_off(
                actor=second_actor, inspection=inspection, agree=True
            ),
        )
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.FINAL
    assert AuditEvent.objects.filter(action="inspection.report_final").count() == 20


def test_two_opinions_of_one_department_at_once_record_one(
    require_postgres, approval_clerk, supervision_department, supervision_clerk
):
    from tests.factories import ApprovalItemFactory

    item = ApprovalItemFactory(
        important_category="ecology", supervision_departments=[supervision_department]
    )
    file = important_file_create(actor=actor_for_user(approval_clerk), item=item, project_name="p")
    actor = actor_for_user(supervision_clerk)
    outcomes: list[str] = []

    def opinion():
        try:
            consultation_record(actor=actor, file=file, opinion="同意")
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")

    run_together(opinion, opinion)
    assert sorted(outcomes) == ["ok", "refused"]
    assert Consultation.objects.count() == 1

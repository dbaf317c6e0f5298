import datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from approvals.models import Licence
from audit.models import AuditEvent
from counterparties.models import Counterparty
from notifications import background, services
from notifications.feedback.services import FeedbackWindowClosed, feedback_raise, feedback_reply
from notifications.models import (
    Delivery,
    Feedback,
    FeedbackStatus,
    Notification,
    Obligation,
    OverdueRecord,
    Push,
    PushState,
)
from notifications.selectors import pushes_inbox, pushes_visible
from notifications.services import PushConflict, push_claim, pushes_auto_claim_overdue, pushes_claim
from organizations.scoping import actor_for_user
from tests.factories import ApprovalItemFactory, DepartmentFactory, StaffFactory, bulk_pushes
from tests.helpers import at

pytestmark = pytest.mark.django_db


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_a_decision_pushes_to_every_responsible_department_with_a_stored_deadline(
    decide, supervision_department, second_supervision_department
):
    licence = decide()
    pushes = list(Push.objects.order_by("receiver__code"))
    assert {p.receiver for p in pushes} == {supervision_department, second_supervision_department}
    for push in pushes:
        assert push.state == PushState.PENDING
        assert push.sender == licence.department
        # R0.1: pushed Wed 2026-09-30 10:00, Oct 1–7 are holidays → Thu Oct 8, 17:30.
        assert push.deadline == at("2026-10-08T17:30")
        assert push.subject_id == str(licence.pk)


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_the_push_carries_an_immutable_snapshot_of_every_r2_field(decide):
    licence = decide()
    payload = Push.objects.first().payload
    assert payload["item"] == {"code": "food", "name": "食品经营许可"}
    assert payload["counterparty"]["name"] == licence.counterparty.name
    assert payload["counterparty"]["contact_name"] == "张三"
    assert payload["counterparty"]["contact_phone"] == "13812345678"
    assert payload["licence_no"] == licence.licence_no
    assert payload["licence_date"] == "2026-09-30"
    assert payload["valid_from"] == "2026-09-30"
    assert payload["valid_to"] == "2031-09-29"

    Counterparty.objects.filter(pk=licence.counterparty_id).update(contact_phone="13900000000")
    assert Push.objects.first().payload["counterparty"]["contact_phone"] == "13812345678"


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_a_decision_writes_audit_events_and_notices_for_the_receivers_staff(
    decide, receiver_clerk, approval_clerk
):
    decide()
    assert AuditEvent.objects.filter(action="licence.decide").count() == 1
    assert AuditEvent.objects.filter(action="push.send").count() == 2
    notice = Notification.objects.get(user=receiver_clerk)
    assert "食品经营许可" in notice.title
    email = Delivery.objects.get(recipient=receiver_clerk)
    assert email.address == receiver_clerk.email
    assert not Notification.objects.filter(user=approval_clerk).exists()


def test_if_any_part_fails_nothing_is_saved(decide, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("delivery table is on fire")

    monkeypatch.setattr("approvals.services.push_send", broken)
    with pytest.raises(RuntimeError):
        decide()
    assert not Licence.objects.exists()
    assert not Counterparty.objects.exists()
    assert not Push.objects.exists()
    assert not AuditEvent.objects.filter(action="licence.decide").exists()


def test_a_repeated_licence_number_is_a_field_error(decide):
    decide(licence_no="JY-1")
    with pytest.raises(ValidationError) as error:
        decide(licence_no="JY-1")
    assert "licence_no" in error.value.message_dict
    assert Licence.objects.count() == 1


def test_invalid_counterparty_and_dates_are_reported_by_field(decide):
    with pytest.raises(ValidationError) as error:
        decide(
            counterparty={
                "name": "",
                "credit_code": "913703050000000000",
                "contact_name": "李",
                "contact_phone": "12",
            },
            valid_from=datetime.date(2026, 9, 30),
            valid_to=datetime.date(2026, 1, 1),
        )
    fields = error.value.message_dict
    assert "counterparty.credit_code" in fields
    assert "counterparty.contact_phone" in fields
    assert "valid_to" in fields
    assert not Licence.objects.exists()


def test_an_integrated_item_requires_its_licence_face_info(decide, supervision_department):
    item = ApprovalItemFactory(
        integrated_licence=True, supervision_departments=[supervision_department]
    )
    with pytest.raises(ValidationError) as error:
        decide(item=item)
    assert "integrated_licence" in error.value.message_dict
    licence = decide(
        item=item, integrated_licence={"title": "食品经营许可证", "scope": "预包装食品销售"}
    )
    assert licence.integrated_licence["title"] == "食品经营许可证"
    assert Push.objects.get(subject_id=str(licence.pk)).payload["integrated_licence"]["scope"] == (
        "预包装食品销售"
    )


@time_machine.travel(at("2026-11-25T10:00"), tick=False)
def test_a_notification_commitment_item_requires_the_commitment_letter(
    decide, supervision_department
):
    item = ApprovalItemFactory(
        notification_commitment=True, supervision_departments=[supervision_department]
    )
    with pytest.raises(ValidationError) as error:
        decide(item=item)
    assert "commitment" in error.value.message_dict
    licence = decide(
        item=item,
        commitment={
            "text": "本人承诺符合条件。",
            "signed_at": at("2026-11-25T09:00"),
            "signer": "张三",
        },
    )
    payload = Push.objects.get(subject_id=str(licence.pk)).payload
    assert payload["commitment"]["text"] == "本人承诺符合条件。"


def test_only_the_approval_department_decides(supervision_clerk, food_item):
    from django.core.exceptions import PermissionDenied

    from approvals.services import DecisionInput, licence_decide

    with pytest.raises(PermissionDenied):
        licence_decide(
            actor=actor_for_user(supervision_clerk),
            decision=DecisionInput(
                item=food_item, counterparty={}, licence_no="x", licence_date=None, valid_from=None
            ),
        )


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_the_receiver_claims_once_and_a_second_claim_is_refused(decide, receiver_clerk):
    decide()
    push = Push.objects.get(receiver=receiver_clerk.membership.department)
    actor = actor_for_user(receiver_clerk)
    claimed = push_claim(push=push, actor=actor)
    assert claimed.state == PushState.CLAIMED
    assert claimed.claimed_by == receiver_clerk
    assert claimed.claimed_at == at("2026-09-30T10:00")
    with pytest.raises(PushConflict, match="已由"):
        push_claim(push=push, actor=actor)
    assert AuditEvent.objects.filter(action="push.claim").count() == 1


def test_another_department_cannot_claim(decide, approval_clerk):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        decide()
    stranger = StaffFactory(department=DepartmentFactory()).user
    push = Push.objects.first()
    with pytest.raises(PushConflict):
        push_claim(push=push, actor=actor_for_user(stranger))
    assert Push.objects.filter(state=PushState.PENDING).count() == 2
    assert not pushes_visible(actor=actor_for_user(stranger)).exists()


def test_the_sweep_auto_claims_at_the_deadline_and_charges_the_receiver(decide, receiver_clerk):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        decide()
    with time_machine.travel(at("2026-10-08T17:30"), tick=False):
        assert pushes_auto_claim_overdue() == 0  # not yet: the deadline is inclusive
    with time_machine.travel(at("2026-10-08T17:31"), tick=False):
        assert pushes_auto_claim_overdue() == 2
        assert pushes_auto_claim_overdue() == 0  # twice is harmless
    for push in Push.objects.all():
        assert push.state == PushState.AUTO_CLAIMED
        assert push.overdue is True
        assert push.claimed_at == at("2026-10-08T17:30")
        record = OverdueRecord.objects.get(object_id=str(push.pk))
        assert record.department == push.receiver
        assert record.obligation == Obligation.CLAIM
    assert AuditEvent.objects.filter(action="push.auto_claim").count() == 2


def test_the_sweep_takes_every_overdue_push_whatever_the_database_batch_limit():
    """More overdue pushes than one portable batch (SQLite) holds: the sweep goes on until
    none is left, on each database, with one overdue record and one audit event each."""
    sender, receiver = DepartmentFactory(code="sweep-a"), DepartmentFactory(code="sweep-s")
    base = at("2026-11-20T09:00")
    total = services.PORTABLE_SWEEP_BATCH_SIZE + 100
    bulk_pushes(
        sender=sender,
        receivers=[receiver],
        count=total,
        sent_at=base,
        deadline=base,
        deadline_step=datetime.timedelta(seconds=1),
        title="overdue",
    )
    with time_machine.travel(at("2026-11-24T09:00"), tick=False):
        assert pushes_auto_claim_overdue() == total
    assert not Push.objects.filter(state=PushState.PENDING).exists()
    assert OverdueRecord.objects.count() == total
    assert AuditEvent.objects.filter(action="push.auto_claim").count() == total


def test_the_beats_sweep_takes_small_batches_and_pauses_as_long_as_each_took(monkeypatch):
    """P7: beside the decisions, the beat's sweep holds the audit chain briefly and takes
    at most about half a core; it still auto-claims everything, once."""
    sender, receiver = DepartmentFactory(code="pace-a"), DepartmentFactory(code="pace-s")
    base = at("2026-11-20T09:00")
    bulk_pushes(
        sender=sender,
        receivers=[receiver],
        count=7,
        sent_at=base,
        deadline=base,
        deadline_step=datetime.timedelta(seconds=1),
    )
    monkeypatch.setattr(background, "BACKGROUND_SWEEP_BATCH_SIZE", 3)
    clock = iter(float(n) for n in range(100))  # each batch "takes" one second
    monkeypatch.setattr(services.time, "monotonic", lambda: next(clock))
    slept: list[float] = []
    monkeypatch.setattr(services.time, "sleep", slept.append)
    batches: list[int] = []
    claim_batch = services._auto_claim_batch_portable
    if services.connection.vendor == "postgresql":
        claim_batch = services._auto_claim_batch_postgresql
    name = claim_batch.__name__

    def counted(**kwargs):
        rows = claim_batch(**kwargs)
        batches.append(len(rows))
        return rows

    monkeypatch.setattr(services, name, counted)
    with time_machine.travel(at("2026-11-24T09:00"), tick=False):
        assert background.pushes_auto_claim_overdue_in_background() == 7
    assert batches == [3, 3, 1]
    # After each full batch, as long as it took (one second here); none after the last.
    assert slept == [1.0 * background.BACKGROUND_SWEEP_PAUSE] * 2
    assert not Push.objects.filter(state=PushState.PENDING).exists()
    assert AuditEvent.objects.filter(action="push.auto_claim").count() == 7


def test_the_beat_task_and_the_reports_settling_run_the_background_sweep(monkeypatch):
    from notifications import tasks
    from notifications.sweeps import sweeps

    sweep = next(s for s in sweeps() if s.task == "notifications.auto_claim_overdue")
    assert sweep.run is background.pushes_auto_claim_overdue_in_background
    calls: list[dict] = []
    monkeypatch.setattr(
        tasks, "pushes_auto_claim_overdue_in_background", lambda **kw: calls.append(kw) or 0
    )
    assert tasks.auto_claim_overdue() == 0
    assert len(calls) == 1


def test_a_claim_after_auto_claim_is_refused(decide, receiver_clerk):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        decide()
    with time_machine.travel(at("2026-10-09T09:00"), tick=False):
        pushes_auto_claim_overdue()
        push = Push.objects.get(receiver=receiver_clerk.membership.department)
        with pytest.raises(PushConflict, match="自动认领"):
            push_claim(push=push, actor=actor_for_user(receiver_clerk))
    push.refresh_from_db()
    assert push.state == PushState.AUTO_CLAIMED


def test_a_late_click_before_the_sweep_runs_is_an_auto_claim_not_an_on_time_claim(
    decide, receiver_clerk
):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        decide()
    push = Push.objects.get(receiver=receiver_clerk.membership.department)
    with (
        time_machine.travel(at("2026-10-08T18:00"), tick=False),
        pytest.raises(PushConflict, match="已超过"),
    ):
        push_claim(push=push, actor=actor_for_user(receiver_clerk))
    push.refresh_from_db()
    assert push.state == PushState.AUTO_CLAIMED and push.overdue
    assert OverdueRecord.objects.filter(object_id=str(push.pk)).exists()


def test_a_push_received_on_a_holiday_gets_its_deadline_by_r0_1(decide):
    with time_machine.travel(at("2026-10-03T22:15"), tick=False):  # Saturday of National Day
        decide()
    assert Push.objects.first().deadline == at("2026-10-08T17:30")


def test_bulk_claim_takes_only_the_departments_pending_pushes(decide, receiver_clerk):
    with time_machine.travel(at("2026-11-23T09:00"), tick=False):
        decide()
        decide()
        decide()
    own = list(
        Push.objects.filter(receiver=receiver_clerk.membership.department).values_list(
            "pk", flat=True
        )
    )
    foreign = Push.objects.exclude(receiver=receiver_clerk.membership.department).first().pk
    with time_machine.travel(at("2026-11-23T10:00"), tick=False):
        push_claim(push=Push.objects.get(pk=own[0]), actor=actor_for_user(receiver_clerk))
        result = pushes_claim(push_ids=[*own, foreign], actor=actor_for_user(receiver_clerk))
    assert sorted(result.claimed) == sorted(own[1:])
    assert sorted(result.refused) == sorted([own[0], foreign])
    assert Push.objects.get(pk=foreign).state == PushState.PENDING


def test_feedback_is_accepted_until_the_close_of_the_first_working_day(
    decide, receiver_clerk, approval_clerk
):
    with time_machine.travel(at("2026-11-27T16:00"), tick=False):  # Friday
        decide()
    push = Push.objects.get(receiver=receiver_clerk.membership.department)
    actor = actor_for_user(receiver_clerk)
    with time_machine.travel(at("2026-11-30T17:29"), tick=False):  # Monday before close
        feedback = feedback_raise(push=push, actor=actor, text="许可有效期与申请不符，请核实。")
    with (
        time_machine.travel(at("2026-11-30T17:31"), tick=False),
        pytest.raises(FeedbackWindowClosed, match="2026-11-30 17:30"),
    ):
        feedback_raise(push=push, actor=actor, text="再补充一点")
    assert Feedback.objects.count() == 1
    with time_machine.travel(at("2026-12-01T09:00"), tick=False):
        feedback_reply(
            feedback=feedback, actor=actor_for_user(approval_clerk), text="已核实，无误。"
        )
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED
    assert [r.text for r in feedback.replies.all()] == ["已核实，无误。"]
    assert Notification.objects.filter(user=approval_clerk, title__contains="反馈").exists()
    assert (
        AuditEvent.objects.filter(action__in=["push.feedback", "push.feedback_reply"]).count() == 2
    )


def test_blank_feedback_is_refused(decide, receiver_clerk):
    with time_machine.travel(at("2026-11-23T09:00"), tick=False):
        decide()
        push = Push.objects.get(receiver=receiver_clerk.membership.department)
        with pytest.raises(ValueError):
            feedback_raise(push=push, actor=actor_for_user(receiver_clerk), text="   ")


def test_the_inbox_lists_only_the_departments_own_pushes(decide, receiver_clerk):
    with time_machine.travel(at("2026-11-23T09:00"), tick=False):
        decide()
    inbox = pushes_inbox(actor=actor_for_user(receiver_clerk))
    assert inbox.count() == 1
    assert inbox.get().receiver == receiver_clerk.membership.department


def test_the_auto_claim_command_runs_the_sweep_once_and_prints_the_count(decide):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        decide()
    with time_machine.travel(at("2026-10-09T09:00"), tick=False):
        out = StringIO()
        call_command("auto_claim_overdue", stdout=out)
    assert "2" in out.getvalue()
    assert Push.objects.filter(state=PushState.AUTO_CLAIMED).count() == 2


def test_the_engine_has_no_approval_only_code():
    import inspect

    source = inspect.getsource(services)
    assert "approvals" not in source and "Licence" not in source


def test_one_transaction_queues_the_e_mail_task_once(db):
    from django.db import connection, transaction

    from notifications.services import deliveries_enqueue
    from notifications.tasks import deliveries_send_pending

    def queued() -> int:
        return sum(
            getattr(getattr(callback, "__self__", None), "name", None)
            == deliveries_send_pending.name
            for _ids, callback, _robust in connection.run_on_commit
        )

    with transaction.atomic():
        deliveries_enqueue()
        deliveries_enqueue()
        assert queued() == 1

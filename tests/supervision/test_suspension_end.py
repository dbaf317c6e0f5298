"""A suspension order ends by its last day or by a lifting action, and the licence returns to
valid (R8): status history, audit trail, /verify/ and a push show it. Final statuses stay."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from approvals.models import LicenceStatus, LicenceStatusChange
from audit.models import AuditEvent
from notifications.models import Push
from organizations.scoping import actor_for_user
from supervision.actions.services import supervision_action_record, suspensions_end_due
from supervision.models import SupervisionAction, SuspensionEnd
from supervision.tasks import suspensions_end
from tests.clients import api_for
from tests.helpers import at

pytestmark = pytest.mark.django_db


def suspend(clerk, licence, *, document_no="临市监停〔2026〕5号", until=None, **overrides):
    arguments = {
        "kind": "suspension",
        "document_no": document_no,
        "decided_on": datetime.date(2026, 9, 25),
        "summary": "责令停产停业整顿",
        "licence": licence,
        "suspended_until": until,
    }
    arguments.update(overrides)
    return supervision_action_record(actor=actor_for_user(clerk), **arguments)


def lift(clerk, licence, *, document_no="临市监解〔2026〕5号", **overrides):
    arguments = {
        "kind": "suspension_lift",
        "document_no": document_no,
        "decided_on": datetime.date(2026, 10, 9),
        "summary": "整改完毕，解除责令停产停业",
        "licence": licence,
    }
    arguments.update(overrides)
    return supervision_action_record(actor=actor_for_user(clerk), **arguments)


def status_of(licence):
    licence.refresh_from_db()
    return licence.status


def verify_page(client, licence):
    return client.get(f"/verify/{licence.supervision_code}/").content.decode()


def test_a_suspension_ends_at_the_start_of_the_day_after_its_last_day_across_a_holiday(
    client, licence, supervision_clerk, approval_department
):
    with time_machine.travel(at("2026-09-25T10:00"), tick=False):
        order = suspend(supervision_clerk, licence, until=datetime.date(2026, 9, 30))
    assert status_of(licence) == LicenceStatus.SUSPENDED
    assert 'data-status="suspended"' in verify_page(client, licence)

    with time_machine.travel(at("2026-09-30T23:59"), tick=False):
        assert suspensions_end_due(now=at("2026-09-30T23:59")) == 0
    assert status_of(licence) == LicenceStatus.SUSPENDED

    # 1 October is a public holiday: the beat ends it all the same, at the day's start.
    with time_machine.travel(at("2026-10-01T00:00:30"), tick=False):
        assert suspensions_end.apply().get() == 1
        page = verify_page(client, licence)
    assert status_of(licence) == LicenceStatus.VALID
    assert 'data-status="valid"' in page and "2026-10-01" in page
    order.refresh_from_db()
    assert order.suspension_end == SuspensionEnd.EXPIRED
    history = list(
        LicenceStatusChange.objects.filter(licence=licence)
        .order_by("id")
        .values_list("from_status", "to_status")
    )
    assert history[-2:] == [("valid", "suspended"), ("suspended", "valid")]
    assert AuditEvent.objects.filter(action="supervision.suspension_end").count() == 1
    (ended,) = Push.objects.filter(kind="suspension_ended")
    assert ended.receiver == approval_department
    assert ended.payload["suspended_until"] == "2026-09-30"
    assert ended.payload["licence"]["status"] == "valid"
    # Received on a holiday: the claim deadline is the first working day after the holidays.
    assert ended.deadline == at("2026-10-08T17:30")


def test_the_sweep_is_safe_to_run_twice(licence, supervision_clerk, approval_department):
    with time_machine.travel(at("2026-09-25T10:00"), tick=False):
        suspend(supervision_clerk, licence, until=datetime.date(2026, 9, 28))
    with time_machine.travel(at("2026-09-29T09:00"), tick=False):
        assert suspensions_end_due(now=at("2026-09-29T09:00")) == 1
        assert suspensions_end_due(now=at("2026-09-29T09:05")) == 0
    assert Push.objects.filter(kind="suspension_ended").count() == 1


def test_a_lifting_action_ends_the_suspension_early_and_is_pushed(
    client, licence, supervision_clerk, approval_department
):
    with time_machine.travel(at("2026-09-25T10:00"), tick=False):
        order = suspend(supervision_clerk, licence)
    with time_machine.travel(at("2026-10-09T10:00"), tick=False):
        lifting = lift(supervision_clerk, licence)
        page = verify_page(client, licence)
    assert status_of(licence) == LicenceStatus.VALID
    assert 'data-status="valid"' in page and "2026-10-09" in page
    order.refresh_from_db()
    assert (order.suspension_end, order.suspension_lifted_by) == (SuspensionEnd.LIFTED, lifting)
    push = Push.objects.filter(kind="supervision_action").latest("id")
    assert push.receiver == approval_department
    assert push.payload["kind"] == "suspension_lift"
    assert push.payload["lifts"] == [{"action_id": order.pk, "document_no": order.document_no}]


def test_lifting_without_a_suspension_in_force_is_a_field_error(
    licence, supervision_clerk, approval_department
):
    with pytest.raises(ValidationError) as error, time_machine.travel(at("2026-10-09T10:00")):
        lift(supervision_clerk, licence)
    assert "licence" in error.value.message_dict
    assert not SupervisionAction.objects.exists()


def test_a_revoked_licence_never_returns_when_its_suspension_ends(
    licence, supervision_clerk, approval_department
):
    with time_machine.travel(at("2026-09-25T10:00"), tick=False):
        order = suspend(supervision_clerk, licence, until=datetime.date(2026, 9, 28))
        supervision_action_record(
            actor=actor_for_user(supervision_clerk),
            kind="revocation",
            document_no="临市监吊〔2026〕1号",
            decided_on=datetime.date(2026, 9, 25),
            summary="吊销许可证",
            licence=licence,
        )
    with time_machine.travel(at("2026-09-29T09:00"), tick=False):
        suspensions_end_due(now=at("2026-09-29T09:00"))
    assert status_of(licence) == LicenceStatus.REVOKED
    order.refresh_from_db()
    assert order.suspension_ended_at is not None
    assert not Push.objects.filter(kind="licence_status_change", payload__to_status="valid")


def test_a_licence_stays_suspended_while_another_department_s_order_is_in_force(
    licence, supervision_clerk, other_supervision_clerk, approval_department
):
    with time_machine.travel(at("2026-09-25T10:00"), tick=False):
        suspend(supervision_clerk, licence, until=datetime.date(2026, 9, 28))
        suspend(other_supervision_clerk, licence, document_no="临应急停〔2026〕2号")
    with time_machine.travel(at("2026-09-29T09:00"), tick=False):
        assert suspensions_end_due(now=at("2026-09-29T09:00")) == 1
    assert status_of(licence) == LicenceStatus.SUSPENDED
    with time_machine.travel(at("2026-09-30T09:00"), tick=False):
        lift(
            other_supervision_clerk,
            licence,
            document_no="临应急解〔2026〕2号",
            decided_on=datetime.date(2026, 9, 30),
        )
    assert status_of(licence) == LicenceStatus.VALID


@pytest.mark.parametrize(
    ("kind", "until"),
    [
        pytest.param("penalty", datetime.date(2026, 10, 30), id="not-a-suspension"),
        pytest.param("suspension", datetime.date(2026, 9, 24), id="before-today"),
    ],
)
def test_a_bad_suspension_period_is_a_field_error(
    licence, supervision_clerk, approval_department, kind, until
):
    with pytest.raises(ValidationError) as error, time_machine.travel(at("2026-09-25T10:00")):
        suspend(supervision_clerk, licence, kind=kind, until=until)
    assert "suspended_until" in error.value.message_dict
    assert not SupervisionAction.objects.exists()


def test_the_api_records_a_suspension_period_and_a_lifting(
    licence, supervision_department, approval_department
):
    api = api_for(supervision_department)
    body = {
        "kind": "suspension",
        "licence": licence.pk,
        "document_no": "临市监停〔2026〕8号",
        "decided_at": "2026-09-25",
        "summary": "责令停产停业",
        "suspended_until": "2026-10-20",
    }
    with time_machine.travel(at("2026-09-25T10:00"), tick=False):
        created = api.post("/api/v1/supervision-actions/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["suspended_until"] == "2026-10-20"
    assert created.json()["suspension_ended_at"] is None
    with time_machine.travel(at("2026-10-09T10:00"), tick=False):
        lifted = api.post(
            "/api/v1/supervision-actions/",
            {**body, "kind": "suspension_lift", "document_no": "临市监解〔2026〕8号"}
            | {"suspended_until": None},
            format="json",
        )
        assert lifted.status_code == 201, lifted.content
        again = api.get(f"/api/v1/supervision-actions/{created.json()['id']}/").json()
    assert again["suspension_end"] == "lifted"
    assert status_of(licence) == LicenceStatus.VALID

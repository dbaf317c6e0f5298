import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from coordination.inspections.services import (
    inspection_confirm,
    inspection_report_draft,
    inspection_schedule,
    inspection_sign_off,
)
from coordination.models import Inspection, InspectionKind, InspectionState, SignOff
from coordination.services import CoordinationConflict, joint_earliest_time
from notifications.models import Notification
from organizations.scoping import actor_for_user
from tests.clients import api_for
from tests.helpers import at
from workdays.calendar import is_working_day

pytestmark = pytest.mark.django_db


def schedule(actor, invitees, when, **overrides):
    arguments = {
        "actor": actor,
        "kind": InspectionKind.SITE_INSPECTION,
        "title": "加油站新建项目现场踏勘",
        "location": "临淄区辛店街道",
        "scheduled_at": when,
        "invitees": invitees,
    }
    arguments.update(overrides)
    return inspection_schedule(**arguments)


def test_the_2026_calendar_has_an_adjusted_working_saturday_on_14_february():
    assert is_working_day(datetime.date(2026, 2, 13))
    assert is_working_day(datetime.date(2026, 2, 14))  # 调休上班


@time_machine.travel(at("2026-02-13T10:00"), tick=False)
def test_less_than_one_working_day_of_notice_is_refused_naming_the_earliest_time(
    approval_actor, supervision_department
):
    assert joint_earliest_time(at("2026-02-13T10:00")) == at("2026-02-14T17:30")
    with pytest.raises(ValidationError) as excinfo:
        schedule(approval_actor, [supervision_department], at("2026-02-14T09:00"))
    [message] = excinfo.value.message_dict["scheduled_at"]
    assert "2026-02-14 17:30" in message
    assert Inspection.objects.count() == 0


@time_machine.travel(at("2026-02-13T10:00"), tick=False)
def test_the_close_of_office_hours_of_the_next_working_day_or_later_is_accepted(
    approval_actor, supervision_department
):
    first = schedule(approval_actor, [supervision_department], at("2026-02-14T17:30"))
    later = schedule(approval_actor, [supervision_department], at("2026-02-16T09:00"))
    assert first.earliest_at == at("2026-02-14T17:30")
    assert first.invited_at == at("2026-02-13T10:00")
    assert later.pk


@time_machine.travel(at("2026-11-27T10:00"), tick=False)
def test_a_plain_weekend_moves_the_earliest_time_to_monday_evening(
    approval_actor, supervision_department
):
    with pytest.raises(ValidationError) as excinfo:
        schedule(approval_actor, [supervision_department], at("2026-11-30T09:00"))
    assert "2026-11-30 17:30" in excinfo.value.message_dict["scheduled_at"][0]
    assert schedule(approval_actor, [supervision_department], at("2026-11-30T17:30")).pk


@time_machine.travel(at("2026-11-27T10:00"), tick=False)
def test_the_web_form_shows_the_earliest_time_in_the_error(approval_clerk, supervision_department):
    client = Client()
    client.force_login(approval_clerk)
    response = client.post(
        reverse("coordination:inspection-create"),
        {
            "kind": "joint_review",
            "title": "联合会审",
            "location": "审批局三楼会议室",
            "scheduled_at": "2026-11-28T09:00",
            "invitees": [supervision_department.pk],
        },
    )
    assert response.status_code == 200
    assert "2026-11-30 17:30" in response.content.decode()
    assert Inspection.objects.count() == 0


@time_machine.travel(at("2026-11-27T10:00"), tick=False)
def test_the_api_refuses_short_notice_with_a_field_error(
    approval_department, supervision_department
):
    response = api_for(approval_department).post(
        "/api/v1/coordination/inspections/",
        {
            "kind": "site_inspection",
            "title": "现场踏勘",
            "location": "金岭镇",
            "scheduled_at": "2026-11-30T09:00:00+08:00",
            "invitees": [supervision_department.code],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "2026-11-30 17:30" in response.json()["error"]["fields"]["scheduled_at"][0]


def test_only_supervision_departments_are_invited_to_an_inspection(
    approval_actor, approval_department
):
    with pytest.raises(ValidationError) as excinfo:
        schedule(approval_actor, [], at("2027-06-01T09:00"))
    assert "invitees" in excinfo.value.message_dict


def test_a_supervision_department_cannot_schedule(supervision_actor, safety_department):
    with pytest.raises(PermissionDenied):
        schedule(supervision_actor, [safety_department], at("2027-06-01T09:00"))


@pytest.fixture
def visit(approval_actor, supervision_department, safety_department, outsider_department):
    with time_machine.travel(at("2026-11-02T09:00"), tick=False):
        return schedule(
            approval_actor,
            [supervision_department, safety_department, outsider_department],
            at("2026-11-05T09:00"),
        )


def draft(actor, inspection, conclusion="符合要求"):
    with time_machine.travel(at("2026-11-05T15:00"), tick=False):
        return inspection_report_draft(
            actor=actor, inspection=inspection, findings="现场查看储罐区……", conclusion=conclusion
        )


def test_the_report_is_final_only_after_every_participant_answered_and_immutable_after(
    visit, approval_actor, supervision_actor, safety_actor
):
    with time_machine.travel(at("2026-11-03T09:00"), tick=False):
        inspection_confirm(actor=supervision_actor, inspection=visit)
        inspection_confirm(actor=safety_actor, inspection=visit)
    # The third invitee never confirmed: it is no participant and does not sign.
    draft(approval_actor, visit)
    with time_machine.travel(at("2026-11-06T09:00"), tick=False):
        inspection_sign_off(actor=supervision_actor, inspection=visit, agree=True)
        visit.refresh_from_db()
        assert visit.state == InspectionState.REPORT_DRAFTED
        inspection_sign_off(
            actor=safety_actor, inspection=visit, agree=False, dissent="消防通道宽度不足。"
        )
    visit.refresh_from_db()
    assert visit.state == InspectionState.FINAL
    assert visit.finalised_at == at("2026-11-06T09:00")
    assert AuditEvent.objects.filter(action="inspection.report_final").count() == 1
    with pytest.raises(CoordinationConflict):
        draft(approval_actor, visit, conclusion="改写结论")
    with pytest.raises(CoordinationConflict):
        inspection_sign_off(actor=supervision_actor, inspection=visit, agree=False, dissent="x")
    visit.refresh_from_db()
    assert visit.report_conclusion == "符合要求"
    dissent = visit.participants.get(department__code="yjgl-test")
    assert (dissent.signoff, dissent.dissent) == (SignOff.DISSENT, "消防通道宽度不足。")


def test_revising_the_draft_asks_everyone_to_sign_again(
    visit, approval_actor, supervision_actor, safety_actor
):
    with time_machine.travel(at("2026-11-03T09:00"), tick=False):
        inspection_confirm(actor=supervision_actor, inspection=visit)
        inspection_confirm(actor=safety_actor, inspection=visit)
    draft(approval_actor, visit)
    inspection_sign_off(actor=supervision_actor, inspection=visit, agree=True)
    draft(approval_actor, visit, conclusion="修改后的结论")
    visit.refresh_from_db()
    assert visit.report_version == 2
    assert set(
        visit.participants.filter(confirmed_at__isnull=False).values_list("signoff", flat=True)
    ) == {SignOff.PENDING}
    inspection_sign_off(actor=supervision_actor, inspection=visit, agree=True)
    inspection_sign_off(actor=safety_actor, inspection=visit, agree=True)
    visit.refresh_from_db()
    assert visit.state == InspectionState.FINAL
    assert set(
        visit.participants.exclude(signed_version=None).values_list("signed_version", flat=True)
    ) == {2}


def test_dissent_needs_its_text(visit, approval_actor, supervision_actor):
    with time_machine.travel(at("2026-11-03T09:00"), tick=False):
        inspection_confirm(actor=supervision_actor, inspection=visit)
    draft(approval_actor, visit)
    with pytest.raises(ValidationError) as excinfo:
        inspection_sign_off(actor=supervision_actor, inspection=visit, agree=False, dissent=" ")
    assert "dissent" in excinfo.value.message_dict


def test_the_report_is_drafted_after_the_visit_and_needs_a_participant(
    visit, approval_actor, supervision_actor
):
    with pytest.raises(ValidationError):
        draft(approval_actor, visit)  # nobody confirmed
    with time_machine.travel(at("2026-11-03T09:00"), tick=False):
        inspection_confirm(actor=supervision_actor, inspection=visit)
        with pytest.raises(ValidationError):
            inspection_report_draft(
                actor=approval_actor, inspection=visit, findings="f", conclusion="c"
            )


def test_confirming_twice_is_a_conflict_and_a_stranger_is_refused(
    visit, supervision_actor, approval_department
):
    from tests.factories import DepartmentFactory, StaffFactory

    inspection_confirm(actor=supervision_actor, inspection=visit)
    with pytest.raises(CoordinationConflict) as conflict:
        inspection_confirm(actor=supervision_actor, inspection=visit)
    # The message names the person who confirmed, never their username.
    user = supervision_actor.user
    assert f"{user.first_name} {user.last_name}".strip() in str(conflict.value)
    assert user.username not in str(conflict.value)
    stranger = StaffFactory(department=DepartmentFactory()).user
    with pytest.raises(PermissionDenied):
        inspection_confirm(actor=actor_for_user(stranger), inspection=visit)


def test_scheduling_notifies_the_invitees(supervision_clerk, visit):
    assert Notification.objects.filter(user=supervision_clerk).count() == 1


def test_the_whole_flow_on_the_web_ends_with_a_downloadable_printable_report(
    visit, approval_clerk, supervision_clerk
):
    organiser, invitee = Client(), Client()
    organiser.force_login(approval_clerk)
    invitee.force_login(supervision_clerk)
    with time_machine.travel(at("2026-11-03T09:00"), tick=False):
        response = invitee.post(reverse("coordination:inspection-confirm", args=[visit.pk]))
        assert response.status_code == 302
    with time_machine.travel(at("2026-11-05T15:00"), tick=False):
        response = organiser.post(
            reverse("coordination:inspection-report", args=[visit.pk]),
            {"findings": "储罐区符合要求", "conclusion": "同意"},
        )
        assert response.status_code == 302
        # Dissent without text: a field error, nothing saved.
        response = invitee.post(
            reverse("coordination:inspection-sign-off", args=[visit.pk]),
            {"decision": "dissent", "dissent": ""},
        )
        assert response.status_code == 200
        response = invitee.post(
            reverse("coordination:inspection-sign-off", args=[visit.pk]), {"decision": "sign"}
        )
        assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.state == InspectionState.FINAL
    printable = invitee.get(
        reverse("coordination:inspection-report-print", args=[visit.pk]), {"download": "1"}
    )
    assert printable.status_code == 200
    assert printable["Content-Disposition"].startswith("attachment;")
    assert "储罐区符合要求" in printable.content.decode()
    # A final report refuses edits on the web too.
    with time_machine.travel(at("2026-11-06T15:00"), tick=False):
        organiser.post(
            reverse("coordination:inspection-report", args=[visit.pk]),
            {"findings": "改", "conclusion": "改"},
        )
    visit.refresh_from_db()
    assert visit.report_findings == "储罐区符合要求"


def test_the_api_flow_confirm_report_sign_off(visit, approval_department, supervision_department):
    organiser, invitee = api_for(approval_department), api_for(supervision_department)
    base = f"/api/v1/coordination/inspections/{visit.pk}/"
    with time_machine.travel(at("2026-11-03T09:00"), tick=False):
        assert invitee.post(base + "confirm/").status_code == 200
        assert invitee.post(base + "confirm/").status_code == 409
    with time_machine.travel(at("2026-11-05T15:00"), tick=False):
        response = organiser.post(
            base + "report/", {"findings": "ok", "conclusion": "同意"}, format="json"
        )
        assert response.status_code == 200, response.json()
        response = invitee.post(base + "sign-off/", {"decision": "sign"}, format="json")
        assert response.status_code == 200
        assert response.json()["state"] == "final"
        response = organiser.post(
            base + "report/", {"findings": "x", "conclusion": "y"}, format="json"
        )
        assert response.status_code == 409

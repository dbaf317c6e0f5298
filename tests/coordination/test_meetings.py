import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from coordination.files.services import important_file_create
from coordination.meetings.services import meeting_conclude, meeting_convene, meeting_opinion
from coordination.models import JointMeeting, MeetingInvitation, MeetingState
from coordination.services import CoordinationConflict
from notifications.models import Notification
from tests.clients import api_for
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(approval_actor, supervision_department, safety_department, important_item):
    file = important_file_create(actor=approval_actor, item=important_item, project_name="储罐项目")
    with time_machine.travel(at("2026-11-02T09:00"), tick=False):
        return meeting_convene(
            actor=approval_actor,
            topic="储罐项目联席会议",
            location="审批局三楼会议室",
            scheduled_at=at("2026-11-04T09:00"),
            invitees=[supervision_department, safety_department],
            important_file=file,
        )


def test_invited_departments_see_the_meeting_and_get_a_notice(
    supervision_clerk, safety_clerk, meeting
):
    assert Notification.objects.filter(user=supervision_clerk).count() == 2  # file + meeting
    client = Client()
    client.force_login(safety_clerk)
    listing = client.get(reverse("coordination:meeting-list"))
    assert "储罐项目联席会议" in listing.content.decode()


def test_an_invited_department_gives_its_opinion_once(meeting, supervision_actor):
    meeting_opinion(actor=supervision_actor, meeting=meeting, opinion="同意召开。")
    with pytest.raises(CoordinationConflict):
        meeting_opinion(actor=supervision_actor, meeting=meeting, opinion="再说一次")
    invitation = MeetingInvitation.objects.get(department=supervision_actor.department)
    assert invitation.opinion == "同意召开。"


def test_minutes_close_the_meeting_for_opinions(meeting, approval_actor, safety_actor):
    with time_machine.travel(at("2026-11-03T09:00"), tick=False), pytest.raises(ValidationError):
        meeting_conclude(actor=approval_actor, meeting=meeting, minutes="m", conclusions="c")
    with time_machine.travel(at("2026-11-04T11:00"), tick=False):
        meeting_conclude(
            actor=approval_actor, meeting=meeting, minutes="会议纪要", conclusions="同意"
        )
        with pytest.raises(CoordinationConflict):
            meeting_conclude(actor=approval_actor, meeting=meeting, minutes="x", conclusions="y")
        with pytest.raises(CoordinationConflict):
            meeting_opinion(actor=safety_actor, meeting=meeting, opinion="晚了")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CONCLUDED
    assert meeting.conclusions == "同意"


def test_only_the_convener_records_minutes(meeting, supervision_actor):
    with pytest.raises(PermissionDenied):
        meeting_conclude(actor=supervision_actor, meeting=meeting, minutes="m", conclusions="c")


@time_machine.travel(at("2026-02-13T10:00"), tick=False)
def test_a_meeting_also_needs_one_working_day_of_notice(approval_actor, supervision_department):
    with pytest.raises(ValidationError) as excinfo:
        meeting_convene(
            actor=approval_actor,
            topic="t",
            location="l",
            scheduled_at=at("2026-02-14T09:00"),
            invitees=[supervision_department],
        )
    assert "2026-02-14 17:30" in excinfo.value.message_dict["scheduled_at"][0]


def test_the_api_convenes_and_takes_opinions(approval_department, supervision_department):
    organiser, invitee = api_for(approval_department), api_for(supervision_department)
    with time_machine.travel(at("2026-11-02T09:00"), tick=False):
        response = organiser.post(
            "/api/v1/coordination/meetings/",
            {
                "topic": "联席会议",
                "location": "会议室",
                "scheduled_at": "2026-11-04T09:00:00+08:00",
                "invitees": [supervision_department.code],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        pk = response.json()["id"]
        listed = invitee.get("/api/v1/coordination/meetings/").json()["results"]
        assert [row["id"] for row in listed] == [pk]
        response = invitee.post(
            f"/api/v1/coordination/meetings/{pk}/opinion/", {"opinion": "同意"}, format="json"
        )
        assert response.status_code == 201
        again = invitee.post(
            f"/api/v1/coordination/meetings/{pk}/opinion/", {"opinion": "同意"}, format="json"
        )
        assert again.status_code == 409
    with time_machine.travel(at("2026-11-04T12:00"), tick=False):
        response = organiser.post(
            f"/api/v1/coordination/meetings/{pk}/minutes/",
            {"minutes": "纪要", "conclusions": "结论"},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["state"] == "concluded"
    assert JointMeeting.objects.get().invitations.get().opinion == "同意"

"""Coordination's to-do items of the actor's own department: inquiries to answer (R16),
inspections to confirm and joint reports to sign off (R15), meeting opinions to give."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.todo import (
    TODO_LIMIT,
    TodoAction,
    TodoBatch,
    TodoCount,
    TodoItem,
    capped_count,
    todo_provider_register,
)
from organizations.scoping import Actor

from .models import (
    Inquiry,
    InquiryState,
    InspectionParticipant,
    InspectionState,
    MeetingInvitation,
    MeetingState,
    SignOff,
)

INQUIRY_TO_ANSWER = gettext_lazy("Inquiry letter to answer")
INSPECTION_TO_CONFIRM = gettext_lazy("Joint inspection to confirm")
REPORT_TO_SIGN = gettext_lazy("Joint report to sign off")
MEETING_OPINION = gettext_lazy("Meeting opinion to give")


def coordination_todo(actor: Actor, now: datetime.datetime) -> TodoBatch:
    """An inquiry is due at its reply deadline; an inspection to confirm and a meeting opinion
    at the time the inspection or meeting takes place; a sign-off has no deadline."""
    department = actor.department
    batch = TodoBatch()
    inquiries = Inquiry.objects.filter(receiver=department, state=InquiryState.OPEN)
    for inquiry in inquiries.select_related("sender").order_by("deadline", "id")[:TODO_LIMIT]:
        url = reverse("coordination:inquiry-detail", args=[inquiry.pk])
        batch.items.append(
            TodoItem(
                kind=str(INQUIRY_TO_ANSWER),
                title=inquiry.subject,
                counterparty=inquiry.sender.name,
                deadline=inquiry.deadline,
                url=url,
                action=TodoAction(label=_("Answer"), url=url),
            )
        )
    to_confirm = InspectionParticipant.objects.filter(
        department=department,
        confirmed_at__isnull=True,
        inspection__state=InspectionState.SCHEDULED,
    )
    for participant in to_confirm.select_related("inspection__department").order_by(
        "inspection__scheduled_at", "id"
    )[:TODO_LIMIT]:
        inspection = participant.inspection
        batch.items.append(
            TodoItem(
                kind=str(INSPECTION_TO_CONFIRM),
                title=f"{inspection.title}（{inspection.location}）",
                counterparty=inspection.department.name,
                deadline=inspection.scheduled_at,
                url=reverse("coordination:inspection-detail", args=[inspection.pk]),
                action=TodoAction(
                    label=_("Confirm attendance"),
                    url=reverse("coordination:inspection-confirm", args=[inspection.pk]),
                    method="post",
                    confirm=_("Confirm that your department attends this inspection?"),
                ),
            )
        )
    to_sign = InspectionParticipant.objects.filter(
        department=department,
        confirmed_at__isnull=False,
        signoff=SignOff.PENDING,
        inspection__state=InspectionState.REPORT_DRAFTED,
    )
    for participant in to_sign.select_related("inspection__department").order_by(
        "inspection__scheduled_at", "id"
    )[:TODO_LIMIT]:
        inspection = participant.inspection
        url = reverse("coordination:inspection-detail", args=[inspection.pk])
        batch.items.append(
            TodoItem(
                kind=str(REPORT_TO_SIGN),
                title=inspection.title,
                counterparty=inspection.department.name,
                deadline=None,
                url=url,
                action=TodoAction(label=_("Sign off"), url=url),
            )
        )
    meetings = MeetingInvitation.objects.filter(
        department=department, opinion_at__isnull=True, meeting__state=MeetingState.CONVENED
    )
    for invitation in meetings.select_related("meeting__department").order_by(
        "meeting__scheduled_at", "id"
    )[:TODO_LIMIT]:
        meeting = invitation.meeting
        url = reverse("coordination:meeting-detail", args=[meeting.pk])
        batch.items.append(
            TodoItem(
                kind=str(MEETING_OPINION),
                title=meeting.topic,
                counterparty=meeting.department.name,
                deadline=meeting.scheduled_at,
                url=url,
                action=TodoAction(label=_("Give opinion"), url=url),
            )
        )
    inquiries_url = reverse("coordination:inquiry-list")
    inspections_url = reverse("coordination:inspection-list")
    batch.counts += [
        TodoCount(
            str(INQUIRY_TO_ANSWER),
            capped_count(inquiries),
            f"{inquiries_url}?box=inbox&state={InquiryState.OPEN}",
        ),
        TodoCount(
            str(INSPECTION_TO_CONFIRM),
            capped_count(to_confirm),
            f"{inspections_url}?state={InspectionState.SCHEDULED}",
        ),
        TodoCount(
            str(REPORT_TO_SIGN),
            capped_count(to_sign),
            f"{inspections_url}?state={InspectionState.REPORT_DRAFTED}",
        ),
        TodoCount(
            str(MEETING_OPINION),
            capped_count(meetings),
            f"{reverse('coordination:meeting-list')}?state={MeetingState.CONVENED}",
        ),
    ]
    return batch


def register() -> None:
    todo_provider_register("coordination", coordination_todo)

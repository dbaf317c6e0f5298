"""Dashboard cards of the coordination side; the dashboard view adds them to its own."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.selectors import DashboardCard
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


def coordination_dashboard_cards(
    *, actor: Actor, now: datetime.datetime | None = None
) -> list[DashboardCard]:
    """A few indexed COUNTs of what waits for the actor's own department: inquiries to
    answer, inspections to confirm, joint reports to sign off, meetings it is invited to."""
    department = actor.department
    if department is None:
        return []
    now = now or timezone.now()
    to_answer = Inquiry.objects.filter(receiver=department, state=InquiryState.OPEN)
    to_confirm = InspectionParticipant.objects.filter(
        department=department,
        confirmed_at__isnull=True,
        inspection__state=InspectionState.SCHEDULED,
    )
    to_sign = InspectionParticipant.objects.filter(
        department=department,
        confirmed_at__isnull=False,
        signoff=SignOff.PENDING,
        inspection__state=InspectionState.REPORT_DRAFTED,
    )
    meetings = MeetingInvitation.objects.filter(
        department=department, meeting__state=MeetingState.CONVENED
    )
    inquiries_url = reverse("coordination:inquiry-list")
    inspections_url = reverse("coordination:inspection-list")
    return [
        DashboardCard(
            _("Inquiries to answer"),
            to_answer.count(),
            f"{inquiries_url}?box=inbox&state={InquiryState.OPEN}",
            alert=True,
        ),
        DashboardCard(
            _("Inquiries due today"),
            to_answer.filter(deadline__date=timezone.localdate(now)).count(),
            f"{inquiries_url}?box=inbox&state={InquiryState.OPEN}",
            alert=True,
        ),
        DashboardCard(
            _("Inspections awaiting my confirmation"),
            to_confirm.count(),
            f"{inspections_url}?state={InspectionState.SCHEDULED}",
            alert=True,
        ),
        DashboardCard(
            _("Joint reports awaiting my sign-off"),
            to_sign.count(),
            f"{inspections_url}?state={InspectionState.REPORT_DRAFTED}",
            alert=True,
        ),
        DashboardCard(
            _("Joint meetings I'm invited to"),
            meetings.count(),
            f"{reverse('coordination:meeting-list')}?state={MeetingState.CONVENED}",
        ),
    ]

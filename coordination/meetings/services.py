"""Joint meetings (联席会议, Art. 9–10, R15) — every write; the rules live here."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from coordination.models import (
    ImportantFile,
    JointMeeting,
    MeetingInvitation,
    MeetingState,
)
from coordination.services import (
    TITLE_MAX,
    CoordinationConflict,
    _approval_department_of,
    _aware,
    _check_invitees,
    _check_own_file,
    _check_schedule,
    _department_of,
    _notify,
    _text,
    _user,
    local_time,
)
from linzi_platform.field_errors import add_error as _add
from linzi_platform.field_errors import raise_if_errors as _raise_if
from organizations.models import Department
from organizations.scoping import Actor


def meeting_convene(
    *,
    actor: Actor,
    topic: str,
    location: str,
    scheduled_at: datetime.datetime | None,
    invitees: Sequence[Department],
    agenda: str = "",
    important_file: ImportantFile | None = None,
) -> JointMeeting:
    """The approval department convenes a joint meeting and invites departments, at least
    1 working day in advance (R15)."""
    department = _approval_department_of(
        actor, _("Only the approval department convenes joint meetings.")
    )
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    topic = _text(errors, "topic", topic, limit=TITLE_MAX)
    location = _text(errors, "location", location, limit=TITLE_MAX)
    agenda = _text(errors, "agenda", agenda, required=False)
    scheduled_at = _aware(scheduled_at) if scheduled_at else None
    _check_schedule(errors, scheduled_at, invited_at=now)
    invited = _check_invitees(errors, invitees, organiser=department, supervision_only=False)
    _check_own_file(errors, important_file, department)
    _raise_if(errors)
    with transaction.atomic():
        meeting = JointMeeting.objects.create(
            department=department,
            topic=topic,
            agenda=agenda,
            location=location,
            scheduled_at=scheduled_at,
            important_file=important_file,
            created_by=_user(actor),
            created_by_label=actor.label,
            created_at=now,
        )
        MeetingInvitation.objects.bulk_create(
            MeetingInvitation(meeting=meeting, department=invitee, invited_at=now)
            for invitee in invited
        )
        audit_record(
            actor=actor,
            action="meeting.convene",
            obj=meeting,
            details={
                "topic": topic,
                "scheduled_at": scheduled_at.isoformat(),
                "invitees": [invitee.code for invitee in invited],
                "important_file": important_file.pk if important_file else None,
            },
            at=now,
        )
        _notify(
            invited,
            title=_("Invitation to a joint meeting: %(topic)s") % {"topic": topic},
            body=_("%(department)s invites your department on %(when)s at %(where)s.")
            % {"department": department.name, "when": local_time(scheduled_at), "where": location},
            url=reverse("coordination:meeting-detail", args=[meeting.pk]),
            now=now,
        )
    return meeting


def meeting_opinion(*, actor: Actor, meeting: JointMeeting, opinion: str) -> MeetingInvitation:
    """An invited department's opinion on the topic, once, until the minutes are recorded."""
    department = _department_of(actor)
    invitation = MeetingInvitation.objects.filter(meeting=meeting, department=department).first()
    if invitation is None:
        raise PermissionDenied(_("Only an invited department gives its opinion."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    opinion = _text(errors, "opinion", opinion)
    _raise_if(errors)
    with transaction.atomic():
        won = MeetingInvitation.objects.filter(
            pk=invitation.pk,
            opinion_at__isnull=True,
            meeting__state=MeetingState.CONVENED,
        ).update(opinion=opinion, opinion_by_label=actor.label, opinion_at=now)
        if won:
            audit_record(
                actor=actor,
                action="meeting.opinion",
                obj=invitation,
                details={"meeting": meeting.pk, "opinion": opinion[:500]},
                at=now,
            )
            _notify(
                [meeting.department],
                title=_("Opinion of %(department)s on the joint meeting %(topic)s")
                % {"department": department.name, "topic": meeting.topic},
                body=opinion[:1000],
                url=reverse("coordination:meeting-detail", args=[meeting.pk]),
                now=now,
            )
    invitation.refresh_from_db()
    if not won:
        if invitation.opinion_at is not None:
            raise CoordinationConflict(
                _("Your department's opinion was already given by %(who)s at %(when)s.")
                % {"who": invitation.opinion_by_label, "when": local_time(invitation.opinion_at)}
            )
        raise CoordinationConflict(_("The minutes of this meeting are recorded; it is closed."))
    return invitation


def meeting_conclude(
    *, actor: Actor, meeting: JointMeeting, minutes: str, conclusions: str
) -> JointMeeting:
    """The convening department records the minutes and conclusions, after the meeting."""
    department = _department_of(actor)
    if department.pk != meeting.department_id:
        raise PermissionDenied(_("Only the convening department records the minutes."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    minutes = _text(errors, "minutes", minutes, limit=50_000)
    conclusions = _text(errors, "conclusions", conclusions)
    if now < meeting.scheduled_at:
        _add(
            errors,
            "__all__",
            _("The meeting is scheduled for %(when)s: record its minutes after it was held.")
            % {"when": local_time(meeting.scheduled_at)},
        )
    _raise_if(errors)
    with transaction.atomic():
        won = JointMeeting.objects.filter(pk=meeting.pk, state=MeetingState.CONVENED).update(
            state=MeetingState.CONCLUDED,
            minutes=minutes,
            conclusions=conclusions,
            concluded_by_label=actor.label,
            concluded_at=now,
        )
        if won:
            audit_record(
                actor=actor,
                action="meeting.conclude",
                obj=meeting,
                details={"conclusions": conclusions[:500]},
                at=now,
            )
            invited = [
                invitation.department
                for invitation in meeting.invitations.select_related("department")
            ]
            _notify(
                invited,
                title=_("Minutes of the joint meeting %(topic)s") % {"topic": meeting.topic},
                body=conclusions[:1000],
                url=reverse("coordination:meeting-detail", args=[meeting.pk]),
                now=now,
            )
    meeting.refresh_from_db()
    if not won:
        raise CoordinationConflict(
            _("The minutes were already recorded by %(who)s at %(when)s.")
            % {"who": meeting.concluded_by_label, "when": local_time(meeting.concluded_at)}
        )
    return meeting

"""Every write of the coordination side (Art. 5(8), 9–12; R14–R16).

Views, API endpoints and the beat task only parse input and call one of these functions.
Bad input raises Django's ValidationError with a dict keyed by field name; a record that is
not in a state allowing the action raises CoordinationConflict (API 409); acting for the
wrong department raises PermissionDenied. Each transition is one conditional UPDATE whose
row count decides, and each step is audited in the same transaction.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import ApprovalItem
from approvals.validators import normalize_code, validate_credit_code, validate_id_number
from audit.services import AuditEntry, audit_record, audit_record_many
from linzi_platform.errors import DomainConflict
from linzi_platform.field_errors import add_error as _add
from linzi_platform.field_errors import raise_if_errors as _raise_if
from linzi_platform.uploads import validate_upload
from notifications.models import (
    NoticeKind,
    Obligation,
    OverdueRecord,
)
from notifications.services import (
    DepartmentNotice,
    department_notify,
    departments_notify,
    for_update_skip_locked,
)
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor
from workdays.calendar import CALENDAR_TZ, add_working_days

from .models import (
    Consultation,
    Hearing,
    ImportantFile,
    Inquiry,
    InquiryState,
    Inspection,
    InspectionKind,
    InspectionParticipant,
    InspectionState,
    JointMeeting,
    MeetingInvitation,
    MeetingState,
    SignOff,
    StakeholderOpinion,
)

SWEEP_BATCH_SIZE = 1000
INQUIRY_DEFAULT_WORKING_DAYS = 3
INQUIRY_MIN_WORKING_DAYS = 1
INQUIRY_MAX_WORKING_DAYS = 30
JOINT_NOTICE_WORKING_DAYS = 1
MAX_INVITEES = 50
TITLE_MAX = 200
TEXT_MAX = 10_000
LATEST = datetime.datetime(2100, 12, 31, 23, 59, tzinfo=CALENDAR_TZ)
EARLIEST_DATE = datetime.date(1990, 1, 1)


class CoordinationConflict(DomainConflict):
    """The record is not in a state that allows the action (API 409)."""


class InquiryDeemedConsent(CoordinationConflict):
    """A reply after the deadline: the letter already is, or now becomes, deemed consent."""


# Helpers ----------------------------------------------------------------------------------


def local_time(moment: datetime.datetime) -> str:
    """ "YYYY-MM-DD HH:MM" in the calendar's zone, the form every message shows times in."""
    return moment.astimezone(CALENDAR_TZ).strftime("%Y-%m-%d %H:%M")


def _text(
    errors: dict[str, list[str]],
    field: str,
    value: str | None,
    *,
    limit: int = TEXT_MAX,
    required: bool = True,
) -> str:
    value = (value or "").strip()
    if required and not value:
        _add(errors, field, _("This field is required."))
    elif len(value) > limit:
        _add(
            errors,
            field,
            _("Too long: %(limit)d characters at most.") % {"limit": limit},
        )
    return value


def _document(
    errors: dict[str, list[str]], field: str, upload: UploadedFile | None, *, required: bool
) -> UploadedFile | None:
    if upload is None:
        if required:
            _add(errors, field, _("Attach the opinion document."))
        return None
    try:
        validate_upload(upload)
    except ValidationError as exc:
        for message in exc.messages:
            _add(errors, field, message)
    return upload


def _document_fields(upload: UploadedFile | None) -> dict[str, Any]:
    if upload is None:
        return {}
    return {"document": upload, "document_name": (upload.name or "")[:200]}


def _user(actor: Actor) -> Any:
    user = actor.user
    return user if actor.api_client is None and getattr(user, "pk", None) else None


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _department_of(actor: Actor) -> Department:
    if actor.department is None:
        raise PermissionDenied(_("Your account is not assigned to a department."))
    return actor.department


def _approval_department_of(actor: Actor, message: str) -> Department:
    _department_of(actor)  # no department at all is said as such
    return actor.require_kind(DepartmentKind.APPROVAL, message)


def _notify(
    departments: Sequence[Department], *, title: str, body: str, url: str, now: datetime.datetime
) -> None:
    for department in departments:
        department_notify(
            department=department,
            title=title,
            body=body,
            url=url,
            now=now,
            kind=NoticeKind.COORDINATION,
        )


def joint_earliest_time(invited_at: datetime.datetime) -> datetime.datetime:
    """The earliest time a joint meeting, inspection or review may be held (Art. 11, R15).

    "Invited at least 1 working day in advance" is read like every working-day period of the
    platform (R0.1): the day of the invitation does not count, and the period ends at the
    close of office hours of the next working day. So the rule is
    ``scheduled_at >= add_working_days(invited_at, 1)``: invited Friday 10:00 → Monday 17:30
    (or Saturday 17:30 when that Saturday is an adjusted working day, 调休上班).
    """
    return add_working_days(invited_at, JOINT_NOTICE_WORKING_DAYS)


def _check_schedule(
    errors: dict[str, list[str]],
    scheduled_at: datetime.datetime | None,
    *,
    invited_at: datetime.datetime,
) -> datetime.datetime:
    earliest = joint_earliest_time(invited_at)
    if scheduled_at is None:
        _add(errors, "scheduled_at", _("The date and time are required."))
    elif scheduled_at < earliest:
        _add(
            errors,
            "scheduled_at",
            _(
                "Supervision departments must be invited at least 1 working day in advance: "
                "the earliest allowed time is %(earliest)s."
            )
            % {"earliest": local_time(earliest)},
        )
    elif scheduled_at > LATEST:
        _add(errors, "scheduled_at", _("The time must lie before 2101."))
    return earliest


def _check_invitees(
    errors: dict[str, list[str]],
    invitees: Sequence[Department],
    *,
    organiser: Department,
    supervision_only: bool,
) -> list[Department]:
    unique = sorted({department.pk: department for department in invitees}.values(), key=str)
    if not unique:
        _add(errors, "invitees", _("Invite at least one department."))
    elif len(unique) > MAX_INVITEES:
        _add(errors, "invitees", _("At most 50 departments can be invited."))
    for department in unique:
        if department.pk == organiser.pk:
            _add(errors, "invitees", _("Your own department cannot be invited."))
        elif not department.active:
            _add(errors, "invitees", _("%(name)s is not active.") % {"name": department.name})
        elif supervision_only and department.kind != DepartmentKind.SUPERVISION:
            _add(
                errors,
                "invitees",
                _("%(name)s is not a supervision department.") % {"name": department.name},
            )
    return unique


def _check_own_file(
    errors: dict[str, list[str]], important_file: ImportantFile | None, department: Department
) -> None:
    if important_file is not None and important_file.department_id != department.pk:
        _add(errors, "important_file", _("Choose an important-matter file of your department."))


# Important-matter files (R14) ---------------------------------------------------------------


def responsible_departments(item: ApprovalItem) -> list[Department]:
    """The item's active responsible supervision departments, by code."""
    return list(item.supervision_departments.filter(active=True).order_by("code"))


def _clean_counterparty_code(errors: dict[str, list[str]], value: str | None) -> str:
    code = normalize_code(value)
    if not code:
        return ""
    try:
        validate_credit_code(code)
    except ValidationError as credit_error:
        try:
            validate_id_number(code)
        except ValidationError:
            for message in credit_error.messages:
                _add(errors, "counterparty_code", message)
    return code


def important_file_create(
    *, actor: Actor, item: ApprovalItem, project_name: str, counterparty_code: str = ""
) -> ImportantFile:
    """Open the important-matter file of an application of an important item (R14) and ask
    every responsible supervision department for its consultation opinion."""
    department = _approval_department_of(
        actor, _("Only the approval department opens important-matter files.")
    )
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if not item.is_important:
        _add(errors, "item", _("This item is not an important item."))
    elif not item.active:
        _add(errors, "item", _("This item is no longer in the catalog."))
    project_name = _text(errors, "project_name", project_name, limit=TITLE_MAX)
    code = _clean_counterparty_code(errors, counterparty_code)
    _raise_if(errors)
    with transaction.atomic():
        file = ImportantFile.objects.create(
            item=item,
            department=department,
            project_name=project_name,
            counterparty_code=code,
            created_by=_user(actor),
            created_by_label=actor.label,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="important_file.create",
            obj=file,
            details={"item": item.code, "project": project_name, "counterparty": code},
            at=now,
        )
        _notify(
            responsible_departments(item),
            title=_("Consultation requested on an important item: %(item)s · %(project)s")
            % {"item": item.name, "project": project_name},
            body=_("%(department)s asks for your department's opinion before deciding.")
            % {"department": department.name},
            url=reverse("coordination:file-detail", args=[file.pk]),
            now=now,
        )
    return file


def consultation_record(
    *,
    actor: Actor,
    file: ImportantFile,
    opinion: str,
    department: Department | None = None,
    document: UploadedFile | None = None,
) -> Consultation:
    """A responsible supervision department's opinion on the file: recorded by that
    department itself, or by the approval department on its behalf with the opinion
    document it sent."""
    own = _department_of(actor)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    responsible = {d.pk: d for d in responsible_departments(file.item)}
    on_behalf = own.pk == file.department_id
    if on_behalf:
        if department is None:
            _add(errors, "department", _("Choose the supervision department."))
        elif department.pk not in responsible:
            _add(
                errors,
                "department",
                _("%(name)s is not responsible for this item.") % {"name": department.name},
            )
        _document(errors, "document", document, required=True)
    elif own.pk in responsible:
        if department is not None and department.pk != own.pk:
            _add(errors, "department", _("You can only record your own department's opinion."))
        department = own
        _document(errors, "document", document, required=False)
    else:
        raise PermissionDenied(
            _("Only the approval department or a responsible supervision department can do this.")
        )
    opinion = _text(errors, "opinion", opinion)
    if (
        department is not None
        and "department" not in errors
        and Consultation.objects.filter(file=file, department=department).exists()
    ):
        _add(
            errors,
            "department",
            _("The opinion of %(name)s is already recorded.") % {"name": department.name},
        )
    _raise_if(errors)
    try:
        with transaction.atomic():
            consultation = Consultation.objects.create(
                file=file,
                department=department,
                opinion=opinion,
                recorded_by_department=own,
                recorded_by=_user(actor),
                recorded_by_label=actor.label,
                recorded_at=now,
                **_document_fields(document),
            )
            audit_record(
                actor=actor,
                action="important_file.consultation",
                obj=consultation,
                details={
                    "file": file.pk,
                    "department": department.code,
                    "on_behalf": on_behalf,
                    "document": consultation.document_name,
                },
                at=now,
            )
            notified = department if on_behalf else file.department
            _notify(
                [notified],
                title=_("Consultation opinion of %(department)s recorded: %(project)s")
                % {"department": department.name, "project": file.project_name},
                body=opinion[:1000],
                url=reverse("coordination:file-detail", args=[file.pk]),
                now=now,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {
                "department": [
                    _("The opinion of %(name)s is already recorded.") % {"name": department.name}
                ]
            }
        ) from exc
    return consultation


def _require_file_owner(actor: Actor, file: ImportantFile) -> Department:
    department = _department_of(actor)
    if department.pk != file.department_id:
        raise PermissionDenied(_("Only the approval department of this file can do this."))
    return department


def stakeholder_opinion_record(
    *,
    actor: Actor,
    file: ImportantFile,
    stakeholder: str,
    summary: str,
    document: UploadedFile | None = None,
) -> StakeholderOpinion:
    """An opinion of a stakeholder collected by the approval department (Art. 5(8))."""
    _require_file_owner(actor, file)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    stakeholder = _text(errors, "stakeholder", stakeholder, limit=TITLE_MAX)
    summary = _text(errors, "summary", summary)
    _document(errors, "document", document, required=False)
    _raise_if(errors)
    with transaction.atomic():
        record = StakeholderOpinion.objects.create(
            file=file,
            stakeholder=stakeholder,
            summary=summary,
            recorded_by=_user(actor),
            recorded_by_label=actor.label,
            recorded_at=now,
            **_document_fields(document),
        )
        audit_record(
            actor=actor,
            action="important_file.stakeholder_opinion",
            obj=record,
            details={"file": file.pk, "stakeholder": stakeholder},
            at=now,
        )
    return record


def _lock_file(file: ImportantFile) -> ImportantFile:
    """Lock the file row: a hearing and a no-hearing reason exclude each other."""
    return ImportantFile.objects.select_for_update().get(pk=file.pk)


def hearing_record(
    *,
    actor: Actor,
    file: ImportantFile,
    held_on: datetime.date | None,
    participants: str,
    minutes: str,
    document: UploadedFile | None = None,
) -> Hearing:
    """The hearing held on the file (听证), once."""
    _require_file_owner(actor, file)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if held_on is None:
        _add(errors, "held_on", _("The date is required."))
    elif held_on > timezone.localdate(now):
        _add(errors, "held_on", _("Record a hearing after it was held."))
    elif held_on < EARLIEST_DATE:
        _add(errors, "held_on", _("The date must lie after 1990-01-01."))
    participants = _text(errors, "participants", participants)
    minutes = _text(errors, "minutes", minutes, limit=50_000)
    _document(errors, "document", document, required=False)
    _raise_if(errors)
    try:
        with transaction.atomic():
            locked = _lock_file(file)
            if locked.no_hearing_reason:
                raise ValidationError(
                    {"__all__": [_("The reason no hearing was needed is already recorded.")]}
                )
            if Hearing.objects.filter(file=locked).exists():
                raise ValidationError({"__all__": [_("The hearing is already recorded.")]})
            hearing = Hearing.objects.create(
                file=locked,
                held_on=held_on,
                participants=participants,
                minutes=minutes,
                recorded_by=_user(actor),
                recorded_by_label=actor.label,
                recorded_at=now,
                **_document_fields(document),
            )
            audit_record(
                actor=actor,
                action="important_file.hearing",
                obj=hearing,
                details={"file": file.pk, "held_on": held_on.isoformat()},
                at=now,
            )
    except IntegrityError as exc:
        raise ValidationError({"__all__": [_("The hearing is already recorded.")]}) from exc
    return hearing


def no_hearing_reason_record(*, actor: Actor, file: ImportantFile, reason: str) -> ImportantFile:
    """Why no hearing was needed for this file; excludes a hearing record and vice versa."""
    _require_file_owner(actor, file)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason)
    _raise_if(errors)
    with transaction.atomic():
        _lock_file(file)
        won = ImportantFile.objects.filter(
            pk=file.pk, no_hearing_reason="", hearing__isnull=True
        ).update(no_hearing_reason=reason, no_hearing_by_label=actor.label, no_hearing_at=now)
        if won:
            audit_record(
                actor=actor,
                action="important_file.no_hearing_reason",
                obj=file,
                details={"reason": reason[:500]},
                at=now,
            )
    file.refresh_from_db()
    if not won:
        if file.no_hearing_reason:
            message = _("The reason no hearing was needed is already recorded.")
        else:
            message = _("A hearing is recorded for this file.")
        raise ValidationError({"__all__": [message]})
    return file


# Joint meetings (联席会议, Art. 9–10) -----------------------------------------------------------


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


# Joint site inspections and reviews (联合踏勘 / 联合会审, Art. 11) -----------------------------


def inspection_schedule(
    *,
    actor: Actor,
    kind: str,
    title: str,
    location: str,
    scheduled_at: datetime.datetime | None,
    invitees: Sequence[Department],
    item: ApprovalItem | None = None,
    important_file: ImportantFile | None = None,
) -> Inspection:
    """Schedule a joint site inspection or review and invite supervision departments at
    least 1 working day in advance (Art. 11, R15); earlier is refused, naming the earliest
    allowed time."""
    department = _approval_department_of(
        actor, _("Only the approval department organises joint inspections and reviews.")
    )
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if kind not in InspectionKind.values:
        _add(errors, "kind", _("Choose a joint site inspection or a joint review."))
    title = _text(errors, "title", title, limit=TITLE_MAX)
    location = _text(errors, "location", location, limit=TITLE_MAX)
    scheduled_at = _aware(scheduled_at) if scheduled_at else None
    earliest = _check_schedule(errors, scheduled_at, invited_at=now)
    invited = _check_invitees(errors, invitees, organiser=department, supervision_only=True)
    _check_own_file(errors, important_file, department)
    if important_file is not None and item is None:
        item = important_file.item
    _raise_if(errors)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            kind=kind,
            department=department,
            title=title,
            location=location,
            scheduled_at=scheduled_at,
            invited_at=now,
            earliest_at=earliest,
            item=item,
            important_file=important_file,
            created_by=_user(actor),
            created_by_label=actor.label,
            created_at=now,
        )
        InspectionParticipant.objects.bulk_create(
            InspectionParticipant(inspection=inspection, department=invitee, invited_at=now)
            for invitee in invited
        )
        audit_record(
            actor=actor,
            action="inspection.schedule",
            obj=inspection,
            details={
                "kind": kind,
                "scheduled_at": scheduled_at.isoformat(),
                "earliest_at": earliest.isoformat(),
                "invitees": [invitee.code for invitee in invited],
            },
            at=now,
        )
        _notify(
            invited,
            title=_("Invitation to a %(kind)s: %(title)s")
            % {"kind": InspectionKind(kind).label, "title": title},
            body=_(
                "%(department)s invites your department on %(when)s at %(where)s. Please "
                "confirm your attendance."
            )
            % {"department": department.name, "when": local_time(scheduled_at), "where": location},
            url=reverse("coordination:inspection-detail", args=[inspection.pk]),
            now=now,
        )
    return inspection


def _lock_inspection(inspection: Inspection) -> Inspection:
    """Lock the inspection row: confirmations, drafts and sign-offs of one inspection are
    serialised, so the last sign-off always sees every other and finalises the report."""
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


def _participant(actor: Actor, inspection: Inspection) -> InspectionParticipant:
    department = _department_of(actor)
    participant = InspectionParticipant.objects.filter(
        inspection=inspection, department=department
    ).first()
    if participant is None:
        raise PermissionDenied(_("Only an invited department can do this."))
    return participant


def inspection_confirm(*, actor: Actor, inspection: Inspection) -> InspectionParticipant:
    """An invited department confirms its attendance, until the report is drafted."""
    participant = _participant(actor, inspection)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_inspection(inspection)
        won = 0
        if locked.state == InspectionState.SCHEDULED:
            won = InspectionParticipant.objects.filter(
                pk=participant.pk, confirmed_at__isnull=True
            ).update(confirmed_at=now, confirmed_by_label=actor.label)
        if won:
            audit_record(
                actor=actor,
                action="inspection.confirm",
                obj=participant,
                details={"inspection": inspection.pk},
                at=now,
            )
            _notify(
                [locked.department],
                title=_("%(department)s confirmed attendance: %(title)s")
                % {"department": participant.department.name, "title": locked.title},
                body=local_time(locked.scheduled_at),
                url=reverse("coordination:inspection-detail", args=[inspection.pk]),
                now=now,
            )
    participant.refresh_from_db()
    if not won:
        if participant.confirmed_at is not None:
            raise CoordinationConflict(
                _("Attendance was already confirmed by %(who)s at %(when)s.")
                % {
                    "who": participant.confirmed_by_label,
                    "when": local_time(participant.confirmed_at),
                }
            )
        raise CoordinationConflict(
            _("The joint report is already drafted: attendance can no longer be confirmed.")
        )
    return participant


def _final_conflict(inspection: Inspection) -> CoordinationConflict:
    return CoordinationConflict(
        _("The joint report became final at %(when)s and can no longer be changed.")
        % {"when": local_time(inspection.finalised_at)}
    )


def inspection_report_draft(
    *, actor: Actor, inspection: Inspection, findings: str, conclusion: str
) -> Inspection:
    """The organiser drafts the one joint report after the visit, or revises its draft;
    a revision sends it back to every participant for sign-off. A final report is refused."""
    department = _department_of(actor)
    if department.pk != inspection.department_id:
        raise PermissionDenied(_("Only the organising department drafts the joint report."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    findings = _text(errors, "findings", findings, limit=50_000)
    conclusion = _text(errors, "conclusion", conclusion)
    with transaction.atomic():
        locked = _lock_inspection(inspection)
        if locked.state == InspectionState.FINAL:
            raise _final_conflict(locked)
        if now < locked.scheduled_at:
            _add(
                errors,
                "__all__",
                _("The visit is scheduled for %(when)s: draft the report after it.")
                % {"when": local_time(locked.scheduled_at)},
            )
        confirmed = list(
            locked.participants.filter(confirmed_at__isnull=False).select_related("department")
        )
        if not confirmed:
            _add(
                errors,
                "__all__",
                _(
                    "No invited department confirmed its attendance: a joint report needs at "
                    "least one participant."
                ),
            )
        _raise_if(errors)
        version = locked.report_version + 1
        won = Inspection.objects.filter(
            pk=locked.pk,
            state__in=[InspectionState.SCHEDULED, InspectionState.REPORT_DRAFTED],
            report_version=locked.report_version,
        ).update(
            state=InspectionState.REPORT_DRAFTED,
            report_findings=findings,
            report_conclusion=conclusion,
            report_version=version,
            report_drafted_by_label=actor.label,
            report_drafted_at=now,
        )
        if won:
            # A new version must be signed again by everyone.
            InspectionParticipant.objects.filter(
                inspection=locked, confirmed_at__isnull=False
            ).update(
                signoff=SignOff.PENDING,
                dissent="",
                signed_version=None,
                signed_by_label="",
                signed_at=None,
            )
            audit_record(
                actor=actor,
                action="inspection.report_draft",
                obj=locked,
                details={"version": version, "conclusion": conclusion[:500]},
                at=now,
            )
            _notify(
                [participant.department for participant in confirmed],
                title=_("Joint report to sign off: %(title)s") % {"title": locked.title},
                body=conclusion[:1000],
                url=reverse("coordination:inspection-detail", args=[locked.pk]),
                now=now,
            )
    inspection.refresh_from_db()
    if not won:
        raise CoordinationConflict(_("The report was changed meanwhile; reload and try again."))
    return inspection


def inspection_sign_off(
    *, actor: Actor, inspection: Inspection, agree: bool, dissent: str = ""
) -> InspectionParticipant:
    """A participating (confirmed) department signs off the drafted report or records its
    dissent; the last one makes the report final and immutable."""
    participant = _participant(actor, inspection)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    dissent = "" if agree else _text(errors, "dissent", dissent)
    if participant.confirmed_at is None:
        raise CoordinationConflict(
            _("Your department did not confirm its attendance: only participants sign the report.")
        )
    _raise_if(errors)
    finalised = False
    with transaction.atomic():
        locked = _lock_inspection(inspection)
        if locked.state == InspectionState.FINAL:
            raise _final_conflict(locked)
        if locked.state != InspectionState.REPORT_DRAFTED:
            raise CoordinationConflict(_("The joint report is not drafted yet."))
        won = InspectionParticipant.objects.filter(
            pk=participant.pk, signoff=SignOff.PENDING, confirmed_at__isnull=False
        ).update(
            signoff=SignOff.SIGNED if agree else SignOff.DISSENT,
            dissent=dissent,
            signed_version=locked.report_version,
            signed_by_label=actor.label,
            signed_at=now,
        )
        if won:
            audit_record(
                actor=actor,
                action="inspection.sign_off",
                obj=participant,
                details={
                    "inspection": locked.pk,
                    "version": locked.report_version,
                    "agree": agree,
                    "dissent": dissent[:500],
                },
                at=now,
            )
            pending = locked.participants.filter(
                confirmed_at__isnull=False, signoff=SignOff.PENDING
            )
            if not pending.exists():
                finalised = bool(
                    Inspection.objects.filter(
                        pk=locked.pk,
                        state=InspectionState.REPORT_DRAFTED,
                        report_version=locked.report_version,
                    ).update(state=InspectionState.FINAL, finalised_at=now)
                )
            if finalised:
                audit_record(
                    actor=None,
                    action="inspection.report_final",
                    obj=locked,
                    details={"version": locked.report_version},
                    department=locked.department,
                    at=now,
                )
                everyone = [locked.department] + [
                    p.department
                    for p in locked.participants.filter(confirmed_at__isnull=False).select_related(
                        "department"
                    )
                ]
                _notify(
                    everyone,
                    title=_("The joint report is final: %(title)s") % {"title": locked.title},
                    body=locked.report_conclusion[:1000],
                    url=reverse("coordination:inspection-detail", args=[locked.pk]),
                    now=now,
                )
    participant.refresh_from_db()
    if not won:
        raise CoordinationConflict(
            _("Your department already answered this report (%(who)s, %(when)s).")
            % {"who": participant.signed_by_label, "when": local_time(participant.signed_at)}
        )
    return participant


# Inquiry letters (函询, Art. 12, R16) -----------------------------------------------------------


def inquiry_send(
    *,
    actor: Actor,
    receiver: Department | None,
    subject: str,
    question: str,
    reply_working_days: int | None = INQUIRY_DEFAULT_WORKING_DAYS,
) -> Inquiry:
    """Send an inquiry letter to another department; its reply deadline is computed once,
    `reply_working_days` working days after sending (R0.1), and stored."""
    sender = _department_of(actor)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if receiver is None:
        _add(errors, "receiver", _("Choose the receiving department."))
    elif receiver.pk == sender.pk:
        _add(errors, "receiver", _("An inquiry goes to another department."))
    elif not receiver.active:
        _add(errors, "receiver", _("%(name)s is not active.") % {"name": receiver.name})
    subject = _text(errors, "subject", subject, limit=TITLE_MAX)
    question = _text(errors, "question", question)
    days = INQUIRY_DEFAULT_WORKING_DAYS if reply_working_days is None else reply_working_days
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not INQUIRY_MIN_WORKING_DAYS <= days <= INQUIRY_MAX_WORKING_DAYS
    ):
        _add(errors, "reply_working_days", _("Give 1 to 30 working days."))
    _raise_if(errors)
    deadline = add_working_days(now, days)
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            sender=sender,
            receiver=receiver,
            subject=subject,
            question=question,
            reply_working_days=days,
            sent_by=_user(actor),
            sent_by_label=actor.label,
            sent_at=now,
            deadline=deadline,
        )
        audit_record(
            actor=actor,
            action="inquiry.send",
            obj=inquiry,
            details={
                "receiver": receiver.code,
                "subject": subject,
                "working_days": days,
                "deadline": deadline.isoformat(),
            },
            at=now,
        )
        _notify(
            [receiver],
            title=_("Inquiry letter from %(sender)s: %(subject)s")
            % {"sender": sender.name, "subject": subject},
            body=_("Please reply by %(deadline)s; without a reply it is deemed consent.")
            % {"deadline": local_time(deadline)},
            url=reverse("coordination:inquiry-detail", args=[inquiry.pk]),
            now=now,
        )
    return inquiry


def inquiry_reply(*, actor: Actor, inquiry: Inquiry, text: str) -> Inquiry:
    """The receiver answers by the deadline: one conditional UPDATE decides. After the
    deadline the letter is deemed consent (if the sweep has not run yet, it runs for this
    letter now) and the reply is refused, naming the time."""
    department = _department_of(actor)
    if department.pk != inquiry.receiver_id:
        raise PermissionDenied(_("Only the receiving department replies to this inquiry."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    text = _text(errors, "text", text)
    _raise_if(errors)
    with transaction.atomic():
        won = Inquiry.objects.filter(
            pk=inquiry.pk, receiver=department, state=InquiryState.OPEN, deadline__gte=now
        ).update(
            state=InquiryState.ANSWERED,
            reply=text,
            replied_by=_user(actor),
            replied_by_label=actor.label,
            replied_at=now,
        )
        if won:
            audit_record(
                actor=actor,
                action="inquiry.reply",
                obj=inquiry,
                details={"sender": inquiry.sender.code, "text": text[:500]},
                at=now,
            )
            _notify(
                [inquiry.sender],
                title=_("%(receiver)s replied to your inquiry: %(subject)s")
                % {"receiver": department.name, "subject": inquiry.subject},
                body=text[:1000],
                url=reverse("coordination:inquiry-detail", args=[inquiry.pk]),
                now=now,
            )
    inquiry.refresh_from_db()
    if won:
        return inquiry
    if inquiry.state == InquiryState.OPEN and inquiry.deadline < now:
        inquiries_deem_consent(now=now, only_ids=[inquiry.pk])
        inquiry.refresh_from_db()
    if inquiry.state == InquiryState.DEEMED_CONSENT:
        raise InquiryDeemedConsent(
            _(
                "The reply deadline has passed: this inquiry became deemed consent at "
                "%(when)s, and the silence is recorded against your department."
            )
            % {"when": local_time(inquiry.deemed_consent_at or inquiry.deadline)}
        )
    raise CoordinationConflict(
        _("This inquiry was already answered by %(who)s at %(when)s.")
        % {"who": inquiry.replied_by_label, "when": local_time(inquiry.replied_at)}
    )


def inquiries_deem_consent(
    *,
    now: datetime.datetime | None = None,
    batch_size: int = SWEEP_BATCH_SIZE,
    only_ids: Sequence[int] | None = None,
) -> int:
    """Turn every open inquiry whose deadline has passed into deemed consent (视为同意, R16);
    return how many.

    Set-based and batched like the auto-claim sweep: each batch locks its rows (skipping rows
    another sweep or a reply holds), flips them in one UPDATE, charges the silence to the
    receiving department, writes the audit events and both sides' notices in bulk. Safe to
    run twice or concurrently.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            overdue = Inquiry.objects.filter(state=InquiryState.OPEN, deadline__lt=now)
            if only_ids is not None:
                overdue = overdue.filter(pk__in=only_ids)
            rows = list(
                for_update_skip_locked(overdue.order_by("deadline", "pk")).values_list(
                    "pk", "sender_id", "receiver_id", "deadline", "subject"
                )[:batch_size]
            )
            if not rows:
                return total
            ids = [pk for pk, *_rest in rows]
            Inquiry.objects.filter(pk__in=ids, state=InquiryState.OPEN).update(
                state=InquiryState.DEEMED_CONSENT, deemed_consent_at=F("deadline")
            )
            OverdueRecord.objects.bulk_create(
                [
                    OverdueRecord(
                        department_id=receiver_id,
                        obligation=Obligation.INQUIRY_REPLY,
                        object_type="coordination.inquiry",
                        object_id=str(pk),
                        deadline=deadline,
                        recorded_at=now,
                    )
                    for pk, _sender_id, receiver_id, deadline, _subject in rows
                ],
                ignore_conflicts=True,
            )
            departments = Department.objects.in_bulk(
                {sender_id for _pk, sender_id, *_r in rows}
                | {receiver_id for _pk, _s, receiver_id, *_r in rows}
            )
            audit_record_many(
                actor=None,
                action="inquiry.deemed_consent",
                entries=[
                    AuditEntry(
                        object_type="coordination.inquiry",
                        object_id=str(pk),
                        details={
                            "sender": departments[sender_id].code,
                            "deadline": deadline.isoformat(),
                            "overdue": True,
                        },
                        department=departments[receiver_id],
                    )
                    for pk, sender_id, receiver_id, deadline, _subject in rows
                ],
                at=now,
            )
            notices = []
            for pk, sender_id, receiver_id, deadline, subject in rows:
                url = reverse("coordination:inquiry-detail", args=[pk])
                when = local_time(deadline)
                notices.append(
                    DepartmentNotice(
                        sender_id,
                        _("No reply from %(receiver)s, deemed consent: %(subject)s")
                        % {"receiver": departments[receiver_id].name, "subject": subject},
                        _("The reply deadline %(when)s passed without a reply.") % {"when": when},
                        url,
                        kind=NoticeKind.COORDINATION,
                    )
                )
                notices.append(
                    DepartmentNotice(
                        receiver_id,
                        _("Inquiry deemed consent without your reply: %(subject)s")
                        % {"subject": subject},
                        _(
                            "The reply deadline %(when)s passed; the silence is recorded "
                            "against your department."
                        )
                        % {"when": when},
                        url,
                        kind=NoticeKind.COORDINATION,
                    )
                )
            departments_notify(notices=notices, now=now)
        total += len(rows)
        if len(rows) < batch_size:
            return total

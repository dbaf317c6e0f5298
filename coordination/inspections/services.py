"""Joint site inspections and reviews (联合踏勘 / 联合会审, Art. 11, R15) — every write; the
rules live here."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import ApprovalItem
from audit.services import audit_record
from coordination.models import (
    ImportantFile,
    Inspection,
    InspectionKind,
    InspectionParticipant,
    InspectionState,
    SignOff,
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
from linzi_platform.people import person_name, staff_names
from organizations.models import Department
from organizations.scoping import Actor


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
                    "who": person_name(participant.confirmed_by_label, staff_names()),
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

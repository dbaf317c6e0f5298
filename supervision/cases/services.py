"""Legacy cases (R17) — every write; the rules live here."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from counterparties.models import Counterparty
from linzi_platform.field_errors import add_error as _add
from notifications.services import PushConflict, department_notify
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor
from supervision.models import (
    CaseState,
    LegacyCase,
)
from supervision.services import _check_attachments, _check_text, _store_attachments


def case_open(
    *,
    actor: Actor,
    supervision_department: Department,
    title: str,
    description: str,
    counterparty: Counterparty | None = None,
) -> LegacyCase:
    """The approval department opens a legacy case and asks for a legal review opinion (R17)."""
    department = actor.require_kind(
        DepartmentKind.APPROVAL, _("Only the approval department opens legacy cases.")
    )
    errors: dict[str, list[str]] = {}
    title = _check_text(errors, "title", title, 200, _("The title"))
    description = _check_text(errors, "description", description, 10_000, _("The description"))
    if (
        supervision_department.kind != DepartmentKind.SUPERVISION
        or not supervision_department.active
    ):
        _add(errors, "supervision_department", _("Choose an active supervision department."))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        case = LegacyCase.objects.create(
            title=title,
            description=description,
            counterparty=counterparty,
            approval_department=department,
            supervision_department=supervision_department,
            opened_by_label=actor.label,
            opened_at=now,
        )
        audit_record(actor=actor, action="case.open", obj=case, details={"title": title}, at=now)
        _case_notify(
            case, supervision_department, _("Legal review opinion requested: %(title)s"), now
        )
    return case


def _case_notify(
    case: LegacyCase, department: Department, title: str, now: datetime.datetime
) -> None:
    department_notify(
        department=department,
        title=title % {"title": case.title},
        body=case.description[:500],
        url=reverse("supervision:case-detail", args=[case.pk]),
        now=now,
    )


def case_issue_opinion(
    *,
    actor: Actor,
    case: LegacyCase,
    opinion: str,
    requires_rectification: bool,
    attachments: Sequence[UploadedFile] = (),
) -> LegacyCase:
    """The supervision department issues its written legal review opinion (with the file)."""
    if actor.department is None or case.supervision_department_id != actor.department.pk:
        raise PermissionDenied(
            _("Only the supervision department asked for the opinion issues it.")
        )
    errors: dict[str, list[str]] = {}
    opinion = _check_text(errors, "opinion", opinion, 20_000, _("The opinion"))
    if not attachments:
        _add(errors, "attachments", _("Attach the signed legal review opinion."))
    _check_attachments(errors, attachments)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    to_state = CaseState.RECTIFYING if requires_rectification else CaseState.READY
    with transaction.atomic():
        updated = LegacyCase.objects.filter(pk=case.pk, state=CaseState.AWAITING_OPINION).update(
            state=to_state,
            opinion=opinion,
            opinion_requires_rectification=requires_rectification,
            opinion_by_label=actor.label,
            opinion_at=now,
        )
        if not updated:
            raise PushConflict(_("The opinion on this case has already been issued."))
        case.refresh_from_db()
        _store_attachments(attachments, actor=actor, now=now, case=case)
        audit_record(
            actor=actor,
            action="case.opinion",
            obj=case,
            details={"requires_rectification": requires_rectification},
            at=now,
        )
        _case_notify(
            case, case.approval_department, _("Legal review opinion issued: %(title)s"), now
        )
    return case


def case_verify_rectification(*, actor: Actor, case: LegacyCase, note: str) -> LegacyCase:
    """The supervision department records that the rectification passed its verification."""
    if actor.department is None or case.supervision_department_id != actor.department.pk:
        raise PermissionDenied(
            _("Only the reviewing supervision department verifies the rectification.")
        )
    errors: dict[str, list[str]] = {}
    note = _check_text(errors, "note", note, 5000, _("The verification note"))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        updated = LegacyCase.objects.filter(pk=case.pk, state=CaseState.RECTIFYING).update(
            state=CaseState.READY,
            rectification_note=note,
            rectification_verified_by_label=actor.label,
            rectification_verified_at=now,
        )
        if not updated:
            raise PushConflict(_("This case is not waiting for a rectification."))
        case.refresh_from_db()
        audit_record(
            actor=actor, action="case.rectification_verified", obj=case, details={}, at=now
        )
        _case_notify(case, case.approval_department, _("Rectification verified: %(title)s"), now)
    return case


def case_close(*, actor: Actor, case: LegacyCase, note: str) -> LegacyCase:
    """The approval department handles the case by the opinion and closes it; while the
    opinion's rectification is not verified by supervision, closing is refused (Art. 13)."""
    if actor.department is None or case.approval_department_id != actor.department.pk:
        raise PermissionDenied(_("Only the approval department handling the case closes it."))
    errors: dict[str, list[str]] = {}
    note = _check_text(errors, "note", note, 5000, _("How the case was handled"))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        updated = LegacyCase.objects.filter(pk=case.pk, state=CaseState.READY).update(
            state=CaseState.CLOSED, closing_note=note, closed_by_label=actor.label, closed_at=now
        )
        if not updated:
            case.refresh_from_db()
            if case.state == CaseState.RECTIFYING:
                raise PushConflict(
                    _(
                        "The opinion requires rectification: the case can be closed only after the "
                        "supervision department has verified it."
                    )
                )
            if case.state == CaseState.AWAITING_OPINION:
                raise PushConflict(_("The legal review opinion has not been issued yet."))
            raise PushConflict(_("This case is already closed."))
        case.refresh_from_db()
        audit_record(
            actor=actor, action="case.close", obj=case, details={"note": note[:500]}, at=now
        )
    return case

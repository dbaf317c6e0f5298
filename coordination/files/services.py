"""Important-matter files (R14): consultation, stakeholder opinions, hearings — every write;
the rules live here."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import ApprovalItem
from audit.services import audit_record
from coordination.models import (
    Consultation,
    Hearing,
    ImportantFile,
    StakeholderOpinion,
)
from coordination.services import (
    EARLIEST_DATE,
    TITLE_MAX,
    _approval_department_of,
    _department_of,
    _document,
    _document_fields,
    _notify,
    _text,
    _user,
)
from counterparties.validators import normalize_code, validate_credit_code, validate_id_number
from linzi_platform.field_errors import add_error as _add
from linzi_platform.field_errors import raise_if_errors as _raise_if
from organizations.models import Department
from organizations.scoping import Actor


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

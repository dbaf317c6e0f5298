"""Licence letters (R8) — every write; the rules live here."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.licence_status import (
    LicenceStatusConflict,
    licence_change_status,
    licence_record_change,
)
from approvals.models import Licence
from approvals.selectors import licences_visible
from audit.services import audit_record
from linzi_platform.field_errors import add_error as _add
from notifications.services import PushConflict, PushSubject, push_send
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor
from supervision import push_kinds
from supervision.models import (
    LetterAction,
    LetterEvent,
    LetterState,
    LicenceLetter,
)
from supervision.services import (
    LETTER_STATUS,
    _check_attachments,
    _check_text,
    _refuse_duplicate,
    _store_attachments,
    counterparty_ref,
    licence_ref,
)


def letter_send(
    *,
    actor: Actor,
    licence: Licence,
    action: str,
    document_no: str,
    legal_basis: str,
    penalty_result: str,
    attachments: Sequence[UploadedFile] = (),
) -> LicenceLetter:
    """A penalty needs the licence changed, withdrawn, revoked or cancelled: send a letter with
    the legal basis and the result as evidence to the approval department (R8)."""
    department = actor.require_kind(
        DepartmentKind.SUPERVISION, _("Only supervision departments send licence letters.")
    )
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if not licences_visible(actor=actor).filter(pk=licence.pk).exists():
        raise ValidationError(
            {"licence": [_("This licence is not one your department supervises.")]}
        )
    if action not in LetterAction.values:
        _add(errors, "action", _("Choose change, withdraw, revoke or cancel."))
    document_no = _check_text(errors, "document_no", document_no, 100, _("The letter number"))
    legal_basis = _check_text(errors, "legal_basis", legal_basis, 5000, _("The legal basis"))
    penalty_result = _check_text(
        errors, "penalty_result", penalty_result, 5000, _("The penalty result")
    )
    if not attachments:
        _add(errors, "attachments", _("Attach the penalty decision as evidence."))
    _check_attachments(errors, attachments)
    if errors:
        raise ValidationError(errors)
    _refuse_duplicate_letter(department, action, document_no)
    with transaction.atomic():
        try:
            with transaction.atomic():
                letter = LicenceLetter.objects.create(
                    department=department,
                    approval_department=licence.department,
                    licence=licence,
                    action=action,
                    document_no=document_no,
                    legal_basis=legal_basis,
                    penalty_result=penalty_result,
                    sent_by_label=actor.label,
                    sent_at=now,
                )
        except IntegrityError:
            _refuse_duplicate_letter(department, action, document_no)
            raise
        LetterEvent.objects.create(
            letter=letter,
            from_state="",
            to_state=LetterState.SUBMITTED,
            by_label=actor.label,
            at=now,
        )
        names = _store_attachments(attachments, actor=actor, now=now, letter=letter)
        audit_record(
            actor=actor,
            action="letter.send",
            obj=letter,
            details={"licence": licence.pk, "action": action, "document_no": document_no},
            at=now,
        )
        push_send(
            kind=push_kinds.LICENCE_LETTER,
            sender=department,
            receivers=[licence.department],
            payload={
                "letter_id": letter.pk,
                "action": action,
                "document_no": document_no,
                "department": {"code": department.code, "name": department.name},
                "licence": licence_ref(licence),
                "counterparty": counterparty_ref(licence.counterparty),
                "legal_basis": legal_basis,
                "penalty_result": penalty_result,
                "attachments": names,
            },
            subject=_letter_subject(letter),
            actor=actor,
            sent_at=now,
        )
    return letter


def _refuse_duplicate_letter(department: Department, action: str, document_no: str) -> None:
    existing = (
        LicenceLetter.objects.filter(department=department, action=action, document_no=document_no)
        .only("pk", "sent_at")
        .first()
    )
    if existing is not None:
        label = f"{LetterAction(action).label} {document_no}"
        message = _(
            "Your department already sent letter %(no)s (%(action)s) on %(at)s (record %(id)s); "
            "open that letter instead of sending it again."
        )
        arguments = {"no": document_no, "action": LetterAction(action).label}
        _refuse_duplicate(
            existing, existing.sent_at, "supervision:letter-detail", label, message, arguments
        )


def _letter_subject(letter: LicenceLetter) -> PushSubject:
    licence = letter.licence
    return PushSubject(
        subject_type="supervision.licenceletter",
        subject_id=str(letter.pk),
        title=" · ".join(
            [str(LetterAction(letter.action).label), licence.licence_no, licence.counterparty.name]
        ),
        counterparty_name=licence.counterparty.name,
        counterparty_code=licence.counterparty.code,
        reference_no=letter.document_no,
        item_code=licence.item.code,
    )


def letter_decide(*, actor: Actor, letter: LicenceLetter, accept: bool, note: str) -> LicenceLetter:
    """The approval department reviews a letter: accepting applies the action to the licence;
    the decision is pushed back to the supervision department either way (R8)."""
    if actor.department is None or letter.approval_department_id != actor.department.pk:
        raise PermissionDenied(_("Only the approval department that issued the licence decides."))
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": [_("Give the reasons for rejecting the letter.")]})
    if len(note) > 5000:
        raise ValidationError({"note": [_("The reasons are too long (5000 characters at most).")]})
    now = timezone.now()
    to_state = LetterState.ACCEPTED if accept else LetterState.REJECTED
    with transaction.atomic():
        updated = LicenceLetter.objects.filter(pk=letter.pk, state=LetterState.SUBMITTED).update(
            state=to_state, decided_by_label=actor.label, decided_at=now, decision_note=note
        )
        if not updated:
            raise PushConflict(_("This letter has already been decided."))
        letter.refresh_from_db()
        LetterEvent.objects.create(
            letter=letter,
            from_state=LetterState.SUBMITTED,
            to_state=to_state,
            note=note,
            by_label=actor.label,
            at=now,
        )
        reason = _("Licence letter %(no)s from %(department)s") % {
            "no": letter.document_no,
            "department": letter.department.name,
        }
        try:
            if accept and letter.action in LETTER_STATUS:
                licence_change_status(
                    licence=letter.licence,
                    to_status=LETTER_STATUS[LetterAction(letter.action)],
                    reason=f"{reason}：{note}" if note else reason,
                    actor=actor,
                    notify_except=letter.department,
                )
            elif accept:
                licence_record_change(
                    licence=letter.licence,
                    reason=f"{reason}：{note}" if note else reason,
                    actor=actor,
                    notify_except=letter.department,
                )
        except LicenceStatusConflict as exc:
            raise PushConflict(str(exc)) from exc
        letter.licence.refresh_from_db()
        audit_record(
            actor=actor,
            action="letter.accept" if accept else "letter.reject",
            obj=letter,
            details={"note": note[:500], "licence_status": letter.licence.status},
            at=now,
        )
        push_send(
            kind=push_kinds.LETTER_DECISION,
            sender=actor.department,
            receivers=[letter.department],
            payload={
                "letter_id": letter.pk,
                "document_no": letter.document_no,
                "action": letter.action,
                "decision": str(to_state),
                "note": note,
                "licence": licence_ref(letter.licence),
            },
            subject=_letter_subject(letter),
            actor=actor,
            sent_at=now,
        )
    return letter

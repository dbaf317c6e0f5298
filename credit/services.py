"""Credit approval (Art. 8, R9–R13): catalog, commitments, post-verification, revocation."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.licence_status import licence_change_status
from approvals.models import ApprovalItem, CreditMode, Licence, LicenceStatus
from approvals.selectors import licences_visible
from approvals.services import counterparty_snapshot
from audit.services import AuditEntry, audit_record, audit_record_many
from linzi_platform.field_errors import add_error as _add
from linzi_platform.uploads import validate_upload
from notifications.models import Obligation, OverdueRecord
from notifications.services import (
    PushConflict,
    PushSubject,
    department_notify,
    for_update_skip_locked,
    push_send,
)
from organizations.models import DepartmentKind
from organizations.scoping import Actor
from workdays.calendar import add_working_days

from . import push_kinds
from .models import (
    CreditCatalogEntry,
    CreditCatalogVersion,
    CreditCommitment,
    RevocationRequest,
    RevocationSource,
    RevocationState,
    Verification,
    VerificationFile,
    VerificationState,
)

VERIFICATION_WORKING_DAYS = 10
CATALOG_FIELDS = (
    "mode",
    "conditions",
    "materials",
    "commitment_text",
    "supervision_method",
    "legal_consequences",
)
MAX_RECTIFICATION_DAYS = 60


def catalog_editable_by(*, actor: Actor, item: ApprovalItem) -> bool:
    """Jointly kept (Art. 8): the approval department and the item's supervision departments."""
    if actor.is_platform_admin:
        return True
    department = actor.department
    if department is None:
        return False
    if department.kind == DepartmentKind.APPROVAL:
        return True
    return item.supervision_departments.filter(pk=department.pk).exists()


def credit_entry_save(*, actor: Actor, item: ApprovalItem, **fields: str) -> CreditCatalogEntry:
    """Create or change an item's credit-approval terms; the previous version is kept."""
    if not catalog_editable_by(actor=actor, item=item):
        raise PermissionDenied(
            _("Only the approval department and the item's supervision departments edit it.")
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name in CATALOG_FIELDS:
        value = str(fields.get(name) or "").strip()
        if not value:
            _add(errors, name, _("This field is required."))
        elif len(value) > 20_000:
            _add(errors, name, _("The text is too long (20000 characters at most)."))
        cleaned[name] = value
    if cleaned.get("mode") and cleaned["mode"] not in (
        CreditMode.EXEMPT,
        CreditMode.POST_VERIFICATION,
    ):
        _add(errors, "mode", _("Choose exempt from on-site verification or post-verification."))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        entry = CreditCatalogEntry.objects.select_for_update().filter(item=item).first()
        if entry is None:
            entry = CreditCatalogEntry(item=item, version=0)
            changed = list(CATALOG_FIELDS)
        else:
            changed = [name for name in CATALOG_FIELDS if getattr(entry, name) != cleaned[name]]
            if not changed:
                return entry
        for name, value in cleaned.items():
            setattr(entry, name, value)
        entry.version += 1
        entry.updated_by_label = actor.label
        entry.updated_at = now
        entry.save()
        CreditCatalogVersion.objects.create(
            entry=entry,
            version=entry.version,
            snapshot=cleaned,
            changed_fields=changed,
            changed_by_label=actor.label,
            changed_by_department=actor.department,
            changed_at=now,
        )
        ApprovalItem.objects.filter(pk=item.pk).update(credit_mode=cleaned["mode"], updated_at=now)
        audit_record(
            actor=actor,
            action="credit.catalog_save",
            obj=entry,
            details={"item": item.code, "version": entry.version, "changed": changed},
            at=now,
        )
    return entry


def credit_commitment_record(
    *,
    licence: Licence,
    commitment: dict[str, Any],
    actor: Actor,
    scan: UploadedFile | None = None,
) -> CreditCommitment:
    """Called inside licence_decide for a credit-approval item decided on the spot (R10):
    keeps the signed commitment (registered as the decision's CreditCommitmentCheck)."""
    if scan is not None:
        validate_upload(scan)
    entry = CreditCatalogEntry.objects.filter(item=licence.item).first()
    return CreditCommitment.objects.create(
        licence=licence,
        mode=_commitment_mode(licence, commitment),
        text=commitment["text"],
        signer=commitment.get("signer") or licence.counterparty.name,
        signed_at=datetime.datetime.fromisoformat(commitment["signed_at"]),
        scan=scan or "",
        catalog_version=entry.version if entry else None,
    )


def credit_verification_open(*, licence: Licence, actor: Actor) -> Verification | None:
    """Called inside licence_decide for a credit-approval item decided on the spot (R11):
    a post-verification item gets its 10-working-day on-site verification task (registered
    as the decision's VerificationStart). None for an exempt item."""
    if _commitment_mode(licence, licence.commitment) != CreditMode.POST_VERIFICATION:
        return None
    verification = Verification.objects.create(
        licence=licence,
        department=licence.department,
        deadline=add_working_days(licence.decided_at, VERIFICATION_WORKING_DAYS),
    )
    audit_record(
        actor=actor,
        action="credit.verification_open",
        obj=verification,
        details={"licence": licence.pk, "deadline": verification.deadline.isoformat()},
        at=licence.decided_at,
    )
    return verification


def _commitment_mode(licence: Licence, commitment: dict[str, Any] | None) -> str:
    return (commitment or {}).get("mode") or licence.item.credit_mode


def _approval_actor_for(actor: Actor, verification: Verification) -> None:
    if actor.department is None or verification.department_id != actor.department.pk:
        raise PermissionDenied(_("Only the approval department that decided verifies it."))


def _store_files(
    verification: Verification, files: Sequence[UploadedFile], actor: Actor, now: Any
) -> None:
    for upload in files:
        VerificationFile.objects.create(
            verification=verification,
            file=upload,
            name=upload.name[:200],
            uploaded_by_label=actor.label,
            uploaded_at=now,
        )


def _check_files(errors: dict[str, list[str]], files: Sequence[UploadedFile]) -> None:
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            for message in exc.messages:
                _add(errors, "files", f"{upload.name}: {message}")


def _push_result(verification: Verification, *, actor: Actor, now: datetime.datetime) -> None:
    licence = verification.licence
    push_send(
        kind=push_kinds.VERIFICATION_RESULT,
        sender=verification.department,
        receivers=list(licence.item.supervision_departments.filter(active=True).order_by("code")),
        payload={
            "verification_id": verification.pk,
            "licence_id": licence.pk,
            "licence_no": licence.licence_no,
            "item": {"code": licence.item.code, "name": licence.item.name},
            "counterparty": counterparty_snapshot(licence.counterparty),
            "result": verification.state,
            "notes": verification.rectification_notes or verification.notes,
            "verified_at": timezone.localtime(now).isoformat(),
            "rectification_deadline": (
                timezone.localtime(verification.rectification_deadline).isoformat()
                if verification.rectification_deadline
                else None
            ),
        },
        subject=PushSubject(
            subject_type="credit.verification",
            subject_id=str(verification.pk),
            title=f"{licence.item.name} · {licence.counterparty.name} · "
            f"{VerificationState(verification.state).label}",
            counterparty_name=licence.counterparty.name,
            counterparty_code=licence.counterparty.code,
            reference_no=licence.licence_no,
            item_code=licence.item.code,
        ),
        actor=actor,
        sent_at=now,
    )


def verification_record(
    *,
    actor: Actor,
    verification: Verification,
    met: bool,
    notes: str,
    files: Sequence[UploadedFile] = (),
    rectification_days: int | None = None,
) -> Verification:
    """Record the post-verification result (R11); "not met" opens a rectification with a
    deadline in working days (R12). The result is pushed to the supervision departments."""
    _approval_actor_for(actor, verification)
    errors: dict[str, list[str]] = {}
    notes = (notes or "").strip()
    if len(notes) > 10_000:
        _add(errors, "notes", _("The notes are too long (10000 characters at most)."))
    if not met:
        if not notes:
            _add(errors, "notes", _("Say which commitments are not met."))
        if rectification_days is None or not 1 <= rectification_days <= MAX_RECTIFICATION_DAYS:
            _add(
                errors,
                "rectification_days",
                _("Give a rectification period of 1 to 60 working days."),
            )
    _check_files(errors, files)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    late = now > verification.deadline
    with transaction.atomic():
        changes: dict[str, Any] = {
            "verified_at": now,
            "verified_by_label": actor.label,
            "notes": notes,
        }
        if met:
            changes.update(state=VerificationState.MET, closed_at=now)
        else:
            changes.update(
                state=VerificationState.RECTIFYING,
                rectification_days=rectification_days,
                rectification_deadline=add_working_days(now, rectification_days),
            )
        if late:
            changes["overdue"] = True
        updated = Verification.objects.filter(
            pk=verification.pk, state=VerificationState.PENDING
        ).update(**changes)
        if not updated:
            raise PushConflict(_("This verification has already been recorded."))
        verification.refresh_from_db()
        if late:
            _charge_overdue([verification], now=now)
        _store_files(verification, files, actor, now)
        audit_record(
            actor=actor,
            action="credit.verify",
            obj=verification,
            details={"met": met, "late": late, "rectification_days": rectification_days},
            at=now,
        )
        _push_result(verification, actor=actor, now=now)
    return verification


def rectification_record(
    *, actor: Actor, verification: Verification, met: bool, notes: str
) -> Verification:
    """The rectification's outcome: met closes it; still unmet puts the licence in the
    revocation queue (R12)."""
    _approval_actor_for(actor, verification)
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": [_("Describe the result of the rectification.")]})
    now = timezone.now()
    to_state = VerificationState.RECTIFIED if met else VerificationState.UNMET
    with transaction.atomic():
        updated = Verification.objects.filter(
            pk=verification.pk, state=VerificationState.RECTIFYING
        ).update(state=to_state, rectification_notes=notes[:10_000], closed_at=now)
        if not updated:
            raise PushConflict(_("This verification is not in rectification."))
        verification.refresh_from_db()
        audit_record(
            actor=actor,
            action="credit.rectification",
            obj=verification,
            details={"met": met},
            at=now,
        )
        if not met:
            _open_revocation(
                licence=verification.licence,
                source=RevocationSource.UNMET,
                reason=notes,
                now=now,
            )
        _push_result(verification, actor=actor, now=now)
    return verification


def _open_revocation(
    *,
    licence: Licence,
    source: str,
    reason: str,
    now: datetime.datetime,
    reported_by: Any = None,
) -> RevocationRequest:
    open_requests = RevocationRequest.objects.filter(licence=licence, state=RevocationState.OPEN)
    existing = open_requests.first()
    if existing is not None:
        return existing
    try:
        # The partial unique constraint decides between two reports arriving at once.
        with transaction.atomic():
            request = RevocationRequest.objects.create(
                licence=licence,
                department=licence.department,
                source=source,
                reported_by=reported_by,
                reason=reason,
                created_at=now,
            )
    except IntegrityError:
        return open_requests.get()
    department_notify(
        department=licence.department,
        title=_("Revocation to decide: %(licence)s") % {"licence": licence.licence_no},
        body=reason[:500],
        url=reverse("credit:revocation-detail", args=[request.pk]),
        now=now,
    )
    return request


def _charge_overdue(verifications: Sequence[Verification], *, now: datetime.datetime) -> None:
    OverdueRecord.objects.bulk_create(
        [
            OverdueRecord(
                department_id=v.department_id,
                obligation=Obligation.VERIFICATION,
                object_type="credit.verification",
                object_id=str(v.pk),
                deadline=v.deadline,
                recorded_at=now,
            )
            for v in verifications
        ],
        ignore_conflicts=True,
    )


def verifications_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Beat: mark verifications past their 10-working-day deadline as overdue (charged to the
    approval department), and put rectifications past their deadline into the revocation
    queue. Set-based where it can be; safe to run twice or concurrently."""
    now = now or timezone.now()
    with transaction.atomic():
        late = list(
            for_update_skip_locked(
                Verification.objects.filter(
                    state=VerificationState.PENDING, overdue=False, deadline__lt=now
                ).order_by("pk")
            )
        )
        if late:
            Verification.objects.filter(pk__in=[v.pk for v in late]).update(overdue=True)
            _charge_overdue(late, now=now)
            audit_record_many(
                actor=None,
                action="credit.verification_overdue",
                entries=[
                    AuditEntry(
                        object_type="credit.verification",
                        object_id=str(v.pk),
                        details={"deadline": v.deadline.isoformat()},
                        department=v.department,
                    )
                    for v in late
                ],
                at=now,
            )
    unmet = 0
    with transaction.atomic():
        expired = list(
            for_update_skip_locked(
                Verification.objects.select_related("licence", "licence__department")
                .filter(state=VerificationState.RECTIFYING, rectification_deadline__lt=now)
                .order_by("pk")
            )
        )
        for verification in expired:
            Verification.objects.filter(pk=verification.pk).update(
                state=VerificationState.UNMET, closed_at=now
            )
            _open_revocation(
                licence=verification.licence,
                source=RevocationSource.UNMET,
                reason=_(
                    "The rectification deadline %(deadline)s passed with the commitment unmet."
                )
                % {
                    "deadline": timezone.localtime(verification.rectification_deadline).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                },
                now=now,
            )
            audit_record(
                actor=None,
                action="credit.rectification_expired",
                obj=verification,
                details={},
                at=now,
            )
            unmet += 1
    return {"overdue": len(late), "unmet": unmet}


def breach_report(*, actor: Actor, licence: Licence, reason: str) -> RevocationRequest:
    """Supervision found a breached commitment or false materials: reported at once (a push),
    and the licence enters the approval department's revocation queue (R12)."""
    department = actor.require_kind(
        DepartmentKind.SUPERVISION, _("Only supervision departments report commitment breaches.")
    )
    if not licences_visible(actor=actor).filter(pk=licence.pk).exists():
        raise PermissionDenied(_("This licence is not one your department supervises."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Describe the breach or the false materials.")]})
    if len(reason) > 10_000:
        raise ValidationError({"reason": [_("The text is too long (10000 characters at most).")]})
    now = timezone.now()
    with transaction.atomic():
        request = _open_revocation(
            licence=licence,
            source=RevocationSource.BREACH,
            reason=reason,
            now=now,
            reported_by=department,
        )
        audit_record(
            actor=actor,
            action="credit.breach_report",
            obj=request,
            details={"licence": licence.pk},
            at=now,
        )
        push_send(
            kind=push_kinds.COMMITMENT_BREACH,
            sender=department,
            receivers=[licence.department],
            payload={
                "revocation_request_id": request.pk,
                "licence_id": licence.pk,
                "licence_no": licence.licence_no,
                "item": {"code": licence.item.code, "name": licence.item.name},
                "counterparty": counterparty_snapshot(licence.counterparty),
                "reason": reason,
                "department": {"code": department.code, "name": department.name},
            },
            subject=PushSubject(
                subject_type="credit.revocationrequest",
                subject_id=str(request.pk),
                title=f"{licence.item.name} · {licence.counterparty.name}",
                counterparty_name=licence.counterparty.name,
                counterparty_code=licence.counterparty.code,
                reference_no=licence.licence_no,
                item_code=licence.item.code,
            ),
            actor=actor,
            sent_at=now,
        )
    return request


def revocation_decide(
    *, actor: Actor, request: RevocationRequest, revoke: bool, note: str
) -> RevocationRequest:
    """The approval department revokes (through the licence status service, pushed to
    supervision) or dismisses with reasons."""
    if actor.department is None or request.department_id != actor.department.pk:
        raise PermissionDenied(_("Only the approval department that issued the licence decides."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Give the legal basis and reasons of the decision.")]})
    now = timezone.now()
    to_state = RevocationState.REVOKED if revoke else RevocationState.DISMISSED
    with transaction.atomic():
        updated = RevocationRequest.objects.filter(
            pk=request.pk, state=RevocationState.OPEN
        ).update(
            state=to_state,
            decided_at=now,
            decided_by_label=actor.label,
            decision_note=note[:10_000],
        )
        if not updated:
            raise PushConflict(_("This revocation request has already been decided."))
        request.refresh_from_db()
        if revoke:
            licence_change_status(
                licence=request.licence,
                to_status=LicenceStatus.REVOKED,
                reason=_("Credit commitment revocation: %(note)s") % {"note": note},
                actor=actor,
            )
            # Keep a finished verification's result (met, rectified) as history.
            Verification.objects.filter(
                licence=request.licence,
                state__in=[
                    VerificationState.PENDING,
                    VerificationState.RECTIFYING,
                    VerificationState.UNMET,
                ],
            ).update(state=VerificationState.REVOKED, closed_at=now)
        audit_record(
            actor=actor,
            action="credit.revoke" if revoke else "credit.revocation_dismissed",
            obj=request,
            details={"note": note[:500]},
            at=now,
        )
    return request

"""Every write of the supervision side (R6–R8, R17). Pushes go through the one engine."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.counterparties import counterparty_get_or_create
from approvals.models import Counterparty, Licence, LicenceStatus
from approvals.selectors import licences_visible
from approvals.services import (
    LicenceStatusConflict,
    licence_change_status,
    licence_record_change,
    licence_status_change_refusal,
)
from audit.services import audit_record
from linzi_platform.errors import DuplicateRecord, ExistingRecord
from linzi_platform.field_errors import add_error as _add
from linzi_platform.uploads import validate_upload
from notifications.services import PushConflict, PushSubject, department_notify, push_send
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor
from workdays.calendar import CALENDAR_TZ

from . import push_kinds
from .models import (
    LICENCE_KINDS,
    PENALTY_KINDS,
    ActionKind,
    CaseState,
    CounterpartyListing,
    Evidence,
    LegacyCase,
    LetterAction,
    LetterEvent,
    LetterState,
    LicenceLetter,
    ListingType,
    SupervisionAction,
    SuspensionEnd,
)
from .selectors import access_rules

EARLIEST = datetime.date(1990, 1, 1)
MAX_ATTACHMENTS = 10
LETTER_STATUS = {
    LetterAction.WITHDRAW: LicenceStatus.WITHDRAWN,
    LetterAction.REVOKE: LicenceStatus.REVOKED,
    LetterAction.CANCEL: LicenceStatus.CANCELLED,
}
ACTION_STATUS = {
    ActionKind.SUSPENSION: LicenceStatus.SUSPENDED,
    ActionKind.REVOCATION: LicenceStatus.REVOKED,
}


def _check_attachments(errors: dict[str, list[str]], attachments: Sequence[UploadedFile]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        _add(errors, "attachments", _("At most 10 files can be attached."))
    for upload in attachments:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            for message in exc.messages:
                _add(errors, "attachments", f"{upload.name}: {message}")


def _store_attachments(
    attachments: Sequence[UploadedFile], *, actor: Actor, now: datetime.datetime, **owner: Any
) -> list[str]:
    names = []
    for upload in attachments:
        Evidence.objects.create(
            file=upload,
            name=upload.name[:200],
            size=upload.size or 0,
            uploaded_by_label=actor.label,
            uploaded_at=now,
            **owner,
        )
        names.append(upload.name[:200])
    return names


def _check_text(
    errors: dict[str, list[str]], field: str, value: str, limit: int, label: str
) -> str:
    value = (value or "").strip()
    if not value:
        _add(errors, field, _("%(field)s is required.") % {"field": label})
    elif len(value) > limit:
        _add(
            errors,
            field,
            _("%(field)s is too long (%(limit)d characters at most).")
            % {"field": label, "limit": limit},
        )
    return value


def _check_date(
    errors: dict[str, list[str]], field: str, value: datetime.date | None, today: datetime.date
) -> None:
    if value is None:
        _add(errors, field, _("The date is required."))
    elif value > today:
        _add(errors, field, _("The date cannot be in the future."))
    elif value < EARLIEST:
        _add(errors, field, _("The date must lie between 1990-01-01 and 2100-12-31."))


def licence_ref(licence: Licence) -> dict[str, Any]:
    return {
        "id": licence.pk,
        "licence_no": licence.licence_no,
        "item": {"code": licence.item.code, "name": licence.item.name},
        "status": licence.status,
    }


def counterparty_ref(counterparty: Counterparty) -> dict[str, Any]:
    return {
        "name": counterparty.name,
        "credit_code": counterparty.credit_code,
        "id_number": counterparty.id_number,
    }


def approval_departments() -> list[Department]:
    return list(
        Department.objects.filter(kind=DepartmentKind.APPROVAL, active=True).order_by("code")
    )


def supervision_action_record(
    *,
    actor: Actor,
    kind: str,
    document_no: str,
    decided_on: datetime.date | None,
    summary: str,
    counterparty: dict[str, Any] | None = None,
    licence: Licence | None = None,
    attachments: Sequence[UploadedFile] = (),
    listing: dict[str, Any] | None = None,
    suspended_until: datetime.date | None = None,
) -> SupervisionAction:
    """Record supervision information and push it to the approval department at once (R6).

    A suspension or revocation also changes the licence's status, and that change is pushed
    to every other department supervising the licence. A suspension may set its last day
    (`suspended_until`); a lifting action ends the department's suspensions of the licence
    early (R8). A listing (R7) may come with a penalty. One department records one document
    number once for one kind (DuplicateRecord, 409).
    """
    department = actor.require_kind(
        DepartmentKind.SUPERVISION,
        _("Only supervision departments record supervision actions."),
    )
    now = timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, list[str]] = {}
    if kind not in ActionKind.values:
        _add(errors, "kind", _("Unknown kind of supervision information."))
    document_no = _check_text(errors, "document_no", document_no, 100, _("The document number"))
    summary = _check_text(errors, "summary", summary, 10_000, _("The summary"))
    _check_date(errors, "decided_on", decided_on, today)
    if licence is not None and not licences_visible(actor=actor).filter(pk=licence.pk).exists():
        _add(errors, "licence", _("This licence is not one your department supervises."))
        licence = None
    if kind in LICENCE_KINDS and licence is None and "licence" not in errors:
        _add(errors, "licence", _("A suspension or revocation must name the licence it concerns."))
    if kind in PENALTY_KINDS and not counterparty and licence is None:
        _add(errors, "counterparty", _("A penalty must name the counterparty it concerns."))
    if kind in ACTION_STATUS and licence is not None:
        refusal = licence_status_change_refusal(licence)
        if refusal:
            _add(errors, "licence", refusal)
    _check_suspension_period(errors, kind, suspended_until, decided_on, today)
    lifted: list[SupervisionAction] = []
    if kind == ActionKind.SUSPENSION_LIFT and licence is not None:
        lifted = list(suspensions_open(licence=licence).filter(department=department))
        if not lifted:
            _add(
                errors,
                "licence",
                _("Your department has no suspension order in force on this licence."),
            )
    if listing and kind not in PENALTY_KINDS:
        _add(errors, "listing", _("Only a penalty can list the counterparty."))
    if counterparty is not None and not isinstance(counterparty, dict):
        _add(errors, "counterparty", _("The counterparty must be an object."))
        counterparty = None
    listing = _clean_listing(errors, listing, today)
    _check_attachments(errors, attachments)
    if errors:
        raise ValidationError(errors)
    _refuse_duplicate_action(department, kind, document_no)

    concerns_holder = kind in PENALTY_KINDS or kind in LICENCE_KINDS
    with transaction.atomic():
        party = licence.counterparty if licence is not None else None
        if counterparty and concerns_holder:
            try:
                given = counterparty_get_or_create(**_counterparty_arguments(counterparty))
            except ValidationError as exc:
                raise ValidationError(
                    {f"counterparty.{k}": v for k, v in exc.message_dict.items()}
                ) from exc
            if party is not None and given.pk != party.pk:
                raise ValidationError(
                    {"counterparty": [_("The counterparty is not the holder of this licence.")]}
                )
            party = given
        if listing is not None and party is None:
            raise ValidationError({"listing": [_("A listing needs a counterparty.")]})
        action = _create_action(
            kind=kind,
            department=department,
            document_no=document_no,
            decided_on=decided_on,
            summary=summary,
            counterparty=party if concerns_holder else None,
            licence=licence if concerns_holder else None,
            suspended_until=suspended_until if kind == ActionKind.SUSPENSION else None,
            recorded_by_label=actor.label,
            recorded_at=now,
        )
        names = _store_attachments(attachments, actor=actor, now=now, action=action)
        if listing is not None:
            listing_add(
                actor=actor,
                counterparty=party,
                listing_type=listing["type"],
                source_document=document_no,
                until=listing["until"],
                reason=summary[:1000],
                action=action,
            )
        audit_record(
            actor=actor,
            action="supervision.action",
            obj=action,
            details={
                "kind": kind,
                "document_no": document_no,
                "licence": licence.pk if licence else None,
                "suspended_until": action.suspended_until.isoformat()
                if action.suspended_until
                else None,
            },
            at=now,
        )
        party_name = action.counterparty.name if action.counterparty else ""
        push_send(
            kind=push_kinds.SUPERVISION_ACTION,
            sender=department,
            # About a licence: its issuing department; otherwise every approval department.
            receivers=[licence.department] if licence is not None else approval_departments(),
            payload={
                "action_id": action.pk,
                "kind": kind,
                "department": {"code": department.code, "name": department.name},
                "document_no": document_no,
                "decided_on": decided_on.isoformat(),
                "summary": summary,
                "counterparty": counterparty_ref(action.counterparty)
                if action.counterparty
                else None,
                "licence": licence_ref(action.licence) if action.licence else None,
                "listing": {
                    "type": listing["type"],
                    "until": listing["until"].isoformat() if listing["until"] else None,
                }
                if listing
                else None,
                "attachments": names,
                "suspended_until": action.suspended_until.isoformat()
                if action.suspended_until
                else None,
                "lifts": [
                    {"action_id": order.pk, "document_no": order.document_no} for order in lifted
                ],
            },
            subject=PushSubject(
                subject_type="supervision.supervisionaction",
                subject_id=str(action.pk),
                title=f"{ActionKind(kind).label} · {party_name or document_no}",
                counterparty_name=action.counterparty.name if action.counterparty else "",
                counterparty_code=action.counterparty.code if action.counterparty else "",
                reference_no=document_no,
                item_code=action.licence.item.code if action.licence else "",
            ),
            actor=actor,
            sent_at=now,
        )
        if kind in ACTION_STATUS and licence is not None:
            licence_change_status(
                licence=licence,
                to_status=ACTION_STATUS[ActionKind(kind)],
                reason=f"{ActionKind(kind).label}（{document_no}）：{summary[:500]}",
                actor=actor,
            )
        if lifted:
            _suspensions_end(
                lifted,
                how=SuspensionEnd.LIFTED,
                actor=actor,
                now=now,
                reason=f"{ActionKind.SUSPENSION_LIFT.label}（{document_no}）",
                lifted_by=action,
            )
    return action


def _check_suspension_period(
    errors: dict[str, list[str]],
    kind: str,
    until: datetime.date | None,
    decided_on: datetime.date | None,
    today: datetime.date,
) -> None:
    if until is None:
        return
    if kind != ActionKind.SUSPENSION:
        _add(errors, "suspended_until", _("Only a suspension order has a suspension period."))
    elif until < today or (decided_on is not None and until < decided_on):
        _add(
            errors,
            "suspended_until",
            _("The last day of the suspension cannot be before today or the decision date."),
        )


def _create_action(**fields: Any) -> SupervisionAction:
    """Insert the action; a concurrent twin with the same document number loses to the
    unique constraint and gets the same 409 as a sequential one."""
    try:
        with transaction.atomic():
            return SupervisionAction.objects.create(**fields)
    except IntegrityError:
        _refuse_duplicate_action(fields["department"], fields["kind"], fields["document_no"])
        raise


def _refuse_duplicate_action(department: Department, kind: str, document_no: str) -> None:
    existing = (
        SupervisionAction.objects.filter(department=department, kind=kind, document_no=document_no)
        .only("pk", "recorded_at")
        .first()
    )
    if existing is not None:
        label = f"{ActionKind(kind).label} {document_no}"
        message = _(
            "Your department already recorded %(kind)s %(no)s on %(at)s (record %(id)s); "
            "open that record instead of recording it again."
        )
        arguments = {"kind": ActionKind(kind).label, "no": document_no}
        _refuse_duplicate(
            existing, existing.recorded_at, "supervision:action-detail", label, message, arguments
        )


def _refuse_duplicate(
    existing: Any,
    when: datetime.datetime,
    url_name: str,
    label: str,
    message: str,
    arguments: dict[str, Any],
) -> None:
    """Raise the 409 naming the record the department already holds (R6)."""
    recorded = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
    raise DuplicateRecord(
        message % {**arguments, "at": recorded, "id": existing.pk},
        field="document_no",
        existing=ExistingRecord(
            id=existing.pk, label=label, url=reverse(url_name, args=[existing.pk])
        ),
    )


def suspensions_open(*, licence: Licence | None = None) -> Any:
    """Suspension orders not yet ended (by their period or by a lifting action)."""
    orders = SupervisionAction.objects.filter(
        kind=ActionKind.SUSPENSION, suspension_ended_at__isnull=True, licence__isnull=False
    )
    return orders.filter(licence=licence) if licence is not None else orders


def _suspensions_end(
    orders: Sequence[SupervisionAction],
    *,
    how: str,
    actor: Actor,
    now: datetime.datetime,
    reason: str,
    lifted_by: SupervisionAction | None = None,
) -> list[SupervisionAction]:
    """End suspension orders; a licence whose last open order ended returns to valid (R8).

    Valid is the only status a suspension can start from that is not itself a suspension:
    revoked, withdrawn and cancelled are final and refuse a suspension, and stay final here.
    Each order is claimed with one conditional UPDATE, so a second run ends nothing twice.
    """
    ended = []
    for order in orders:
        claimed = SupervisionAction.objects.filter(
            pk=order.pk, suspension_ended_at__isnull=True
        ).update(suspension_ended_at=now, suspension_end=how, suspension_lifted_by=lifted_by)
        if not claimed:
            continue
        order.suspension_ended_at, order.suspension_end = now, how
        ended.append(order)
        audit_record(
            actor=actor,
            action="supervision.suspension_end",
            obj=order,
            details={"how": how, "licence": order.licence_id, "document_no": order.document_no},
            at=now,
        )
        licence = Licence.objects.select_related("item", "counterparty", "department").get(
            pk=order.licence_id
        )
        still_suspended = suspensions_open(licence=licence).exists()
        if licence.status == LicenceStatus.SUSPENDED and not still_suspended:
            licence_change_status(
                licence=licence, to_status=LicenceStatus.VALID, reason=reason, actor=actor
            )
    return ended


def suspensions_end_due(*, now: datetime.datetime) -> int:
    """Beat: suspension orders whose last day is before today (Asia/Shanghai) end, and the
    licence returns to valid at the start of the next day; the approval department that issued
    the licence gets a push (R8). Safe to run twice or concurrently."""
    today = now.astimezone(CALENDAR_TZ).date()
    due = (
        suspensions_open()
        .filter(suspended_until__lt=today)
        .select_related("department", "licence__item", "licence__counterparty")
        .order_by("suspended_until", "pk")
    )
    count = 0
    for order in due:
        with transaction.atomic():
            # The suspending department acts through the platform (label "system").
            actor = Actor(department=order.department, role=None)
            reason = _("The suspension period of %(no)s ended on %(day)s.") % {
                "no": order.document_no,
                "day": order.suspended_until.isoformat(),
            }
            if not _suspensions_end(
                [order], how=SuspensionEnd.EXPIRED, actor=actor, now=now, reason=reason
            ):
                continue
            licence = Licence.objects.select_related("item", "counterparty", "department").get(
                pk=order.licence_id
            )
            push_send(
                kind=push_kinds.SUSPENSION_ENDED,
                sender=order.department,
                receivers=[licence.department],
                payload={
                    "action_id": order.pk,
                    "document_no": order.document_no,
                    "department": {"code": order.department.code, "name": order.department.name},
                    "licence": licence_ref(licence),
                    "counterparty": counterparty_ref(licence.counterparty),
                    "decided_on": order.decided_on.isoformat(),
                    "suspended_until": order.suspended_until.isoformat(),
                    "ended_on": today.isoformat(),
                },
                subject=PushSubject(
                    subject_type="supervision.supervisionaction",
                    subject_id=str(order.pk),
                    title=f"{_('Suspension ended')} · {licence.counterparty.name}",
                    counterparty_name=licence.counterparty.name,
                    counterparty_code=licence.counterparty.code,
                    reference_no=order.document_no,
                    item_code=licence.item.code,
                ),
                actor=actor,
                sent_at=now,
            )
            count += 1
    return count


def _counterparty_arguments(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": str(data.get("name") or ""),
        "credit_code": data.get("credit_code") or None,
        "id_number": data.get("id_number") or None,
        "contact_name": str(data.get("contact_name") or ""),
        "contact_phone": str(data.get("contact_phone") or ""),
    }


def _clean_listing(
    errors: dict[str, list[str]], listing: Any, today: datetime.date
) -> dict[str, Any] | None:
    if not listing:
        return None
    if not isinstance(listing, dict):
        _add(errors, "listing", _("The listing must be an object with a type and an end date."))
        return None
    listing_type = listing.get("type")
    until = listing.get("until")
    if until is not None and not isinstance(until, str | datetime.date):
        _add(errors, "listing", _("The end date of the listing is not a valid date."))
        return None
    if isinstance(until, str):
        try:
            until = datetime.date.fromisoformat(until)
        except ValueError:
            _add(errors, "listing", _("The end date of the listing is not a valid date."))
            return None
    if listing_type not in ListingType.values:
        _add(errors, "listing", _("The listing type must be business anomaly or dishonest list."))
        return None
    if until is not None and until < today:
        _add(errors, "listing", _("The end date of the listing is already past."))
        return None
    return {"type": listing_type, "until": until}


def listing_add(
    *,
    actor: Actor,
    counterparty: Counterparty,
    listing_type: str,
    source_document: str,
    until: datetime.date | None,
    reason: str = "",
    action: SupervisionAction | None = None,
) -> CounterpartyListing:
    """List a counterparty as business anomaly or dishonest (R7) until a date or removal.

    A listing added on its own is pushed to the approval departments at once (R6); one that
    comes with a supervision action travels in that action's push."""
    department = actor.require_kind(
        DepartmentKind.SUPERVISION, _("Only supervision departments list counterparties.")
    )
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if listing_type not in ListingType.values:
        _add(
            errors,
            "listing_type",
            _("The listing type must be business anomaly or dishonest list."),
        )
    source_document = _check_text(
        errors, "source_document", source_document, 200, _("The source document")
    )
    if until is not None and until < timezone.localdate(now):
        _add(errors, "until", _("The end date of the listing is already past."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        listing = CounterpartyListing.objects.create(
            counterparty=counterparty,
            listing_type=listing_type,
            department=department,
            source_document=source_document,
            reason=(reason or "").strip(),
            listed_on=timezone.localdate(now),
            until=until,
            action=action,
            created_by_label=actor.label,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="listing.add",
            obj=listing,
            details={
                "counterparty": counterparty.code,
                "type": listing_type,
                "until": until.isoformat() if until else None,
            },
            at=now,
        )
        if action is None:
            _listing_push(listing, actor=actor, now=now)
    return listing


def _listing_push(listing: CounterpartyListing, *, actor: Actor, now: datetime.datetime) -> None:
    """Push a listing added or lifted to every approval department (R6, R7): a lifted one
    tells approval staff that the counterparty is back to normal access."""
    lifted = listing.removed_at is not None
    party = listing.counterparty
    department = listing.department
    type_label = ListingType(listing.listing_type).label
    title = (_("Removed from the %(list)s") if lifted else _("Put on the %(list)s")) % {
        "list": type_label
    }
    push_send(
        kind=push_kinds.LISTING,
        sender=department,
        receivers=approval_departments(),
        payload={
            "listing_id": listing.pk,
            "event": "lifted" if lifted else "listed",
            "listing_type": listing.listing_type,
            "access_level": access_rules()[listing.listing_type],
            "department": {"code": department.code, "name": department.name},
            "counterparty": counterparty_ref(party),
            "source_document": listing.source_document,
            "reason": listing.reason,
            "listed_on": listing.listed_on.isoformat(),
            "until": listing.until.isoformat() if listing.until else None,
            "lifted_on": timezone.localdate(listing.removed_at).isoformat() if lifted else None,
            "removal_reason": listing.removal_reason,
        },
        subject=PushSubject(
            subject_type="supervision.counterpartylisting",
            subject_id=str(listing.pk),
            title=f"{title} · {party.name}",
            counterparty_name=party.name,
            counterparty_code=party.code,
            reference_no=listing.source_document,
            item_code="",
        ),
        actor=actor,
        sent_at=now,
    )


def listing_remove(
    *, actor: Actor, listing: CounterpartyListing, reason: str
) -> CounterpartyListing:
    """End a listing before its date; only the department that listed it may."""
    if actor.department is None or listing.department_id != actor.department.pk:
        raise PermissionDenied(_("Only the department that listed the counterparty can remove it."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for removing the listing.")]})
    now = timezone.now()
    with transaction.atomic():
        updated = CounterpartyListing.objects.filter(pk=listing.pk, removed_at__isnull=True).update(
            removed_at=now, removed_by_label=actor.label, removal_reason=reason[:2000]
        )
        if not updated:
            raise PushConflict(_("This listing was already removed."))
        audit_record(
            actor=actor,
            action="listing.remove",
            obj=listing,
            details={"reason": reason[:500]},
            at=now,
        )
        listing.refresh_from_db()
        _listing_push(listing, actor=actor, now=now)
    return listing


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

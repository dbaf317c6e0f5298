"""Approval decisions (R1, R2) and licence status changes; every write of the approval side."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from notifications.services import PushSubject, push_send
from organizations.scoping import Actor

from . import push_kinds
from .counterparties import counterparty_get_or_create
from .models import (
    ApprovalItem,
    Counterparty,
    CreditMode,
    Licence,
    LicenceStatus,
    LicenceStatusChange,
)
from .selectors import LICENCE_SUBJECT

EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
INTEGRATED_LICENCE_FIELDS = ("title", "scope")
COMMITMENT_TEXT_MAX = 20_000


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_dates(
    errors: dict[str, list[str]],
    *,
    licence_date: datetime.date | None,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    today: datetime.date,
) -> None:
    for field, value in (
        ("licence_date", licence_date),
        ("valid_from", valid_from),
        ("valid_to", valid_to),
    ):
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            _add(errors, field, _("The date must lie between 1990-01-01 and 2100-12-31."))
    if licence_date is None:
        _add(errors, "licence_date", _("The licence date is required."))
    elif licence_date > today:
        _add(errors, "licence_date", _("The licence date cannot be in the future."))
    if valid_from is None:
        _add(errors, "valid_from", _("The start of validity is required."))
    if valid_from and valid_to and valid_to < valid_from:
        _add(errors, "valid_to", _("The end of validity cannot be before its start."))


def _clean_integrated_licence(
    errors: dict[str, list[str]], item: ApprovalItem, info: dict[str, Any] | None
) -> dict[str, Any] | None:
    if not item.integrated_licence:
        return None
    info = {k: str(v).strip() for k, v in (info or {}).items() if v not in (None, "")}
    missing = [field for field in INTEGRATED_LICENCE_FIELDS if not info.get(field)]
    if missing:
        _add(
            errors,
            "integrated_licence",
            _(
                "This item is issued as an integrated licence: its face info (licence title and "
                "licensed scope) is required."
            ),
        )
        return None
    return info


def _clean_commitment(
    errors: dict[str, list[str]],
    item: ApprovalItem,
    commitment: dict[str, Any] | None,
    now: datetime.datetime,
) -> dict[str, Any] | None:
    if not item.needs_commitment:
        return None
    commitment = commitment or {}
    text = str(commitment.get("text") or "").strip()
    signed_at = commitment.get("signed_at")
    mode = commitment.get("mode") or (
        item.credit_mode if item.credit_mode != CreditMode.NONE else ""
    )
    if not text:
        _add(
            errors, "commitment", _("This item requires the applicant's signed commitment letter.")
        )
    elif len(text) > COMMITMENT_TEXT_MAX:
        _add(
            errors, "commitment", _("The commitment letter is too long (20000 characters at most).")
        )
    if isinstance(signed_at, str):
        try:
            signed_at = datetime.datetime.fromisoformat(signed_at)
        except ValueError:
            signed_at = None
            _add(errors, "commitment", _("The signing time of the commitment is not a valid time."))
    if signed_at is None:
        if text:
            _add(errors, "commitment", _("The signing time of the commitment is required."))
    else:
        if timezone.is_naive(signed_at):
            signed_at = timezone.make_aware(signed_at)
        if signed_at > now + datetime.timedelta(minutes=5):
            _add(errors, "commitment", _("The commitment cannot be signed in the future."))
    if item.credit_mode != CreditMode.NONE and mode != item.credit_mode:
        _add(
            errors,
            "commitment",
            _("This item's credit-approval mode is “%(mode)s”.")
            % {"mode": CreditMode(item.credit_mode).label},
        )
    if "commitment" in errors:
        return None
    cleaned = {"text": text, "signed_at": signed_at.isoformat()}
    if mode:
        cleaned["mode"] = mode
    signer = str(commitment.get("signer") or "").strip()
    if signer:
        cleaned["signer"] = signer[:100]
    return cleaned


def counterparty_snapshot(counterparty: Counterparty) -> dict[str, Any]:
    return {
        "name": counterparty.name,
        "credit_code": counterparty.credit_code,
        "id_number": counterparty.id_number,
        "contact_name": counterparty.contact_name,
        "contact_phone": counterparty.contact_phone,
    }


def licence_decide(
    *,
    actor: Actor,
    item: ApprovalItem,
    counterparty: dict[str, Any],
    licence_no: str,
    licence_date: datetime.date | None,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None = None,
    integrated_licence: dict[str, Any] | None = None,
    commitment: dict[str, Any] | None = None,
) -> Licence:
    """Record an approval decision and push it to every responsible supervision department
    in one transaction (R1, R2): nothing is half-written."""
    department = actor.department
    if department is None or not department.is_approval:
        raise PermissionDenied(_("Only the approval department records licence decisions."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    licence_no = (licence_no or "").strip()
    if not licence_no:
        _add(errors, "licence_no", _("The licence number is required."))
    elif len(licence_no) > 64:
        _add(errors, "licence_no", _("The licence number is too long (64 characters at most)."))
    if not item.active:
        _add(errors, "item", _("This item is no longer in the catalog."))
    receivers = list(item.supervision_departments.filter(active=True).order_by("code"))
    if not receivers:
        _add(errors, "item", _("No responsible supervision department is set for this item."))
    _check_dates(
        errors,
        licence_date=licence_date,
        valid_from=valid_from,
        valid_to=valid_to,
        today=timezone.localdate(now),
    )
    face_info = _clean_integrated_licence(errors, item, integrated_licence)
    commitment_letter = _clean_commitment(errors, item, commitment, now)
    if licence_no and Licence.objects.filter(department=department, licence_no=licence_no).exists():
        _add(errors, "licence_no", _("This licence number has already been recorded."))
    try:
        with transaction.atomic():
            # Inside the transaction: a failure later on must not leave a new counterparty.
            try:
                party = counterparty_get_or_create(**_counterparty_arguments(counterparty))
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        _add(errors, f"counterparty.{field}", message)
            if errors:
                raise ValidationError(errors)
            licence = Licence.objects.create(
                item=item,
                counterparty=party,
                department=department,
                licence_no=licence_no,
                licence_date=licence_date,
                valid_from=valid_from,
                valid_to=valid_to,
                integrated_licence=face_info,
                commitment=commitment_letter,
                decided_by=actor.user if getattr(actor.user, "pk", None) else None,
                decided_by_label=actor.label,
                decided_at=now,
            )
            LicenceStatusChange.objects.create(
                licence=licence,
                from_status="",
                to_status=LicenceStatus.VALID,
                reason=_("Licence granted"),
                changed_by_label=actor.label,
                changed_at=now,
            )
            audit_record(
                actor=actor,
                action="licence.decide",
                obj=licence,
                details={
                    "item": item.code,
                    "licence_no": licence_no,
                    "counterparty": party.code,
                    "receivers": [receiver.code for receiver in receivers],
                },
                at=now,
            )
            push_send(
                kind=push_kinds.APPROVAL_DECISION,
                sender=department,
                receivers=receivers,
                payload=decision_payload(licence),
                subject=_licence_subject(licence),
                actor=actor,
                sent_at=now,
            )
    except IntegrityError as exc:
        # Two clerks recording the same licence number at once: the loser gets a field error.
        raise ValidationError(
            {"licence_no": [_("This licence number has already been recorded.")]}
        ) from exc
    return licence


def _counterparty_arguments(data: dict[str, Any] | None) -> dict[str, Any]:
    data = data or {}
    return {
        "name": str(data.get("name") or ""),
        "credit_code": data.get("credit_code") or None,
        "id_number": data.get("id_number") or None,
        "contact_name": str(data.get("contact_name") or ""),
        "contact_phone": str(data.get("contact_phone") or ""),
    }


def _licence_subject(licence: Licence) -> PushSubject:
    return PushSubject(
        subject_type=LICENCE_SUBJECT,
        subject_id=str(licence.pk),
        title=f"{licence.item.name} · {licence.counterparty.name}",
        counterparty_name=licence.counterparty.name,
        counterparty_code=licence.counterparty.code,
        reference_no=licence.licence_no,
        item_code=licence.item.code,
    )


def decision_payload(licence: Licence) -> dict[str, Any]:
    return {
        "licence_id": licence.pk,
        "item": {"code": licence.item.code, "name": licence.item.name},
        "approval_department": {"code": licence.department.code, "name": licence.department.name},
        "counterparty": counterparty_snapshot(licence.counterparty),
        "licence_no": licence.licence_no,
        "licence_date": licence.licence_date.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_to": licence.valid_to.isoformat() if licence.valid_to else None,
        "decided_at": timezone.localtime(licence.decided_at).isoformat(),
        "integrated_licence": licence.integrated_licence,
        "commitment": licence.commitment,
    }


def licence_change_status(
    *,
    licence: Licence,
    to_status: LicenceStatus,
    reason: str,
    actor: Actor,
    notify_except: Any = None,
) -> Licence:
    """Change a licence's status and push the change to every department supervising it."""
    now = timezone.now()
    with transaction.atomic():
        current = Licence.objects.select_for_update().get(pk=licence.pk)
        if current.status == to_status:
            return current
        from_status = current.status
        Licence.objects.filter(pk=current.pk).update(status=to_status)
        current.status = to_status
        LicenceStatusChange.objects.create(
            licence=current,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            changed_by_label=actor.label,
            changed_at=now,
        )
        audit_record(
            actor=actor,
            action="licence.status_change",
            obj=current,
            details={"from": from_status, "to": str(to_status), "reason": reason[:500]},
            at=now,
        )
        receivers = [
            department
            for department in current.item.supervision_departments.filter(active=True)
            if department != notify_except and department != actor.department
        ]
        push_send(
            kind=push_kinds.LICENCE_STATUS_CHANGE,
            sender=actor.department,
            receivers=receivers,
            payload={
                "licence_id": current.pk,
                "item": {"code": current.item.code, "name": current.item.name},
                "counterparty": counterparty_snapshot(current.counterparty),
                "licence_no": current.licence_no,
                "from_status": from_status,
                "to_status": str(to_status),
                "reason": reason,
                "changed_at": timezone.localtime(now).isoformat(),
            },
            subject=_licence_subject(current),
            actor=actor,
            sent_at=now,
        )
    return current

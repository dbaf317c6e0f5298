"""Supervision actions (R6) and suspensions ending (R6) — every write; the rules live here."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.licence_status import (
    licence_change_status,
    licence_status_change_refusal,
)
from approvals.models import Licence, LicenceStatus
from approvals.selectors import licences_visible
from audit.services import audit_record
from counterparties.services import counterparty_get_or_create
from linzi_platform.field_errors import add_error as _add
from notifications.services import PushSubject, push_send
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor
from supervision import push_kinds
from supervision.listings.services import listing_add
from supervision.models import (
    LICENCE_KINDS,
    PENALTY_KINDS,
    ActionKind,
    SupervisionAction,
    SuspensionEnd,
)
from supervision.services import (
    ACTION_STATUS,
    _check_attachments,
    _check_date,
    _check_text,
    _clean_listing,
    _counterparty_arguments,
    _refuse_duplicate,
    _store_attachments,
    approval_departments,
    counterparty_ref,
    licence_ref,
)
from workdays.calendar import CALENDAR_TZ


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

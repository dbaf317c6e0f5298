"""Approval decisions (R1, R2): every write of a decision. Status changes after the decision
live in approvals/licence_status.py."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_deferred, audit_record
from counterparties.models import Counterparty
from counterparties.services import counterparty_problems, counterparty_record
from linzi_platform.field_errors import FieldErrors, raise_if_errors
from linzi_platform.field_errors import add_error as _add
from linzi_platform.uploads import validate_upload
from notifications.services import PushSubject, push_send
from organizations.models import Department
from organizations.scoping import Actor

from . import push_kinds
from .decision_checks import (
    CreditCommitmentCheck,
    DecisionAccess,
    ImportantMatterGate,
    VerificationStart,
    counterparty_access,
    counterparty_found_with_access,
    decision_check,
)
from .models import (
    ApprovalItem,
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
    *,
    credit: bool,
) -> dict[str, Any] | None:
    if not (item.notification_commitment or credit):
        return None
    commitment = commitment or {}
    text = str(commitment.get("text") or "").strip()
    signed_at = commitment.get("signed_at")
    mode = (commitment.get("mode") or item.credit_mode) if credit else ""
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
    if credit and mode != item.credit_mode:
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


@dataclass(frozen=True)
class DecisionInput:
    """What a clerk submits for one approval decision (R2): the web form and the API both
    build one, so ``licence_decision_problems`` and ``licence_decide`` read the same thing.

    ``counterparty`` holds name, credit_code or id_number, contact_name and contact_phone as
    typed; ``important_file`` is the chosen important-matter file (R14), ``commitment_scan``
    the optional scan of a credit-approval commitment (R10)."""

    item: ApprovalItem
    counterparty: dict[str, Any]
    licence_no: str
    licence_date: datetime.date | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None = None
    integrated_licence: dict[str, Any] | None = None
    commitment: dict[str, Any] | None = None
    access_acknowledged: bool = False
    ordinary_procedure: bool = False
    commitment_scan: UploadedFile | None = None
    important_file: Any = None


@dataclass
class _DecisionCheck:
    """What checking a decision found: its problems by field, and what the write needs."""

    errors: FieldErrors
    receivers: list[Any]
    face_info: dict[str, Any] | None
    commitment_letter: dict[str, Any] | None
    credit: bool
    access: DecisionAccess
    # The counterparty on record with the given code, as the check read it (None: new).
    counterparty: Counterparty | None = None


def _decision_check(
    *, actor: Actor, decision: DecisionInput, now: datetime.datetime
) -> _DecisionCheck:
    """Every rule a decision must pass, read-only: all problems are collected, none stops the
    others, so one submit names every bad field (R2, R7, R10, R14)."""
    errors: FieldErrors = {}
    item = decision.item
    licence_no = _check_licence_no(errors, decision.licence_no)
    receivers = _check_item(errors, item, licence_no=licence_no, actor=actor)
    _check_dates(
        errors,
        licence_date=decision.licence_date,
        valid_from=decision.valid_from,
        valid_to=decision.valid_to,
        today=timezone.localdate(now),
    )
    face_info = _clean_integrated_licence(errors, item, decision.integrated_licence)
    # A credit-approval item decided on the spot against a signed commitment (Art. 8), unless
    # the clerk uses the ordinary procedure (always open; the only one for strict access).
    credit = item.credit_mode != CreditMode.NONE and not decision.ordinary_procedure
    commitment_letter = _clean_commitment(errors, item, decision.commitment, now, credit=credit)
    _check_commitment_scan(errors, decision.commitment_scan)
    _check_important_file(errors, item=item, important_file=decision.important_file, actor=actor)
    _check_licence_no_unused(errors, licence_no=licence_no, actor=actor, receivers=receivers)
    counterparty, access = _check_counterparty(errors, decision.counterparty)
    _check_access(errors, access=access, acknowledged=decision.access_acknowledged, credit=credit)
    return _DecisionCheck(
        errors=errors,
        receivers=receivers,
        face_info=face_info,
        commitment_letter=commitment_letter,
        credit=credit,
        access=access,
        counterparty=counterparty,
    )


def _check_licence_no(errors: FieldErrors, licence_no: str) -> str:
    licence_no = (licence_no or "").strip()
    if not licence_no:
        _add(errors, "licence_no", _("The licence number is required."))
    elif len(licence_no) > 64:
        _add(errors, "licence_no", _("The licence number is too long (64 characters at most)."))
    return licence_no


# The item's active supervision departments by code, each with whether the caller's
# department has recorded the licence number: the ORM's query, written out because every
# decision runs it and building it took longer than running it (make bench, P1). A test
# holds its names to the models.
_RECEIVERS_SQL = """
SELECT d.*, EXISTS (
    SELECT 1 FROM "approvals_licence" l WHERE l."department_id" = %s AND l."licence_no" = %s
) AS "licence_no_used"
FROM "organizations_department" d
JOIN "approvals_approvalitem_supervision_departments" m ON m."department_id" = d."id"
WHERE m."approvalitem_id" = %s AND d."active"
ORDER BY d."code"
"""


def _check_item(
    errors: FieldErrors, item: ApprovalItem, *, licence_no: str = "", actor: Actor | None = None
) -> list[Any]:
    """The item is in the catalog and has departments to push to (R1); those departments.
    Each carries ``licence_no_used`` (whether the caller's department has recorded this
    licence number), read with them for ``_check_licence_no_unused``: one query less."""
    if not item.active:
        _add(errors, "item", _("This item is no longer in the catalog."))
    if licence_no and actor is not None:
        department_id = actor.department.pk if actor.department is not None else None
        receivers = list(
            Department.objects.raw(_RECEIVERS_SQL, [department_id, licence_no, item.pk])
        )
    else:
        receivers = list(item.supervision_departments.filter(active=True).order_by("code"))
    if not receivers:
        _add(errors, "item", _("No responsible supervision department is set for this item."))
    return receivers


def _check_commitment_scan(errors: FieldErrors, scan: UploadedFile | None) -> None:
    # Checked here, with the other fields: inside the transaction a bad scan surfaced as
    # a bare ValidationError without a field (a 500 in the decision form).
    if scan is None:
        return
    try:
        validate_upload(scan)
    except ValidationError as exc:
        for message in exc.messages:
            _add(errors, "commitment_scan", message)


def _check_important_file(
    errors: FieldErrors, *, item: ApprovalItem, important_file: Any, actor: Actor
) -> None:
    """R14: an important item's decision is refused until its file holds the consultations,
    the stakeholder opinions and the hearing (or why none was needed); each gap is named."""
    if not item.is_important:
        return
    gate = decision_check(ImportantMatterGate)
    if important_file is None or gate is None:
        _add(
            errors,
            "important_file",
            _(
                "This is an important item: choose its important-matter file (consultation, "
                "stakeholder opinions, hearing) before deciding."
            ),
        )
        return
    if not gate.files_for(item=item, actor=actor).filter(pk=important_file.pk).exists():
        _add(errors, "important_file", _("Choose an important-matter file of this item."))
        return
    for missing in gate.missing(file=important_file):
        _add(errors, "important_file", _("Missing: %(what)s") % {"what": missing})


def _licence_numbered(licence_no: str, actor: Actor) -> QuerySet[Licence]:
    return Licence.objects.filter(department=actor.department, licence_no=licence_no)


def _check_licence_no_unused(
    errors: FieldErrors, *, licence_no: str, actor: Actor, receivers: list[Any]
) -> None:
    if not licence_no:
        return
    if receivers:  # read with them (_check_item)
        used = receivers[0].licence_no_used
    else:
        used = _licence_numbered(licence_no, actor).exists()
    if used:
        _add(errors, "licence_no", _("This licence number has already been recorded."))


def _check_counterparty(
    errors: FieldErrors, counterparty: dict[str, Any]
) -> tuple[Counterparty | None, DecisionAccess]:
    """The counterparty's problems under ``counterparty.<field>``; the counterparty on record
    (None when new or when the input has problems) and its access (R7): a new one has no
    listing, so normal access."""
    arguments = _counterparty_arguments(counterparty)
    problems = counterparty_problems(**arguments)
    for field, messages in ValidationError(problems).message_dict.items() if problems else ():
        for message in messages:
            _add(errors, f"counterparty.{field}", message)
    if problems:
        return None, counterparty_access_check(None)
    return counterparty_found_with_access(
        credit_code=arguments["credit_code"], id_number=arguments["id_number"]
    )


def _check_access(
    errors: FieldErrors, *, access: DecisionAccess, acknowledged: bool, credit: bool
) -> None:
    """R7: a limited access is decided only once acknowledged; strict access excludes
    credit approval (R10)."""
    if access.is_limited and not acknowledged:
        _add(
            errors,
            "access_acknowledged",
            _(
                "This counterparty is under %(level)s: confirm that you have seen the "
                "reasons before deciding."
            )
            % {"level": access.label},
        )
    if credit and access.level == "strict":
        _add(
            errors,
            "ordinary_procedure",
            _(
                "This applicant is on the dishonest list (strict access) and cannot use "
                "credit approval: handle the application by the ordinary procedure."
            ),
        )


def licence_decision_problems(*, actor: Actor, decision: DecisionInput) -> FieldErrors:
    """What ``licence_decide`` would refuse, by field, without writing anything: the web
    form shows these next to its own parse errors, so one submit names every problem."""
    return _decision_check(actor=actor, decision=decision, now=timezone.now()).errors


def licence_decide(*, actor: Actor, decision: DecisionInput, savepoint: bool = True) -> Licence:
    """Record an approval decision and push it to every responsible supervision department
    in one transaction (R1, R2): nothing is half-written. The pushes made are on the
    returned licence as ``pushes_created`` (for the answer, without reading them back).

    Every problem is collected before anything is written and raised as one ValidationError
    keyed by field. The decision's audit events are chained when the work is done
    (``audit_deferred``), so concurrent decisions wait for each other's chain lock only
    around their commits. Inside a caller's transaction the decision is a savepoint, so the
    caller may carry on after a refusal; a caller whose transaction fails whole with it (the
    API's Idempotency-Key transaction) passes ``savepoint=False`` and spares the pair."""
    _refuse_unless_approval_department(actor)
    now = timezone.now()
    check = _decision_check(actor=actor, decision=decision, now=now)
    raise_if_errors(check.errors)
    try:
        with transaction.atomic(savepoint=savepoint), audit_deferred():
            licence = _licence_create(actor=actor, decision=decision, check=check, now=now)
            if check.credit:
                _credit_decision_record(
                    licence=licence, decision=decision, check=check, actor=actor
                )
            _licence_status_start(licence, actor=actor, now=now)
            _decision_audit(licence, decision=decision, check=check, actor=actor, now=now)
            licence.pushes_created = _decision_push(
                licence, receivers=check.receivers, actor=actor, now=now
            )
    except IntegrityError as exc:
        # Two clerks recording the same licence number at once: the loser gets a field error.
        raise ValidationError(
            {"licence_no": [_("This licence number has already been recorded.")]}
        ) from exc
    return licence


def _refuse_unless_approval_department(actor: Actor) -> None:
    department = actor.department
    if department is None or not department.is_approval:
        raise PermissionDenied(_("Only the approval department records licence decisions."))


def _licence_create(
    *, actor: Actor, decision: DecisionInput, check: _DecisionCheck, now: datetime.datetime
) -> Licence:
    """The counterparty (the one the check found, brought up to date, or recorded) and the
    licence, with the R7 access the clerk saw and the R14 file the decision was made on."""
    party = counterparty_record(
        on_record=check.counterparty, **_counterparty_arguments(decision.counterparty)
    )
    access, item = check.access, decision.item
    return Licence.objects.create(
        item=item,
        counterparty=party,
        department=actor.department,
        licence_no=decision.licence_no.strip(),
        licence_date=decision.licence_date,
        valid_from=decision.valid_from,
        valid_to=decision.valid_to,
        integrated_licence=check.face_info,
        commitment=check.commitment_letter,
        decided_by=actor.user if getattr(actor.user, "pk", None) else None,
        decided_by_label=actor.label,
        decided_at=now,
        access_level=access.level,
        access_reasons=access.reasons,
        access_acknowledged_at=now if access.is_limited else None,
        important_file_id=decision.important_file.pk if item.is_important else None,
    )


def _credit_decision_record(
    *, licence: Licence, decision: DecisionInput, check: _DecisionCheck, actor: Actor
) -> None:
    """R10, R11: the signed commitment is kept and the on-site verification opened by the
    credit side, through what it registered (nothing when no app did)."""
    commitment = decision_check(CreditCommitmentCheck)
    if commitment is not None:
        commitment.record(
            licence=licence,
            commitment=check.commitment_letter,
            actor=actor,
            scan=decision.commitment_scan,
        )
    verification = decision_check(VerificationStart)
    if verification is not None:
        verification.start(licence=licence, actor=actor)


def _licence_status_start(licence: Licence, *, actor: Actor, now: datetime.datetime) -> None:
    LicenceStatusChange.objects.create(
        licence=licence,
        from_status="",
        to_status=LicenceStatus.VALID,
        reason=_("Licence granted"),
        changed_by_label=actor.label,
        changed_at=now,
    )


def _decision_audit(
    licence: Licence,
    *,
    decision: DecisionInput,
    check: _DecisionCheck,
    actor: Actor,
    now: datetime.datetime,
) -> None:
    item = decision.item
    audit_record(
        actor=actor,
        action="licence.decide",
        obj=licence,
        details={
            "item": item.code,
            "licence_no": licence.licence_no,
            "counterparty": licence.counterparty.code,
            "receivers": [receiver.code for receiver in check.receivers],
            "access": check.access.level,
            "access_acknowledged": check.access.is_limited,
            "procedure": "credit" if check.credit else "ordinary",
            "important_file": decision.important_file.pk if item.is_important else None,
        },
        at=now,
    )


def _decision_push(
    licence: Licence, *, receivers: list[Any], actor: Actor, now: datetime.datetime
) -> list[Any]:
    """R1: the decision goes to every responsible supervision department at once."""
    return push_send(
        kind=push_kinds.APPROVAL_DECISION,
        sender=actor.department,
        receivers=receivers,
        payload=decision_payload(licence),
        subject=licence_subject(licence),
        actor=actor,
        sent_at=now,
    )


def counterparty_access_check(counterparty: Counterparty | None) -> DecisionAccess:
    """R7 check of a counterparty (the supervision side keeps the listings and registers
    the check)."""
    return counterparty_access(counterparty)


def _counterparty_arguments(data: dict[str, Any] | None) -> dict[str, Any]:
    data = data or {}
    return {
        "name": str(data.get("name") or ""),
        "credit_code": data.get("credit_code") or None,
        "id_number": data.get("id_number") or None,
        "contact_name": str(data.get("contact_name") or ""),
        "contact_phone": str(data.get("contact_phone") or ""),
    }


def licence_subject(licence: Licence) -> PushSubject:
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
        "supervision_code": licence.supervision_code,
        "licence_date": licence.licence_date.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_to": licence.valid_to.isoformat() if licence.valid_to else None,
        "decided_at": timezone.localtime(licence.decided_at).isoformat(),
        "integrated_licence": licence.integrated_licence,
        "commitment": licence.commitment,
    }

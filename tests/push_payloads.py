"""One push of each kind, sent through the real services with every key its payload can
carry, and the ways a stored snapshot can differ from what the services send today (R2)."""

import datetime
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.licence_status import licence_change_status
from approvals.models import CreditMode, LicenceStatus
from approvals.services import DecisionInput, licence_decide
from credit.models import Verification
from credit.services import breach_report, verification_record
from notifications.models import Push
from organizations.scoping import actor_for_user
from supervision.actions.services import supervision_action_record, suspensions_end_due
from supervision.letters.services import letter_decide, letter_send
from supervision.listings.services import listing_add, listing_remove
from tests.factories import ApprovalItemFactory, valid_credit_code

SHANGHAI = ZoneInfo("Asia/Shanghai")

APPROVAL_DECISION = "approval_decision"
LICENCE_STATUS_CHANGE = "licence_status_change"
SUPERVISION_ACTION = "supervision_action"
LICENCE_LETTER = "licence_letter"
LETTER_DECISION = "licence_letter_decision"
VERIFICATION_RESULT = "credit_verification_result"
COMMITMENT_BREACH = "commitment_breach"
LISTING = "listing"
SUSPENSION_ENDED = "suspension_ended"

# Every key (dotted below a nested dict) each kind's payload carries when the services send
# it in full; test_the_case_table_names_every_key_the_services_send keeps it honest.
_COUNTERPARTY = [
    "counterparty",
    "counterparty.name",
    "counterparty.credit_code",
    "counterparty.id_number",
    "counterparty.contact_name",
    "counterparty.contact_phone",
]
_ITEM = ["item", "item.code", "item.name"]
_DEPARTMENT = ["department", "department.code", "department.name"]
_LICENCE_REF = [
    "licence",
    "licence.id",
    "licence.licence_no",
    "licence.item",
    "licence.item.code",
    "licence.item.name",
    "licence.status",
]
KEY_PATHS: dict[str, list[str]] = {
    APPROVAL_DECISION: [
        "licence_id",
        *_ITEM,
        "approval_department",
        "approval_department.code",
        "approval_department.name",
        *_COUNTERPARTY,
        "licence_no",
        "supervision_code",
        "licence_date",
        "valid_from",
        "valid_to",
        "decided_at",
        "integrated_licence",
        "integrated_licence.title",
        "integrated_licence.scope",
        "commitment",
        "commitment.text",
        "commitment.signed_at",
        "commitment.signer",
    ],
    LICENCE_STATUS_CHANGE: [
        "licence_id",
        *_ITEM,
        *_COUNTERPARTY,
        "licence_no",
        "from_status",
        "to_status",
        "reason",
        "changed_at",
    ],
    SUPERVISION_ACTION: [
        "action_id",
        "kind",
        *_DEPARTMENT,
        "document_no",
        "decided_on",
        "summary",
        "counterparty",
        "counterparty.name",
        "counterparty.credit_code",
        "counterparty.id_number",
        *_LICENCE_REF,
        "listing",
        "listing.type",
        "listing.until",
        "attachments",
        "suspended_until",
        "lifts",
    ],
    LICENCE_LETTER: [
        "letter_id",
        "action",
        "document_no",
        *_DEPARTMENT,
        *_LICENCE_REF,
        "counterparty",
        "counterparty.name",
        "counterparty.credit_code",
        "counterparty.id_number",
        "legal_basis",
        "penalty_result",
        "attachments",
    ],
    LETTER_DECISION: ["letter_id", "document_no", "action", "decision", "note", *_LICENCE_REF],
    VERIFICATION_RESULT: [
        "verification_id",
        "licence_id",
        "licence_no",
        *_ITEM,
        *_COUNTERPARTY,
        "result",
        "notes",
        "verified_at",
        "rectification_deadline",
    ],
    COMMITMENT_BREACH: [
        "revocation_request_id",
        "licence_id",
        "licence_no",
        *_ITEM,
        *_COUNTERPARTY,
        "reason",
        *_DEPARTMENT,
    ],
    LISTING: [
        "listing_id",
        "event",
        "listing_type",
        "access_level",
        *_DEPARTMENT,
        "counterparty",
        "counterparty.name",
        "counterparty.credit_code",
        "counterparty.id_number",
        "source_document",
        "reason",
        "listed_on",
        "until",
        "lifted_on",
        "removal_reason",
    ],
    SUSPENSION_ENDED: [
        "action_id",
        "document_no",
        *_DEPARTMENT,
        *_LICENCE_REF,
        "counterparty",
        "counterparty.name",
        "counterparty.credit_code",
        "counterparty.id_number",
        "decided_on",
        "suspended_until",
        "ended_on",
    ],
}
KINDS = list(KEY_PATHS)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def pdf(name: str = "处罚决定书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test decision", content_type="application/pdf")


def _counterparty(n: int) -> dict[str, Any]:
    return {
        "name": f"临淄齐鲁化工贸易有限公司{n}",
        "credit_code": valid_credit_code(f"91370305MA3P{n:04d}"),
        "contact_name": "孙七",
        "contact_phone": "13700000001",
    }


def _licence(approval_clerk, item, n: int, **extra: Any):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        return licence_decide(
            actor=actor_for_user(approval_clerk),
            decision=DecisionInput(
                item=item,
                counterparty=_counterparty(n),
                licence_no=f"鲁淄许字〔2026〕{n:06d}",
                licence_date=datetime.date(2026, 9, 30),
                valid_from=datetime.date(2026, 9, 30),
                valid_to=datetime.date(2031, 9, 29),
                **extra,
            ),
        )


def _commitment() -> dict[str, Any]:
    return {
        "text": "本单位郑重承诺：所提交材料真实有效，已符合许可条件。",
        "signed_at": "2026-09-30T09:30:00+08:00",
        "signer": "临淄齐鲁化工贸易有限公司 法定代表人 王建",
    }


def _plain_item(supervision_department):
    return ApprovalItemFactory(
        code="hazchem-snap",
        name="危险化学品经营许可",
        supervision_departments=[supervision_department],
    )


def _approval_decision(approval_clerk, supervision_clerk) -> None:
    department = supervision_clerk.membership.department
    item = ApprovalItemFactory(
        code="integrated-snap",
        name="食品经营许可（一业一证）",
        integrated_licence=True,
        notification_commitment=True,
        supervision_departments=[department],
    )
    _licence(
        approval_clerk,
        item,
        1,
        integrated_licence={"title": "临淄区行业综合许可证", "scope": "预包装食品销售"},
        commitment=_commitment(),
    )


def _licence_status_change(approval_clerk, supervision_clerk) -> None:
    licence = _licence(approval_clerk, _plain_item(supervision_clerk.membership.department), 2)
    with time_machine.travel(at("2026-10-09T10:00"), tick=False):
        licence_change_status(
            licence=licence,
            to_status=LicenceStatus.SUSPENDED,
            reason="责令停产停业整顿",
            actor=actor_for_user(approval_clerk),
        )


def _supervision_action(approval_clerk, supervision_clerk) -> None:
    licence = _licence(approval_clerk, _plain_item(supervision_clerk.membership.department), 3)
    with time_machine.travel(at("2026-10-09T10:00"), tick=False):
        supervision_action_record(
            actor=actor_for_user(supervision_clerk),
            kind="penalty",
            document_no="临市监罚〔2026〕15号",
            decided_on=datetime.date(2026, 10, 8),
            summary="超范围经营，罚款五千元。",
            counterparty=_counterparty(3),
            licence=licence,
            attachments=[pdf()],
            listing={"type": "anomaly", "until": "2027-10-08"},
        )


def _letter(approval_clerk, supervision_clerk, n: int):
    licence = _licence(approval_clerk, _plain_item(supervision_clerk.membership.department), n)
    with time_machine.travel(at("2026-10-09T10:00"), tick=False):
        return letter_send(
            actor=actor_for_user(supervision_clerk),
            licence=licence,
            action="revoke",
            document_no=f"临市监函〔2026〕{n}号",
            legal_basis="《中华人民共和国行政许可法》第六十九条",
            penalty_result="吊销许可证",
            attachments=[pdf()],
        )


def _licence_letter(approval_clerk, supervision_clerk) -> None:
    _letter(approval_clerk, supervision_clerk, 4)


def _letter_decision(approval_clerk, supervision_clerk) -> None:
    letter = _letter(approval_clerk, supervision_clerk, 5)
    with time_machine.travel(at("2026-10-10T10:00"), tick=False):
        letter_decide(
            actor=actor_for_user(approval_clerk), letter=letter, accept=True, note="证据充分。"
        )


def _credit_licence(approval_clerk, supervision_clerk, n: int):
    item = ApprovalItemFactory(
        code="pharmacy-snap",
        name="药品零售企业经营许可",
        credit_mode=CreditMode.POST_VERIFICATION,
        supervision_departments=[supervision_clerk.membership.department],
    )
    return _licence(
        approval_clerk,
        item,
        n,
        commitment={**_commitment(), "mode": CreditMode.POST_VERIFICATION},
    )


def _verification_result(approval_clerk, supervision_clerk) -> None:
    licence = _credit_licence(approval_clerk, supervision_clerk, 6)
    with time_machine.travel(at("2026-10-12T10:00"), tick=False):
        verification_record(
            actor=actor_for_user(approval_clerk),
            verification=Verification.objects.get(licence=licence),
            met=False,
            notes="执业药师未在岗。",
            rectification_days=10,
        )


def _commitment_breach(approval_clerk, supervision_clerk) -> None:
    licence = _credit_licence(approval_clerk, supervision_clerk, 7)
    with time_machine.travel(at("2026-10-09T14:00"), tick=False):
        breach_report(
            actor=actor_for_user(supervision_clerk),
            licence=licence,
            reason="双随机抽查发现：承诺在岗的执业药师未在岗，系挂证。",
        )


def _listing(approval_clerk, supervision_clerk) -> None:
    licence = _licence(approval_clerk, _plain_item(supervision_clerk.membership.department), 8)
    actor = actor_for_user(supervision_clerk)
    with time_machine.travel(at("2026-10-09T10:00"), tick=False):
        listing = listing_add(
            actor=actor,
            counterparty=licence.counterparty,
            listing_type="anomaly",
            source_document="临市监异〔2026〕8号",
            until=datetime.date(2027, 10, 8),
            reason="通过登记的住所无法联系",
        )
    with time_machine.travel(at("2026-10-12T10:00"), tick=False):
        listing_remove(actor=actor, listing=listing, reason="已变更登记住所")


def _suspension_ended(approval_clerk, supervision_clerk) -> None:
    licence = _licence(approval_clerk, _plain_item(supervision_clerk.membership.department), 9)
    with time_machine.travel(at("2026-10-09T10:00"), tick=False):
        supervision_action_record(
            actor=actor_for_user(supervision_clerk),
            kind="suspension",
            document_no="临市监停〔2026〕9号",
            decided_on=datetime.date(2026, 10, 9),
            summary="责令停产停业整顿",
            licence=licence,
            suspended_until=datetime.date(2026, 10, 11),
        )
    suspensions_end_due(now=at("2026-10-12T00:00:30"))


_SEND: dict[str, Callable[[Any, Any], None]] = {
    APPROVAL_DECISION: _approval_decision,
    LICENCE_STATUS_CHANGE: _licence_status_change,
    SUPERVISION_ACTION: _supervision_action,
    LICENCE_LETTER: _licence_letter,
    LETTER_DECISION: _letter_decision,
    VERIFICATION_RESULT: _verification_result,
    COMMITMENT_BREACH: _commitment_breach,
    LISTING: _listing,
    SUSPENSION_ENDED: _suspension_ended,
}


def push_of_kind(kind: str, *, approval_clerk, supervision_clerk) -> Push:
    """The push of `kind` the services send when its subject is recorded in full."""
    _SEND[kind](approval_clerk, supervision_clerk)
    return Push.objects.filter(kind=kind).latest("pk")


def key_paths(payload: dict[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in payload.items():
        path = f"{prefix}{key}"
        yield path
        if isinstance(value, dict):
            yield from key_paths(value, f"{path}.")


def without(payload: dict[str, Any], path: str) -> dict[str, Any]:
    """A copy of `payload` without the key at the dotted `path`."""
    head, _, rest = path.partition(".")
    copy = dict(payload)
    if not rest:
        copy.pop(head, None)
    elif isinstance(copy.get(head), dict):
        copy[head] = without(copy[head], rest)
    return copy


def skeleton(payload: dict[str, Any]) -> dict[str, Any]:
    """A copy of `payload` with every key removed but its nested dicts, themselves emptied."""
    return {key: skeleton(value) for key, value in payload.items() if isinstance(value, dict)}


def with_value(payload: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `payload` whose key at the dotted `path` (below dicts it has) is `value`."""
    head, _, rest = path.partition(".")
    copy = dict(payload)
    copy[head] = with_value(copy[head], rest, value) if rest else value
    return copy


def every_value_replaced(payload: dict[str, Any], value: Any, *, depth: int) -> dict[str, Any]:
    """A copy whose values are all `value` below nested dicts `depth` levels deep (0: the
    top-level keys themselves; a large depth: every leaf)."""
    return {
        key: every_value_replaced(item, value, depth=depth - 1)
        if isinstance(item, dict) and depth > 0
        else value
        for key, item in payload.items()
    }


def store_snapshot(push: Push, payload: Any) -> None:
    """Store `payload` as the push's snapshot, as an earlier version or a partner might have;
    a queryset update, since a snapshot is never rewritten through the services (R2)."""
    Push.objects.filter(pk=push.pk).update(payload=payload)

"""The registry of what a licence decision needs from the apps above approvals.

approvals imports nothing from supervision, credit or coordination: each of them registers
its part of a decision in its AppConfig.ready(), the way push kinds are registered
(notifications.kinds). Four parts, one registered object each:

- ``AccessCheck`` (R7, supervision): the counterparty's access level from the listings;
- ``CreditCommitmentCheck`` (R10, credit): the one-time notice and the signed commitment;
- ``VerificationStart`` (R11, credit): the on-site verification a credit decision opens;
- ``ImportantMatterGate`` (R14, coordination): the important-matter file a decision needs.

A part nobody registered is absent and the decision goes without it: normal access, no
credit records, and an important item cannot be decided (there is no file to choose).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from counterparties.models import Counterparty
from counterparties.selectors import counterparties_with_code

from .models import ApprovalItem


class DecisionAccess(Protocol):
    """What the decision reads of an R7 access check."""

    level: str
    reasons: list[dict[str, Any]]

    @property
    def is_limited(self) -> bool: ...

    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class NormalAccess:
    """The access of a counterparty no listing restricts (and of all when R7 is absent)."""

    level: str = "normal"
    reasons: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_limited(self) -> bool:
        return False

    @property
    def label(self) -> str:
        return str(_("Normal access"))


@dataclass(frozen=True)
class AccessCheck:
    """R7: ``access(counterparty=…)`` is the counterparty's access level with every reason;
    ``counterparty`` is None for a counterparty not on record yet. ``access_many``
    (``counterparties=[…]``), when given, is the same check for many at once: the limited
    ones' access by counterparty id (an import of licences in force checks thousands).
    ``listed()``, when given, is a boolean expression over a counterparty query's
    ``OuterRef("pk")``: whether a listing in force names it, so that a decision reads the
    counterparty and whether ``access`` has anything to find in one query."""

    access: Callable[..., DecisionAccess]
    access_many: Callable[..., dict[int, DecisionAccess]] | None = None
    listed: Callable[[], Any] | None = None


@dataclass(frozen=True)
class CreditCommitmentCheck:
    """R10: ``notice(item=…)`` is the one-time notice shown before a credit-approval
    decision (None when there is none), shown with ``notice_template``;
    ``record(licence=…, commitment=…, actor=…, scan=…)`` keeps the signed commitment of a
    decision made on the spot, in the decision's transaction."""

    notice: Callable[..., dict[str, Any] | None]
    notice_template: str
    record: Callable[..., Any]


@dataclass(frozen=True)
class VerificationStart:
    """R11: ``start(licence=…, actor=…)`` opens the on-site verification a credit decision
    needs (post-verification items), in the decision's transaction."""

    start: Callable[..., Any]


@dataclass(frozen=True)
class ImportantMatterGate:
    """R14: ``files_for(item=…, actor=…)`` are the files a decision on an important item may
    be made on; ``missing(file=…)`` names, in words, what a file still lacks."""

    files_for: Callable[..., QuerySet]
    missing: Callable[..., list[str]]


DecisionCheck = AccessCheck | CreditCommitmentCheck | VerificationStart | ImportantMatterGate
CheckT = TypeVar(
    "CheckT", AccessCheck, CreditCommitmentCheck, VerificationStart, ImportantMatterGate
)

_REGISTRY: dict[type, Any] = {}


def register_decision_check(check: DecisionCheck) -> DecisionCheck:
    """Register one part of the decision; each part has one owner."""
    existing = _REGISTRY.get(type(check))
    if existing is not None and existing != check:
        raise ValueError(f"{type(check).__name__} is registered twice")
    _REGISTRY[type(check)] = check
    return check


def decision_check(kind: type[CheckT]) -> CheckT | None:
    """The registered part of this kind, or None when no app registered one."""
    return _REGISTRY.get(kind)


def decision_checks_registered() -> list[type]:
    return list(_REGISTRY)


def counterparty_access(counterparty: Counterparty | None) -> DecisionAccess:
    """R7 access of a counterparty (the supervision side keeps the listings)."""
    check = decision_check(AccessCheck)
    if check is None:
        return NormalAccess()
    return check.access(counterparty=counterparty)


def counterparty_found_with_access(
    *, credit_code: str | None, id_number: str | None
) -> tuple[Counterparty | None, DecisionAccess]:
    """The counterparty on record with this code (None: not yet) and its R7 access; one
    query for a counterparty no listing names, the most common case."""
    found = counterparties_with_code(credit_code=credit_code, id_number=id_number)
    check = decision_check(AccessCheck)
    if found is None or check is None or check.listed is None:
        party = None if found is None else found.first()
        return party, counterparty_access(party)
    party = found.annotate(access_listed=check.listed()).first()
    if party is None or not party.access_listed:
        # No listing in force: the check's own answer for a counterparty without any.
        return party, check.access(counterparty=None)
    return party, check.access(counterparty=party)


def counterparties_access(counterparties: list[Counterparty]) -> dict[int, DecisionAccess]:
    """R7 access of many counterparties on record, by id; one left out has normal access."""
    check = decision_check(AccessCheck)
    if check is None:
        return {}
    if check.access_many is not None:
        return check.access_many(counterparties=counterparties)
    found = {party.pk: check.access(counterparty=party) for party in counterparties}
    return {pk: access for pk, access in found.items() if access.is_limited}


def important_files_for(*, item: ApprovalItem, actor: Any) -> QuerySet | None:
    """R14: the files a decision on this important item may be made on; None when no app
    keeps important-matter files (then no decision on an important item can be made)."""
    gate = decision_check(ImportantMatterGate)
    if gate is None:
        return None
    return gate.files_for(item=item, actor=actor)


def credit_notice(*, item: ApprovalItem) -> tuple[dict[str, Any], str] | None:
    """R10: the one-time notice of a credit-approval item and its template, or None."""
    check = decision_check(CreditCommitmentCheck)
    if check is None:
        return None
    notice = check.notice(item=item)
    return None if notice is None else (notice, check.notice_template)

"""Every non-trivial read of credit approval (Art. 8, R9–R12), scoped to the actor first."""

import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from approvals.models import ApprovalItem, CreditMode, Licence
from approvals.selectors import licences_visible
from linzi_platform.pagination import KeysetPage, keyset_page
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor, scope_to_department
from workdays.calendar import CALENDAR_TZ, add_working_days

from .models import (
    CreditCatalogEntry,
    CreditCatalogVersion,
    RevocationRequest,
    RevocationState,
    Verification,
    VerificationState,
)

SEARCH_MAX_LENGTH = 100
# The queue shows what waits first, the most urgent first; then everything else, newest first.
PENDING_ORDER = (("deadline", False), ("id", False))
CLOSED_ORDER = (("deadline", True), ("id", True))
DUE_SOON_WORKING_DAYS = 2


# --------------------------------------------------------------------------- catalog (R9, R10)


def catalog_entries(*, search: str = "") -> QuerySet[CreditCatalogEntry]:
    """The credit-approval catalog by item code; every search term must match the item's
    code or name, or the entry's conditions."""
    entries = CreditCatalogEntry.objects.select_related("item").order_by("item__code")
    for term in (search or "")[:SEARCH_MAX_LENGTH].split():
        entries = entries.filter(
            Q(item__official_code__icontains=term)
            | Q(item__code__icontains=term)
            | Q(item__name__icontains=term)
            | Q(conditions__icontains=term)
        )
    return entries


def catalog_entry_get(*, item_code: str) -> CreditCatalogEntry | None:
    """One entry with its versions (newest first) and who changed them."""
    return (
        CreditCatalogEntry.objects.select_related("item")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=CreditCatalogVersion.objects.select_related(
                    "changed_by_department"
                ).order_by("-version"),
            ),
            "item__supervision_departments",
        )
        .filter(item__code=item_code)
        .first()
    )


def catalog_items_without_entry(*, actor: Actor) -> QuerySet[ApprovalItem]:
    """Active items the actor may give credit terms to and that have none yet."""
    items = ApprovalItem.objects.filter(active=True, credit_entry__isnull=True).order_by("code")
    if actor.is_platform_admin:
        return items
    department = actor.department
    if department is None:
        return items.none()
    if department.kind == DepartmentKind.APPROVAL:
        return items
    return items.filter(supervision_departments=department)


def credit_notice(*, item: ApprovalItem) -> dict[str, Any] | None:
    """The one-time notice (一次性告知) shown before a credit-approval decision (R10): what
    the applicant commits to, what to bring, how it is supervised and what a breach costs.
    None when the item is not a credit-approval item or has no catalog entry yet."""
    if item.credit_mode == CreditMode.NONE:
        return None
    entry = CreditCatalogEntry.objects.filter(item=item).first()
    if entry is None:
        return None
    return {
        "item_code": item.code,
        "item_name": item.name,
        "mode": entry.mode,
        "mode_label": str(CreditMode(entry.mode).label),
        "post_verification": entry.mode == CreditMode.POST_VERIFICATION,
        "materials": entry.materials,
        "conditions": entry.conditions,
        "commitment_text": entry.commitment_text,
        "supervision_method": entry.supervision_method,
        "legal_consequences": entry.legal_consequences,
        "version": entry.version,
        "updated_at": entry.updated_at,
    }


# --------------------------------------------------------------------------- verifications (R11)


def _overdue_condition(now: datetime.datetime) -> Q:
    """Marked overdue by the sweep, or still pending past its deadline (the sweep may lag)."""
    return Q(overdue=True) | Q(state=VerificationState.PENDING, deadline__lt=now)


def verifications_visible(*, actor: Actor) -> QuerySet[Verification]:
    """Verifications of the actor's (approval) department; platform admins see all."""
    return scope_to_department(
        Verification.objects.select_related(
            "department",
            "licence",
            "licence__item",
            "licence__counterparty",
            "licence__credit_commitment",
        ),
        actor=actor,
        via=["department"],
    )


def verifications_filter(
    queryset: QuerySet[Verification],
    *,
    state: str = "",
    overdue: bool | None = None,
    search: str = "",
    now: datetime.datetime | None = None,
) -> QuerySet[Verification]:
    """State, overdue (yes/no) and a search by licence number (exact) or counterparty name
    (contains) or code (exact)."""
    now = now or timezone.now()
    if state:
        queryset = queryset.filter(state=state)
    if overdue is True:
        queryset = queryset.filter(_overdue_condition(now))
    elif overdue is False:
        queryset = queryset.exclude(_overdue_condition(now))
    search = (search or "").strip()[:SEARCH_MAX_LENGTH]
    if search:
        queryset = queryset.filter(
            Q(licence__licence_no=search)
            | Q(licence__counterparty__name__icontains=search)
            | Q(licence__counterparty__credit_code=search.upper())
            | Q(licence__counterparty__id_number=search.upper())
        )
    return queryset


def verification_queue_page(
    queryset: QuerySet[Verification], *, cursor: str | None, size: int
) -> KeysetPage:
    """Pending verifications first, the nearest deadline first; then the others, newest
    deadline first. Keyset-paged in two phases: the cursor says which phase it continues."""
    phase, _sep, inner = (cursor or "").partition(":")
    items: list[Verification] = []
    if phase != "c":
        pending = keyset_page(
            queryset.filter(state=VerificationState.PENDING),
            order=PENDING_ORDER,
            cursor=inner if phase == "p" else None,
            size=size,
        )
        if pending.next_cursor:
            return KeysetPage(items=pending.items, next_cursor=f"p:{pending.next_cursor}")
        items = pending.items
        inner = ""
    closed_qs = queryset.exclude(state=VerificationState.PENDING)
    room = size - len(items)
    if room <= 0:
        more = closed_qs.exists()
        return KeysetPage(items=items, next_cursor="c:" if more else None)
    closed = keyset_page(closed_qs, order=CLOSED_ORDER, cursor=inner or None, size=room)
    return KeysetPage(
        items=items + closed.items,
        next_cursor=f"c:{closed.next_cursor}" if closed.next_cursor else None,
    )


def verification_is_overdue(verification: Verification, *, now: datetime.datetime) -> bool:
    return verification.overdue or (
        verification.state == VerificationState.PENDING and verification.deadline < now
    )


def _month_bounds(month: datetime.date | str) -> tuple[datetime.datetime, datetime.datetime]:
    if isinstance(month, str):
        year, _sep, number = month.partition("-")
        month = datetime.date(int(year), int(number), 1)
    first = datetime.datetime(month.year, month.month, 1, tzinfo=CALENDAR_TZ)
    following = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
    return first, following


def credit_overdue_verifications(
    *,
    department: Department | None = None,
    month: datetime.date | str | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Verification]:
    """Verifications that missed their 10-working-day deadline (R11, for the R18 report):
    marked overdue by the sweep or still pending past the deadline. `department` narrows to
    one approval department; `month` ("YYYY-MM" or any date in it) to the deadlines that fell
    in that month (Asia/Shanghai). Oldest deadline first."""
    now = now or timezone.now()
    queryset = Verification.objects.select_related(
        "department", "licence", "licence__item", "licence__counterparty"
    ).filter(_overdue_condition(now))
    if department is not None:
        queryset = queryset.filter(department=department)
    if month is not None:
        first, following = _month_bounds(month)
        queryset = queryset.filter(deadline__gte=first, deadline__lt=following)
    return queryset.order_by("deadline", "id")


def verifications_due_soon(
    *, actor: Actor, now: datetime.datetime | None = None
) -> QuerySet[Verification]:
    """Pending and not yet late, due by the close of the 2nd working day from now."""
    now = now or timezone.now()
    return verifications_visible(actor=actor).filter(
        state=VerificationState.PENDING,
        deadline__gte=now,
        deadline__lte=add_working_days(now, DUE_SOON_WORKING_DAYS),
    )


def verifications_overdue_open(
    *, actor: Actor, now: datetime.datetime | None = None
) -> QuerySet[Verification]:
    """Still pending past the deadline: the ones to do now."""
    now = now or timezone.now()
    return verifications_visible(actor=actor).filter(
        state=VerificationState.PENDING, deadline__lt=now
    )


# --------------------------------------------------------------------------- revocation (R12)


def revocations_visible(*, actor: Actor) -> QuerySet[RevocationRequest]:
    """The approval department's revocation queue, and the breach reports a supervision
    department made (so it can follow them); platform admins see all."""
    return scope_to_department(
        RevocationRequest.objects.select_related(
            "department",
            "reported_by",
            "licence",
            "licence__item",
            "licence__counterparty",
        ),
        actor=actor,
        via=["department", "reported_by"],
    )


def revocations_open(*, actor: Actor) -> QuerySet[RevocationRequest]:
    return revocations_visible(actor=actor).filter(state=RevocationState.OPEN)


def licences_for_breach_report(*, actor: Actor) -> QuerySet[Licence]:
    """Licences the actor's supervision department receives pushes about that were granted
    against a credit commitment (the only ones a commitment breach can be reported on)."""
    return licences_visible(actor=actor).filter(credit_commitment__isnull=False)

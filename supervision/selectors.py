"""Reads of the supervision side: access checks (R7), queues and listings."""

import datetime
from dataclasses import dataclass, field

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from counterparties.models import Counterparty
from notifications.models import Push
from organizations.scoping import Actor, scope_to_department

from .models import (
    ACCESS_SEVERITY,
    AccessLevel,
    AccessRule,
    CounterpartyListing,
    LegacyCase,
    LetterState,
    LicenceLetter,
    ListingType,
    SupervisionAction,
)

DEFAULT_RULES = {
    ListingType.ANOMALY: AccessLevel.RESTRICTED,
    ListingType.DISHONEST: AccessLevel.STRICT,
}


@dataclass(frozen=True)
class AccessCheck:
    level: str
    reasons: list[dict] = field(default_factory=list)

    @property
    def is_limited(self) -> bool:
        return self.level != AccessLevel.NORMAL

    @property
    def label(self) -> str:
        return str(AccessLevel(self.level).label)


def listings_in_force(*, on: datetime.date | None = None) -> QuerySet[CounterpartyListing]:
    """Listings not removed and not past their end date: an expired one stops counting by
    itself, because the date is compared at read time."""
    on = on or timezone.localdate()
    return CounterpartyListing.objects.filter(
        Q(until__isnull=True) | Q(until__gte=on), removed_at__isnull=True, listed_on__lte=on
    )


def access_rules() -> dict[str, str]:
    rules = dict(DEFAULT_RULES)
    rules.update(dict(AccessRule.objects.values_list("listing_type", "access_level")))
    return rules


def counterparty_access(
    *, counterparty: Counterparty | None, on: datetime.date | None = None
) -> AccessCheck:
    """R7: the strictest access level any listing in force imposes, with every reason."""
    if counterparty is None or counterparty.pk is None:
        return AccessCheck(level=AccessLevel.NORMAL)
    listings = list(
        listings_in_force(on=on)
        .filter(counterparty=counterparty)
        .select_related("department")
        .order_by("listed_on", "id")
    )
    if not listings:  # most counterparties: no need to read the rules
        return AccessCheck(level=AccessLevel.NORMAL)
    return _access_from(listings, access_rules())


def counterparty_listed() -> Exists:
    """R7: whether a listing in force names the counterparty of the outer query's row."""
    return Exists(listings_in_force().filter(counterparty_id=OuterRef("pk")))


def counterparties_access(
    *, counterparties: list[Counterparty], on: datetime.date | None = None
) -> dict[int, AccessCheck]:
    """R7 for many counterparties at once (an import of licences in force): their access by
    id, from one query of the listings in force; a counterparty without one has normal
    access and is left out."""
    ids = [party.pk for party in counterparties if party.pk is not None]
    if not ids:
        return {}
    by_party: dict[int, list[CounterpartyListing]] = {}
    for listing in (
        listings_in_force(on=on)
        .filter(counterparty_id__in=ids)
        .select_related("department")
        .order_by("listed_on", "id")
    ):
        by_party.setdefault(listing.counterparty_id, []).append(listing)
    if not by_party:
        return {}
    rules = access_rules()
    return {party: _access_from(listings, rules) for party, listings in by_party.items()}


def _access_from(listings: list[CounterpartyListing], rules: dict[str, str]) -> AccessCheck:
    level = AccessLevel.NORMAL
    reasons = []
    for listing in listings:
        imposed = rules.get(listing.listing_type, AccessLevel.RESTRICTED)
        if ACCESS_SEVERITY[AccessLevel(imposed)] > ACCESS_SEVERITY[AccessLevel(level)]:
            level = imposed
        reasons.append(
            {
                "listing": listing.listing_type,
                "listing_label": str(ListingType(listing.listing_type).label),
                "access": imposed,
                "department": listing.department.name,
                "source_document": listing.source_document,
                "listed_on": listing.listed_on.isoformat(),
                "until": listing.until.isoformat() if listing.until else None,
                "reason": listing.reason,
            }
        )
    return AccessCheck(level=str(level), reasons=reasons)


def restricted_counterparties(*, search: str = "") -> QuerySet[CounterpartyListing]:
    listings = (
        listings_in_force()
        .select_related("counterparty", "department")
        .order_by("-listed_on", "-id")
    )
    search = search.strip()[:100]
    if search:
        listings = listings.filter(
            Q(counterparty__name__icontains=search)
            | Q(counterparty__credit_code=search.upper())
            | Q(counterparty__id_number=search.upper())
            | Q(source_document__icontains=search)
        )
    return listings


ACTION_SUBJECT = "supervision.supervisionaction"


def actions_visible(*, actor: Actor) -> QuerySet[SupervisionAction]:
    """A supervision department sees the actions it recorded; an approval department those
    pushed to it (R6). An action about a licence goes only to the licence's department, so
    "every approval department sees every action" would leak it to the others."""
    actions = SupervisionAction.objects.select_related(
        "department", "counterparty", "licence", "licence__item"
    )
    if actor.is_platform_admin:
        return actions
    if actor.department is None:
        return actions.none()
    received = Push.objects.filter(
        receiver=actor.department,
        subject_type=ACTION_SUBJECT,
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return actions.filter(Q(department=actor.department) | Exists(received))


def letters_visible(*, actor: Actor) -> QuerySet[LicenceLetter]:
    return scope_to_department(
        LicenceLetter.objects.select_related(
            "department", "approval_department", "licence", "licence__item", "licence__counterparty"
        ),
        actor=actor,
        via=["department", "approval_department"],
    )


def letters_to_review(*, actor: Actor) -> QuerySet[LicenceLetter]:
    return letters_visible(actor=actor).filter(state=LetterState.SUBMITTED)


def cases_visible(*, actor: Actor) -> QuerySet[LegacyCase]:
    return scope_to_department(
        LegacyCase.objects.select_related(
            "approval_department", "supervision_department", "counterparty"
        ),
        actor=actor,
        via=["approval_department", "supervision_department"],
    )

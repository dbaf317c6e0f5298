"""Reads: the public catalog of transferred items (R19) and the licences an actor may see."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from counterparties.models import Counterparty
from counterparties.selectors import counterparty_find
from counterparties.validators import code_kind, normalize_code
from organizations.models import Department
from organizations.scoping import Actor

from .decision_checks import DecisionAccess, counterparty_access
from .models import ApprovalItem, ItemSampleText, Licence

SEARCH_MAX_LENGTH = 100
LICENCE_SUBJECT = "approvals.licence"


def items_public(*, search: str = "") -> QuerySet[ApprovalItem]:
    """Active catalog items by code, with their supervision departments and sample texts.

    Every whitespace-separated term of ``search`` must match the code, name or legal basis.
    """
    items = (
        ApprovalItem.objects.filter(active=True)
        .prefetch_related(
            Prefetch(
                "supervision_departments",
                queryset=Department.objects.filter(active=True).order_by("code"),
            ),
            Prefetch("sample_texts", queryset=ItemSampleText.objects.order_by("title", "id")),
        )
        .order_by("code")
    )
    for term in (search or "")[:SEARCH_MAX_LENGTH].split():
        items = items.filter(
            Q(official_code__icontains=term)
            | Q(code__icontains=term)
            | Q(name__icontains=term)
            | Q(legal_basis__icontains=term)
        )
    return items


def item_get_public(*, code: str) -> ApprovalItem | None:
    """The active catalog item with this code, or None."""
    return items_public().filter(code=code).first()


def licences_visible(*, actor: Actor) -> QuerySet["Licence"]:
    """Licences the actor's department issued, or received a push about (API and web)."""
    from django.db.models import CharField, Exists, OuterRef
    from django.db.models.functions import Cast

    from notifications.models import Push

    licences = Licence.objects.select_related("item", "counterparty", "department")
    if actor.is_platform_admin:
        return licences
    if actor.department is None:
        return licences.none()
    received = Push.objects.filter(
        receiver=actor.department,
        subject_type=LICENCE_SUBJECT,
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return licences.filter(Q(department=actor.department) | Exists(received))


def licence_pushes(*, actor: Actor, licence: "Licence") -> QuerySet:
    from notifications.selectors import pushes_visible

    return (
        pushes_visible(actor=actor)
        .filter(subject_type=LICENCE_SUBJECT, subject_id=str(licence.pk))
        .order_by("sent_at", "id")
    )


@dataclass(frozen=True)
class CounterpartyLookup:
    """What the decision form may fill in from a typed identifier: the counterparty's name
    and contact only if the actor's department already holds a push about it (the rule the
    counterparty page follows), and its access level (R7) always, as the access API gives."""

    code: str
    kind: str
    counterparty: Counterparty | None
    access: DecisionAccess


def counterparty_lookup(*, actor: Actor, code: str) -> CounterpartyLookup:
    """``code`` must be well formed (``validators.code_kind``)."""
    from notifications.selectors import counterparty_push_exists

    code = normalize_code(code)
    kind = code_kind(code)
    counterparty = counterparty_find(**{kind: code})
    access = counterparty_access(counterparty)
    if counterparty is not None and not counterparty_push_exists(
        actor=actor, counterparty_code=counterparty.code
    ):
        counterparty = None
    return CounterpartyLookup(code=code, kind=kind, counterparty=counterparty, access=access)

"""Counterparty listings and access levels (R7) — every write; the rules live here."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from counterparties.models import Counterparty
from linzi_platform.field_errors import add_error as _add
from notifications.services import PushConflict, PushSubject, push_send
from organizations.models import DepartmentKind
from organizations.scoping import Actor
from supervision import push_kinds
from supervision.models import (
    CounterpartyListing,
    ListingType,
    SupervisionAction,
)
from supervision.selectors import access_rules
from supervision.services import _check_text, approval_departments, counterparty_ref


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

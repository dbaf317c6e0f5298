"""What the supervision side's services share (R6–R8, R17): attachment and text checks,
refusing a duplicate document, references to a licence or counterparty. Each subdomain's
writes are in its package: actions/, listings/, letters/, cases/ (`services.py` there).
Pushes go through the one engine."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Licence, LicenceStatus
from counterparties.models import Counterparty
from linzi_platform.errors import DuplicateRecord, ExistingRecord
from linzi_platform.field_errors import add_error as _add
from linzi_platform.uploads import validate_upload
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor

from .models import (
    ActionKind,
    Evidence,
    LetterAction,
    ListingType,
)

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

"""What the coordination side's services share (Art. 5(8), 9–12; R14–R16): limits, the
conflict, the checks of text, documents, schedules and invitees. Each subdomain's writes are
in its own package: files/, meetings/, inspections/, inquiries/ (`services.py` there).

Views, API endpoints and the beat task only parse input and call one service function.
Bad input raises Django's ValidationError with a dict keyed by field name; a record that is
not in a state allowing the action raises CoordinationConflict (API 409); acting for the
wrong department raises PermissionDenied. Each transition is one conditional UPDATE whose
row count decides, and each step is audited in the same transaction.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from linzi_platform.errors import DomainConflict
from linzi_platform.field_errors import add_error as _add
from linzi_platform.uploads import validate_upload
from notifications.models import (
    NoticeKind,
)
from notifications.services import (
    department_notify,
)
from organizations.models import Department, DepartmentKind
from organizations.scoping import Actor
from workdays.calendar import CALENDAR_TZ, add_working_days

from .models import (
    ImportantFile,
)

SWEEP_BATCH_SIZE = 1000
INQUIRY_DEFAULT_WORKING_DAYS = 3
INQUIRY_MIN_WORKING_DAYS = 1
INQUIRY_MAX_WORKING_DAYS = 30
JOINT_NOTICE_WORKING_DAYS = 1
MAX_INVITEES = 50
TITLE_MAX = 200
TEXT_MAX = 10_000
LATEST = datetime.datetime(2100, 12, 31, 23, 59, tzinfo=CALENDAR_TZ)
EARLIEST_DATE = datetime.date(1990, 1, 1)


class CoordinationConflict(DomainConflict):
    """The record is not in a state that allows the action (API 409)."""


class InquiryDeemedConsent(CoordinationConflict):
    """A reply after the deadline: the letter already is, or now becomes, deemed consent."""


# Helpers ----------------------------------------------------------------------------------


def local_time(moment: datetime.datetime) -> str:
    """ "YYYY-MM-DD HH:MM" in the calendar's zone, the form every message shows times in."""
    return moment.astimezone(CALENDAR_TZ).strftime("%Y-%m-%d %H:%M")


def _text(
    errors: dict[str, list[str]],
    field: str,
    value: str | None,
    *,
    limit: int = TEXT_MAX,
    required: bool = True,
) -> str:
    value = (value or "").strip()
    if required and not value:
        _add(errors, field, _("This field is required."))
    elif len(value) > limit:
        _add(
            errors,
            field,
            _("Too long: %(limit)d characters at most.") % {"limit": limit},
        )
    return value


def _document(
    errors: dict[str, list[str]], field: str, upload: UploadedFile | None, *, required: bool
) -> UploadedFile | None:
    if upload is None:
        if required:
            _add(errors, field, _("Attach the opinion document."))
        return None
    try:
        validate_upload(upload)
    except ValidationError as exc:
        for message in exc.messages:
            _add(errors, field, message)
    return upload


def _document_fields(upload: UploadedFile | None) -> dict[str, Any]:
    if upload is None:
        return {}
    return {"document": upload, "document_name": (upload.name or "")[:200]}


def _user(actor: Actor) -> Any:
    user = actor.user
    return user if actor.api_client is None and getattr(user, "pk", None) else None


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _department_of(actor: Actor) -> Department:
    if actor.department is None:
        raise PermissionDenied(_("Your account is not assigned to a department."))
    return actor.department


def _approval_department_of(actor: Actor, message: str) -> Department:
    _department_of(actor)  # no department at all is said as such
    return actor.require_kind(DepartmentKind.APPROVAL, message)


def _notify(
    departments: Sequence[Department], *, title: str, body: str, url: str, now: datetime.datetime
) -> None:
    for department in departments:
        department_notify(
            department=department,
            title=title,
            body=body,
            url=url,
            now=now,
            kind=NoticeKind.COORDINATION,
        )


def joint_earliest_time(invited_at: datetime.datetime) -> datetime.datetime:
    """The earliest time a joint meeting, inspection or review may be held (Art. 11, R15).

    "Invited at least 1 working day in advance" is read like every working-day period of the
    platform (R0.1): the day of the invitation does not count, and the period ends at the
    close of office hours of the next working day. So the rule is
    ``scheduled_at >= add_working_days(invited_at, 1)``: invited Friday 10:00 → Monday 17:30
    (or Saturday 17:30 when that Saturday is an adjusted working day, 调休上班).
    """
    return add_working_days(invited_at, JOINT_NOTICE_WORKING_DAYS)


def _check_schedule(
    errors: dict[str, list[str]],
    scheduled_at: datetime.datetime | None,
    *,
    invited_at: datetime.datetime,
) -> datetime.datetime:
    earliest = joint_earliest_time(invited_at)
    if scheduled_at is None:
        _add(errors, "scheduled_at", _("The date and time are required."))
    elif scheduled_at < earliest:
        _add(
            errors,
            "scheduled_at",
            _(
                "Supervision departments must be invited at least 1 working day in advance: "
                "the earliest allowed time is %(earliest)s."
            )
            % {"earliest": local_time(earliest)},
        )
    elif scheduled_at > LATEST:
        _add(errors, "scheduled_at", _("The time must lie before 2101."))
    return earliest


def _check_invitees(
    errors: dict[str, list[str]],
    invitees: Sequence[Department],
    *,
    organiser: Department,
    supervision_only: bool,
) -> list[Department]:
    unique = sorted({department.pk: department for department in invitees}.values(), key=str)
    if not unique:
        _add(errors, "invitees", _("Invite at least one department."))
    elif len(unique) > MAX_INVITEES:
        _add(errors, "invitees", _("At most 50 departments can be invited."))
    for department in unique:
        if department.pk == organiser.pk:
            _add(errors, "invitees", _("Your own department cannot be invited."))
        elif not department.active:
            _add(errors, "invitees", _("%(name)s is not active.") % {"name": department.name})
        elif supervision_only and department.kind != DepartmentKind.SUPERVISION:
            _add(
                errors,
                "invitees",
                _("%(name)s is not a supervision department.") % {"name": department.name},
            )
    return unique


def _check_own_file(
    errors: dict[str, list[str]], important_file: ImportantFile | None, department: Department
) -> None:
    if important_file is not None and important_file.department_id != department.pk:
        _add(errors, "important_file", _("Choose an important-matter file of your department."))

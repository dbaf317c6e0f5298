import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import AuditEntry, audit_record, audit_record_many

from .models import ApiClient, Department, StaffMembership, StaffRole
from .reorganisation import open_work_kinds
from .scoping import Actor


def api_client_create(
    *, department: Department, name: str, actor: Actor | None = None
) -> tuple[ApiClient, str]:
    """Create a partner system's key; the plain key is returned once and never stored."""
    with transaction.atomic():
        client, key = ApiClient.objects.create_key(department=department, name=name)
        audit_record(
            actor=actor.user if actor else None,
            action="api_client.create",
            # The key's primary key embeds its hash; the short prefix identifies it.
            object_type="organizations.apiclient",
            object_id=client.prefix,
            department=department,
            details={"name": name, "prefix": client.prefix},
        )
    return client, key


def staff_member_ensure(
    *,
    username: str,
    password: str,
    department: Department,
    role: StaffRole,
    full_name: str = "",
    email: str = "",
) -> tuple[object, bool]:
    """Create a staff user with a membership, or leave an existing one as it is."""
    user_model = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": full_name,
                "email": email,
                "is_staff": role == StaffRole.PLATFORM_ADMIN,
                "is_superuser": role == StaffRole.PLATFORM_ADMIN,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        StaffMembership.objects.get_or_create(
            user=user, defaults={"department": department, "role": role}
        )
    return user, created


# Reorganisations (机构改革, R21) -------------------------------------------------------------

PREVIEW_LIMIT = 50


@dataclass(frozen=True)
class OpenWorkPreview:
    """What one kind of open work of a department holds: shown before a merge or refusal."""

    key: str
    label: str
    count: int
    items: list[str]
    blocks_deactivation: bool


@dataclass(frozen=True)
class ReorganisationResult:
    department: Department
    successor: Department | None
    moved: dict[str, int]


def department_open_work(
    *, department: Department, now: datetime.datetime | None = None
) -> list[OpenWorkPreview]:
    """Per registered kind, what a merge of `department` would hand over: counts and the first
    PREVIEW_LIMIT records by name (the confirmation page lists them)."""
    now = now or timezone.now()
    previews = []
    for kind in open_work_kinds():
        rows = kind.open_work(department, now)
        count = rows.count()
        previews.append(
            OpenWorkPreview(
                key=kind.key,
                label=str(kind.label),
                count=count,
                items=[kind.describe(row) for row in rows[:PREVIEW_LIMIT]] if count else [],
                blocks_deactivation=kind.blocks_deactivation,
            )
        )
    return previews


def _take_out_of_office(
    *, department: Department, successor: Department | None, now: datetime.datetime
) -> None:
    """The one conditional UPDATE that decides: a second merge or deactivation of the same
    department (a double click, two admins) finds it inactive and is refused."""
    taken = Department.objects.filter(pk=department.pk, active=True).update(
        active=False, deactivated_at=now, successor=successor
    )
    if not taken:
        raise ValidationError(
            {
                "department": _(
                    "The department %(name)s is already deactivated; it cannot be deactivated "
                    "or merged again."
                )
                % {"name": department.name}
            }
        )


def department_deactivate(*, department: Department, by: Any) -> ReorganisationResult:
    """Deactivate a department that has no open work left (R21).

    Refused, with the open work listed, while it still has records someone must act on:
    deactivating it would orphan them. Such a department is merged into a successor instead.
    What is already past its deadline is settled first and stays charged to it (Art. 15).
    """
    now = timezone.now()
    with transaction.atomic():
        _take_out_of_office(department=department, successor=None, now=now)
        blocking = []
        for kind in open_work_kinds():
            if not kind.blocks_deactivation:
                continue
            if kind.settle is not None:
                kind.settle(department, now)
            count = kind.open_work(department, now).count()
            if count:
                blocking.append(_("%(label)s: %(count)d") % {"label": kind.label, "count": count})
        if blocking:
            raise ValidationError(
                {
                    "department": _(
                        "The department %(name)s still has open work (%(work)s); merge it "
                        "into a successor department instead."
                    )
                    % {"name": department.name, "work": _("; ").join(blocking)}
                }
            )
        audit_record(
            actor=by,
            action="department.deactivate",
            obj=department,
            department=department,
            details={"code": department.code},
            at=now,
        )
    department.refresh_from_db(fields=["active", "deactivated_at", "successor"])
    return ReorganisationResult(department=department, successor=None, moved={})


def _check_successor(*, department: Department, successor: Department | None) -> Department:
    """What can be told from the instances; `_lock_successor` checks it is still active."""
    if successor is None:
        raise ValidationError({"successor": _("Choose the successor department.")})
    if successor.pk == department.pk:
        raise ValidationError({"successor": _("A department cannot be merged into itself.")})
    if successor.kind != department.kind:
        raise ValidationError(
            {
                "successor": _("The successor must be of the same kind as %(name)s (%(kind)s).")
                % {"name": department.name, "kind": department.get_kind_display()}
            }
        )
    return successor


def _lock_successor(successor: Department) -> None:
    # Locked, so it cannot be deactivated while it receives the work.
    if not Department.objects.select_for_update().filter(pk=successor.pk, active=True).exists():
        raise ValidationError(
            {
                "successor": _("The successor department %(name)s is deactivated.")
                % {"name": successor.name}
            }
        )


def department_merge(
    *, department: Department, successor: Department | None, by: Any
) -> ReorganisationResult:
    """Merge a department into its successor (机构改革, R21), in one transaction.

    Open work moves with its stored deadlines, one audit event per moved record, then one
    summary event; the department is deactivated and remembers its successor. History —
    claims, auto-claims, overdue records, what it sent — stays where it happened.
    """
    successor = _check_successor(department=department, successor=successor)
    now = timezone.now()
    moved: dict[str, int] = {}
    with transaction.atomic():
        _take_out_of_office(department=department, successor=successor, now=now)
        _lock_successor(successor)
        for kind in open_work_kinds():
            if kind.settle is not None:
                kind.settle(department, now)
            records = kind.move(department, successor, now)
            moved[kind.key] = len(records)
            audit_record_many(
                actor=by,
                action="department.merge.move",
                entries=[
                    AuditEntry(
                        object_type=record.object_type,
                        object_id=record.object_id,
                        details={
                            **record.details,
                            "open_work": kind.key,
                            "from": department.code,
                            "to": successor.code,
                        },
                    )
                    for record in records
                ],
                department=successor,
                at=now,
            )
        audit_record(
            actor=by,
            action="department.merge",
            obj=department,
            department=department,
            details={"successor": successor.code, "moved": moved},
            at=now,
        )
    department.refresh_from_db(fields=["active", "deactivated_at", "successor"])
    return ReorganisationResult(department=department, successor=successor, moved=moved)

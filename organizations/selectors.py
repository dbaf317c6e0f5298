from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Department, StaffMembership, StaffRole


def departments_in_office(departments: Iterable[Department]) -> list[Department]:
    """The departments that take new work in place of `departments` (R21): an active one
    itself, a merged one the active end of its successor chain, a deactivated one without a
    successor nobody. Order kept, duplicates dropped; no query while all are active."""
    result: dict[int, Department] = {}
    for department in departments:
        current: Department | None = department
        seen = set()
        while current is not None and not current.active and current.pk not in seen:
            seen.add(current.pk)
            current = (
                Department.objects.filter(pk=current.successor_id).first()
                if current.successor_id
                else None
            )
        if current is not None and current.active:
            result.setdefault(current.pk, current)
    return list(result.values())


def department_for_claim(value: str) -> Department | None:
    """The department an identity provider's department claim names, by its code or its name
    (organizations.oidc); None when it names none."""
    value = value.strip()
    if not value:
        return None
    return (
        Department.objects.filter(code=value).first()
        or Department.objects.filter(name=value).first()
    )


def _names(memberships: QuerySet) -> list[str]:
    names = []
    for user in (m.user for m in memberships.select_related("user").order_by("user__pk")):
        name = user.get_full_name().strip()
        if name and name not in names:
            names.append(name)
    return names


def department_head_names(department: Department) -> list[str]:
    """The names of the department's active heads: whom its staff ask about their account."""
    return _names(
        StaffMembership.objects.filter(
            department=department, role=StaffRole.HEAD, user__is_active=True
        )
    )


def platform_admin_names() -> list[str]:
    """The names of the active platform administrators."""
    return _names(
        StaffMembership.objects.filter(role=StaffRole.PLATFORM_ADMIN, user__is_active=True)
    )

from collections.abc import Iterable

from .models import Department


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

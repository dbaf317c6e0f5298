"""The one place that decides which department's records an actor may see.

Every view, API endpoint and selector narrows its queryset with `scope_to_department`, so a
record of another department is simply not found (404), never shown or refused with content.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import ApiClient, Department, StaffRole


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff user or an API client, always on behalf of one department."""

    department: Department | None
    role: str | None
    user: Any = None
    api_client: ApiClient | None = None

    @property
    def is_platform_admin(self) -> bool:
        return self.role == StaffRole.PLATFORM_ADMIN

    @property
    def is_head(self) -> bool:
        return self.role in (StaffRole.HEAD, StaffRole.PLATFORM_ADMIN)

    def is_of_kind(self, kind: str) -> bool:
        """Whether the actor acts for a department of `kind` (approval, supervision…)."""
        return self.department is not None and self.department.kind == kind

    def require_kind(self, kind: str, reason: str) -> Department:
        """The actor's department, when it is of `kind`; else PermissionDenied giving the
        person's reason (403 from the API, the 403 page on the web). Platform admins are not
        let through here: a caller that lets them look checks `is_platform_admin` first."""
        if self.department is None or self.department.kind != kind:
            raise PermissionDenied(reason)
        return self.department

    @property
    def label(self) -> str:
        if self.api_client is not None:
            return f"api:{self.api_client.name}"
        if self.user is not None:
            return self.user.get_username()
        return "system"

    def audit_identity(self) -> tuple[Any, str, int | None]:
        """Who this is in the audit trail (R20): the user's id (none for an API client), the
        label recorded with the event, and the department acted for."""
        user = self.user if self.api_client is None else None
        department_id = self.department.pk if self.department is not None else None
        return (user.pk if user is not None else None, self.label, department_id)


def actor_for_user(user: Any) -> Actor:
    if user is None or not user.is_authenticated:
        return Actor(department=None, role=None)
    membership = getattr(user, "membership", None)
    if membership is None:
        # A Django superuser without a membership is treated as a platform admin.
        role = StaffRole.PLATFORM_ADMIN if user.is_superuser else None
        return Actor(department=None, role=role, user=user)
    return Actor(department=membership.department, role=membership.role, user=user)


def actor_for_api_client(client: ApiClient) -> Actor:
    return Actor(department=client.department, role=StaffRole.CLERK, api_client=client)


def actor_for_request(request: Any) -> Actor:
    client = getattr(request, "api_client", None)
    if client is not None:
        return actor_for_api_client(client)
    return actor_for_user(getattr(request, "user", None))


def scope_to_department(
    queryset: QuerySet, *, actor: Actor, via: Sequence[str], admin_sees_all: bool = True
) -> QuerySet:
    """Narrow `queryset` to rows whose `via` lookups (e.g. "sender", "receiver") point at the
    actor's department. Platform admins see everything; an actor without a department nothing.
    """
    if admin_sees_all and actor.is_platform_admin:
        return queryset
    if actor.department is None:
        return queryset.none()
    condition = Q()
    for lookup in via:
        condition |= Q(**{lookup: actor.department})
    return queryset.filter(condition).distinct() if len(via) > 1 else queryset.filter(condition)

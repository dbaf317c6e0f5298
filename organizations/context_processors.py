from typing import Any

from django.http import HttpRequest

from .scoping import actor_for_user


def staff(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's department and role, shown in the header of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": None}
    return {"actor": actor_for_user(user)}

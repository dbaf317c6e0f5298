from typing import Any

from django.http import HttpRequest

from .scoping import actor_for_user
from .sign_in import password_sign_in_enabled


def staff(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's department and role, shown in the header of every page, and
    whether passwords are in use at all (the header's "change password")."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": None}
    return {"actor": actor_for_user(user), "password_sign_in": password_sign_in_enabled()}

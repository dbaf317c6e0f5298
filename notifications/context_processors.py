from typing import Any

from django.http import HttpRequest

from .selectors import notifications_unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # A partner system's key (organizations.authentication.ApiClientPrincipal, pk None) has no
    # inbox: the browsable API and /api/docs/ rendered for it were a 500.
    if user is None or not user.is_authenticated or user.pk is None:
        return {}
    return {"unread_notifications": notifications_unread_count(user=user)}

"""Sign-ins, sign-outs and failed sign-ins go into the audit trail too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from audit.services import audit_record

LOGIN = "auth.login"
LOGOUT = "auth.logout"
LOGIN_FAILED = "auth.login_failed"


def _request_details(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", "")}


def record_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    details = _request_details(request)
    # A way in other than the password names itself on the request (e.g. unified identity
    # sign-in: method and the provider's subject).
    details.update(getattr(request, "sign_in_details", None) or {})
    audit_record(actor=user, action=LOGIN, obj=user, details=details)


def record_logout(
    sender: Any, request: HttpRequest | None, user: Any | None, **kwargs: Any
) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return  # logging out an anonymous session: nobody to name
    audit_record(actor=user, action=LOGOUT, obj=user, details=_request_details(request))


def record_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password; only the name tried is kept.
    tried = credentials.get(get_user_model().USERNAME_FIELD, "")
    details = {"username": str(tried)[:150], **_request_details(request)}
    audit_record(actor=AnonymousUser(), action=LOGIN_FAILED, details=details)


def connect_auth_receivers() -> None:
    user_logged_in.connect(record_login, dispatch_uid="audit.record_login")
    user_logged_out.connect(record_logout, dispatch_uid="audit.record_logout")
    user_login_failed.connect(record_login_failed, dispatch_uid="audit.record_login_failed")

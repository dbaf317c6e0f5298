"""Staff passwords (GB/T 22239-2019 8.1.4.1 a: identification with complex passwords that are
changed regularly).

- The policy: Django's length (10), similarity and common-password validators, plus the two
  here: three of the four character classes, and none of the account's last 5 passwords.
- Every password set is kept as a hash in PasswordHistory (the history validator's
  `password_changed`, which Django calls whenever a user with a new password is saved).
- An account an administrator creates or resets must change its password at the next
  sign-in; a password older than PASSWORD_MAX_AGE_DAYS must be changed too.
  PasswordChangeRequiredMiddleware sends such a person to the change page.
- The demo accounts of `make run` are exempt only where PASSWORD_POLICY_EXEMPT_DEMO is set
  (never in production): the demo app registers their user names.
- A session signed in through unified identity sign-in (organizations/oidc/) used no platform
  password: its age and a forced change do not hold it up (the next password sign-in does).
"""

import datetime
import string
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import audit_record

from .models import PasswordHistory, PasswordState
from .sign_in import signed_in_by_oidc

PASSWORD_CHANGE = "auth.password_change"  # noqa: S105 (an audit action)
PASSWORD_RESET = "auth.password_reset"  # noqa: S105 (an audit action)
ACCOUNT_CREATE = "auth.account_create"

# Why a signed-in person must change the password now.
MUST_CHANGE = "must_change"
EXPIRED = "expired"

# What the session remembers of the password's state, so that a page costs no query for it.
SESSION_STATE = "_linzi_password_state"


# --- the policy ------------------------------------------------------------------------------


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        kinds = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c in string.digits for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),
        ]
        return sum(kinds)

    def validate(self, password: str, user: Any = None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(self._message(), code="password_too_simple")

    def get_help_text(self) -> str:
        return self._message()

    def _message(self) -> str:
        return _(
            "Your password must contain at least %(count)d of these four kinds of "
            "characters: lower-case letters, capital letters, digits and symbols."
        ) % {"count": self.min_classes}


class PasswordHistoryValidator:
    """None of the account's last `count` passwords again; and the hook that records each new
    password's hash (pruned to the last `count`)."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def recent_hashes(self, user: Any) -> list[str]:
        hashes = [user.password] if user.password else []
        for encoded in (
            PasswordHistory.objects.filter(user=user)
            .order_by("-set_at", "-pk")[: self.count]
            .values_list("password", flat=True)
        ):
            if encoded not in hashes:
                hashes.append(encoded)
        return hashes[: self.count]

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return  # a new account has no history
        if any(check_password(password, encoded) for encoded in self.recent_hashes(user)):
            raise ValidationError(self._message(), code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        now = timezone.now()
        with transaction.atomic():
            PasswordHistory.objects.create(user=user, password=user.password, set_at=now)
            keep = PasswordHistory.objects.filter(user=user).order_by("-set_at", "-pk")[
                : self.count
            ]
            PasswordHistory.objects.filter(user=user).exclude(
                pk__in=list(keep.values_list("pk", flat=True))
            ).delete()
            # The clock of an account that has one restarts, however the password was set.
            PasswordState.objects.filter(user=user).update(changed_at=now)

    def get_help_text(self) -> str:
        return self._message()

    def _message(self) -> str:
        return ngettext(
            "Your password must differ from your last password.",
            "Your password must differ from your last %(count)d passwords.",
            self.count,
        ) % {"count": self.count}


# --- what must happen to an account's password ------------------------------------------------


def max_age() -> datetime.timedelta | None:
    days = settings.PASSWORD_MAX_AGE_DAYS
    return datetime.timedelta(days=days) if days > 0 else None


_exempt_sources: list[Callable[[], Iterable[str]]] = []


def password_policy_exempt_register(source: Callable[[], Iterable[str]]) -> None:
    """A higher app (the demo) names accounts exempt from forced changes and expiry, which
    applies only where settings.PASSWORD_POLICY_EXEMPT_DEMO is on."""
    if source not in _exempt_sources:
        _exempt_sources.append(source)


def password_policy_exempt(user: Any) -> bool:
    if not settings.PASSWORD_POLICY_EXEMPT_DEMO:
        return False
    username = user.get_username()
    return any(username in set(source()) for source in _exempt_sources)


def password_change_reason(
    *, changed_at: datetime.datetime | None, must_change: bool, now: datetime.datetime
) -> str | None:
    if must_change:
        return MUST_CHANGE
    limit = max_age()
    if changed_at is not None and limit is not None and now >= changed_at + limit:
        return EXPIRED
    return None


def password_state_of(user: Any) -> tuple[datetime.datetime | None, bool]:
    state = PasswordState.objects.filter(user=user).first()
    return (state.changed_at, state.must_change) if state else (None, False)


def password_reason_for(user: Any) -> str | None:
    """Why `user` must change the password now (MUST_CHANGE, EXPIRED), or None."""
    if password_policy_exempt(user):
        return None
    changed_at, must_change = password_state_of(user)
    return password_change_reason(
        changed_at=changed_at, must_change=must_change, now=timezone.now()
    )


# --- services ----------------------------------------------------------------------------------


def password_changed_by_self(*, user: Any, request: HttpRequest | None = None) -> None:
    """After the person set a new password themselves: the clock restarts, nothing is owed."""
    with transaction.atomic():
        PasswordState.objects.update_or_create(
            user=user, defaults={"changed_at": timezone.now(), "must_change": False}
        )
        audit_record(actor=user, action=PASSWORD_CHANGE, obj=user, details=_origin(request))


def password_reset_by_admin(*, user: Any, by: Any, request: HttpRequest | None = None) -> None:
    """An administrator set the password: the person must choose their own at next sign-in."""
    with transaction.atomic():
        PasswordState.objects.update_or_create(
            user=user, defaults={"changed_at": timezone.now(), "must_change": True}
        )
        audit_record(actor=by, action=PASSWORD_RESET, obj=user, details=_origin(request))


def account_created_by_admin(*, user: Any, by: Any, request: HttpRequest | None = None) -> None:
    """A new account from the administration: its first password is the administrator's."""
    with transaction.atomic():
        PasswordState.objects.update_or_create(
            user=user, defaults={"changed_at": timezone.now(), "must_change": True}
        )
        audit_record(
            actor=by,
            action=ACCOUNT_CREATE,
            obj=user,
            details={"username": user.get_username(), **_origin(request)},
        )


def _origin(request: HttpRequest | None) -> dict[str, Any]:
    return {"ip": request.META.get("REMOTE_ADDR", "")} if request is not None else {}


# --- the session's copy and the middleware ---------------------------------------------------


def remember_password_state(session: Any, user: Any) -> None:
    """Copy the account's password state into the session (at sign-in and after a change):
    pages then cost no query for it. A password change elsewhere ends this session anyway
    (its authentication hash no longer matches), so the copy cannot go stale."""
    changed_at, must_change = password_state_of(user)
    session[SESSION_STATE] = {
        "hash": session.get(HASH_SESSION_KEY, ""),
        "changed_at": changed_at.timestamp() if changed_at else None,
        "must_change": must_change,
    }


def remember_password_state_at_sign_in(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """On `user_logged_in`."""
    session = getattr(request, "session", None)
    if session is not None:
        remember_password_state(session, user)


def _session_reason(request: HttpRequest) -> str | None:
    session = request.session
    copy = session.get(SESSION_STATE)
    if not isinstance(copy, dict) or copy.get("hash") != session.get(HASH_SESSION_KEY, ""):
        remember_password_state(session, request.user)
        copy = session[SESSION_STATE]
    changed_at = copy.get("changed_at")
    reason = password_change_reason(
        changed_at=datetime.datetime.fromtimestamp(changed_at, tz=datetime.UTC)
        if changed_at
        else None,
        must_change=bool(copy.get("must_change")),
        now=timezone.now(),
    )
    if reason is not None and password_policy_exempt(request.user):
        return None
    return reason


def _passes(path: str) -> bool:
    allowed = [
        reverse("password-change"),
        reverse("logout"),
        reverse("session-keepalive"),
        reverse("set_language"),
        "/" + settings.STATIC_URL.lstrip("/"),
    ]
    return any(path.startswith(prefix) for prefix in allowed)


class PasswordChangeRequiredMiddleware:
    """A signed-in person who must change the password (set by an administrator, or older
    than PASSWORD_MAX_AGE_DAYS) reaches only the change page, sign-out and static files; the
    API answers 403 to their session (API keys are not sessions and pass)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(SESSION_KEY) is not None
            and request.user.is_authenticated
            and not _passes(request.path)
            # Signed in at the identity provider: this session never used the password.
            and not signed_in_by_oidc(request)
        ):
            reason = _session_reason(request)
            if reason is not None:
                return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            message = _("Change your password first: the platform's pages show you how.")
            return JsonResponse(
                {"error": {"code": "password_change_required", "message": message, "fields": {}}},
                status=403,
            )
        target = reverse("password-change")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)

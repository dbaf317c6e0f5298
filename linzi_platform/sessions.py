"""How long a signed-in session lasts, told to the page; and the keep-alive that extends it.

GB/T 22239-2019 8.1.4.1 b) (network logins end by themselves after a time-out): a session
ends SESSION_IDLE_TIMEOUT seconds after the last request that used it (30 minutes by
default) and, whatever the activity, SESSION_ABSOLUTE_LIMIT seconds after the sign-in (8
hours); then the person signs in again.

The session row's expire_date is the one clock: Django's database store refuses a row past
it. SessionTimeoutMiddleware moves it to "now + idle time, never past sign-in + limit" at
most once a minute, so an ordinary request writes no session. The page learns the seconds
left from the row itself — the store below remembers the row's expire_date when it loads
it, so this costs no query — and static/js/session.js warns before the end, offers to keep
working (one GET to the keep-alive, which moves the end unless the absolute limit is near),
and keeps a draft of the forms being filled in so that a login that ran out loses nothing.
"""

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

LOGIN_AT = "_linzi_login_at"
# An ordinary request moves the session's end only when it gains at least this much: a
# person clicking through pages writes the session row about once a minute, not every time.
REFRESH_STEP = datetime.timedelta(seconds=60)
# How long before the end the page warns (never more than a third of the idle time).
WARNING_BEFORE = 5 * 60


class SessionStore(DatabaseSessionStore):
    """Django's database store that remembers when the loaded session expires."""

    expires_at: datetime.datetime | None = None

    def _get_session_from_db(self) -> Any:
        session = super()._get_session_from_db()
        self.expires_at = session.expire_date if session is not None else None
        return session


def idle_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)


def absolute_limit() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_LIMIT)


def session_signed_in_at(session: SessionBase) -> datetime.datetime | None:
    stamp = session.get(LOGIN_AT)
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC) if stamp else None


def session_limit_at(session: SessionBase) -> datetime.datetime | None:
    """When the session ends whatever the activity: sign-in + SESSION_ABSOLUTE_LIMIT."""
    signed_in = session_signed_in_at(session)
    return signed_in + absolute_limit() if signed_in else None


def session_ends_at(session: SessionBase) -> datetime.datetime:
    return getattr(session, "expires_at", None) or session.get_expiry_date()


def record_sign_in_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On `user_logged_in`: the absolute limit counts from here."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LOGIN_AT] = timezone.now().timestamp()
        session_touch(session, force=True)


def session_touch(session: SessionBase, *, force: bool = False) -> datetime.datetime | None:
    """Move a signed-in session's end to now + idle time, never past its absolute limit.

    Writes only when the end moves by REFRESH_STEP or more (or `force`). Returns the end, or
    None when the absolute limit is reached and the session must end now.
    """
    now = timezone.now()
    if LOGIN_AT not in session:
        # A session signed in before the limit existed: its limit counts from now.
        session[LOGIN_AT] = now.timestamp()
    limit = session_limit_at(session) or now + absolute_limit()
    if now >= limit:
        return None
    wanted = min(now + idle_timeout(), limit)
    current = session_ends_at(session)
    # Only forward (a clock set back moves nothing), except down to the absolute limit.
    if force or wanted - current >= REFRESH_STEP or current > limit:
        session.set_expiry(wanted)
        session.expires_at = wanted  # type: ignore[attr-defined]
        return wanted
    return current


class SessionTimeoutMiddleware:
    """Every request of a signed-in person is activity: it moves the session's idle end
    (at most once a minute). A session past its absolute limit is ended here too, though
    the store refuses it already once its row's end has passed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        signed_in = session is not None and session.get(SESSION_KEY) is not None
        if signed_in and session_touch(session) is None:
            session.flush()
            request.user = AnonymousUser()
        return self.get_response(request)


def session_expiry(request: HttpRequest) -> dict[str, Any]:
    """What static/js/session.js needs (nothing for visitors and API keys): the seconds left
    before the session ends, before its absolute limit, what a keep-alive gives, and how long
    before the end to warn."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or user.pk is None or session is None:
        return {}
    now = timezone.now()
    expires_in = max(int((session_ends_at(session) - now).total_seconds()), 0)
    limit = session_limit_at(session)
    limit_in = int((limit - now).total_seconds()) if limit else settings.SESSION_ABSOLUTE_LIMIT
    idle = settings.SESSION_IDLE_TIMEOUT
    return {
        "session_expires_in": expires_in,
        "session_limit_in": max(limit_in, 0),
        "session_age": idle,
        "session_warning": min(WARNING_BEFORE, idle // 3),
        "session_login": login_marker(session.session_key or ""),
    }


def login_marker(session_key: str) -> str:
    """Tells one login from the next (the key changes at every login) without showing the
    session key: a draft saved under one login and submitted after it ran out is kept."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]


@never_cache
@login_required
@require_GET
def keepalive(request: HttpRequest) -> HttpResponse:
    """Extend the session to SESSION_IDLE_TIMEOUT from now, never past its absolute limit;
    the header says the seconds now left."""
    ends_at = session_touch(request.session, force=True)
    response = HttpResponse(status=204)
    if ends_at is not None:
        left = int((ends_at - timezone.now()).total_seconds())
        response["X-Session-Expires-In"] = str(max(left, 0))
    return response

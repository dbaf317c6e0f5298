"""When a signed-in person's session ends, told to the page; and the keep-alive that extends it.

A session lasts SESSION_COOKIE_AGE from its last save (Django does not save it on every
request). The page learns the seconds left from the session row itself — the store below
remembers the row's expire_date when it loads it, so this costs no query — and
static/js/session.js warns a few minutes before the end, offers to keep working (one GET to
the keep-alive, which saves the session and so moves its end), and keeps a draft of the
forms being filled in so that a login that ran out loses nothing.
"""

import datetime
import hashlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


class SessionStore(DatabaseSessionStore):
    """Django's database store that remembers when the loaded session expires."""

    expires_at: datetime.datetime | None = None

    def _get_session_from_db(self) -> Any:
        session = super()._get_session_from_db()
        self.expires_at = session.expire_date if session is not None else None
        return session


def session_expiry(request: HttpRequest) -> dict[str, Any]:
    """{"session_expires_in": seconds} for a signed-in person (none for visitors and API keys)."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or user.pk is None or session is None:
        return {}
    expires_at = getattr(session, "expires_at", None) or session.get_expiry_date()
    seconds = int((expires_at - timezone.now()).total_seconds())
    return {
        "session_expires_in": max(seconds, 0),
        "session_age": session.get_session_cookie_age(),
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
    """Extend the session by SESSION_COOKIE_AGE from now: saving it moves its expiry."""
    request.session.modified = True
    return HttpResponse(status=204)

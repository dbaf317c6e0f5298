"""Login lockout (GB/T 22239-2019 level 3, 8.1.4.1 b: 登录失败处理) on top of django-axes.

Three counters of failed logins, each with its own limit, all read from axes' AccessAttempt
rows (one row per username, address and browser; AXES_LOCKOUT_PARAMETERS names the same three
combinations, for axes' own resets and clean-ups):

- **pair** (username at one address), AXES_FAILURE_LIMIT (5) within AXES_COOLOFF_TIME (30
  minutes): the lock of today, which stops guessing one account from one place.
- **address** (every username from one address), LOGIN_LOCKOUT_ADDRESS_LIMIT (20) within
  AXES_COOLOFF_TIME: stops walking around the pair lock by trying a few passwords on many
  accounts (password spraying) — 4 wrong passwords on each of 6 users locks the address, and
  then even a right password for a 7th user is refused from it.
- **username** (one username from every address), LOGIN_LOCKOUT_USERNAME_LIMIT (10) within
  LOGIN_LOCKOUT_USERNAME_COOLOFF (15 minutes): stops walking around the pair lock by guessing
  one account from many addresses (a botnet).

Why the username lock cannot be turned against staff: anyone who knows a clerk's user name
could otherwise keep the clerk out of the platform from everywhere. So (1) its limit is twice
the pair limit, and since one address is stopped at the pair limit, it takes at least two
addresses to reach it; (2) its window is shorter, so it lifts by itself 15 minutes after the
last wrong password and the attacker has to keep sending from several addresses, every one of
which is locked for 30 minutes by the address and pair limits and shows in the admin; (3) it
never applies at an address from which that user has signed in successfully within
LOGIN_LOCKOUT_KNOWN_ADDRESS_DAYS (30 days) — the clerk's own office keeps working, and that
address stays under the pair and address limits, so it is no way around them. An attacker who
does not know the password cannot make an address "known". (4) Attempts refused during a lock
are neither counted nor extend it (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so a
lock ends its window after the failure that set it, however often the login is hammered.

A successful login clears only the pair's failures (not the address's or the username's):
otherwise an insider could wipe the address counter by signing in to their own account
between guesses at colleagues' accounts.

Every lockout is audited (`login.locked_out`, R20) with the username, address and scope, once
when it happens, not at every refused attempt during it; an administrator lifts it from the
admin (`lockout_lift`, audited as `login.unlocked`).
"""

import datetime
import ipaddress
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.services import audit_record

PAIR = "pair"
ADDRESS = "address"
USERNAME = "username"
SCOPES = (PAIR, ADDRESS, USERNAME)


@dataclass(frozen=True)
class Limit:
    failures: int
    window: datetime.timedelta


def _limits(request: HttpRequest | None, credentials: dict | None) -> dict[str, Limit]:
    cool_off = get_cool_off(request) or datetime.timedelta(minutes=30)
    return {
        PAIR: Limit(get_failure_limit(request, credentials), cool_off),
        ADDRESS: Limit(settings.LOGIN_LOCKOUT_ADDRESS_LIMIT, cool_off),
        # Never longer than axes' own window: older rows are deleted by axes anyway.
        USERNAME: Limit(
            settings.LOGIN_LOCKOUT_USERNAME_LIMIT,
            min(settings.LOGIN_LOCKOUT_USERNAME_COOLOFF, cool_off),
        ),
    }


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _known_address(username: str, ip_address: str | None, now: datetime.datetime) -> bool:
    """The user signed in successfully from this address lately (see the module docstring)."""
    if not username or not ip_address:
        return False
    since = now - datetime.timedelta(days=settings.LOGIN_LOCKOUT_KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=ip_address, attempt_time__gte=since
    ).exists()


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per lockout combination.

    axes compares one number, `get_failures`, with one limit, AXES_FAILURE_LIMIT (the pair's).
    Here `get_failures` is the pair's failures, raised to that limit when a wider combination
    has reached its own limit — so axes' own checks (the login refusal, the lockout signal,
    the failure log) all follow the three limits. The scope that locked is left on the request
    (`axes_lockout_scope`) for the lockout page and the audit.
    """

    @staticmethod
    def _attempts(request: HttpRequest, credentials: dict | None) -> dict[str, QuerySet]:
        username = get_client_username(request, credentials)
        ip_address = request.axes_ip_address
        rows = AccessAttempt.objects.all()
        return {
            PAIR: rows.filter(username=username, ip_address=ip_address),
            ADDRESS: rows.filter(ip_address=ip_address),
            USERNAME: rows.filter(username=username),
        }

    def _counts(
        self, request: HttpRequest, credentials: dict | None, limits: dict[str, Limit]
    ) -> dict[str, int]:
        """Failures per scope within its window; the username's is 0 at a known address."""
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        counts = {}
        for scope, attempts in self._attempts(request, credentials).items():
            counts[scope] = _failures(attempts.filter(attempt_time__gte=now - limits[scope].window))
        username = get_client_username(request, credentials)
        if counts[USERNAME] and _known_address(username, request.axes_ip_address, now):
            counts[USERNAME] = 0
        return counts

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        limits = _limits(request, credentials)
        counts = self._counts(request, credentials, limits)
        pair = counts[PAIR]
        # The first combination at or over its limit (a limit of 0 switches one off).
        scope = next(
            (s for s in SCOPES if 0 < limits[s].failures <= counts[s]),
            None,
        )
        request.axes_lockout_scope = scope
        return pair if scope is None else max(pair, limits[PAIR].failures)

    def user_login_failed(
        self, sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        if request is not None:
            # Read by `audit_lockout`: axes signals a lockout again at every refused attempt.
            request.axes_lockout_new = not getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful login: the pair's failures only (see the module docstring)."""
        count, _rows = self._attempts(request, credentials)[PAIR].delete()
        return count


@receiver(user_locked_out)
def audit_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """Audit the moment a lockout begins (R20; GB/T 22239 8.1.4.3 安全审计)."""
    if not getattr(request, "axes_lockout_new", True):
        return
    audit_record(
        actor=None,
        action="login.locked_out",
        object_type="auth.login",
        object_id=username or "",
        details={
            "username": username or "",
            "ip_address": ip_address or "",
            "scope": getattr(request, "axes_lockout_scope", None) or PAIR,
        },
    )


def lockout_lift(*, attempts: QuerySet, actor: object) -> int:
    """Lift the lockouts the selected AccessAttempt (or AccessFailureLog) entries stand in:
    every failure of their usernames and of their addresses is forgotten, so none of the
    three counters holds them any more. One audit event per selected username and address;
    returns the rows deleted.
    """
    keys = sorted(set(attempts.values_list("username", "ip_address")), key=str)
    if not keys:
        return 0
    condition = Q()
    for username, ip_address in keys:
        if username:
            condition |= Q(username=username)
        if ip_address:
            condition |= Q(ip_address=ip_address)
    with transaction.atomic():
        deleted, _rows = AccessAttempt.objects.filter(condition).delete() if condition else (0, {})
        for username, ip_address in keys:
            audit_record(
                actor=actor,
                action="login.unlocked",
                object_type="auth.login",
                object_id=username or "",
                details={"username": username or "", "ip_address": ip_address or ""},
            )
    return deleted


def client_address(request: HttpRequest) -> str | None:
    """The address every counter is kept by (AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT reverse proxies stand in front of the platform:
    then every request arrives from a proxy, and counting by its address would let anyone
    lock every clerk out at once. The client is then the address the outermost trusted proxy
    saw, the n-th entry from the right of X-Forwarded-For; entries further left are written
    by the client and never trusted (they would let an attacker pick a new address per try).
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The lockout page (AXES_LOCKOUT_CALLABLE): which lock it is and for how long, in the
    reader's words; the same page for every username, so it tells nothing about accounts."""
    scope = getattr(request, "axes_lockout_scope", None) or PAIR
    window = _limits(request, credentials)[scope].window
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {
            "scope": scope,
            "minutes": int(window.total_seconds() // 60),
            "support_contact": settings.SUPPORT_CONTACT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )

"""The two steps of unified identity sign-in and the page of a refusal.

`start` (mozilla-django-oidc's request view) sends the browser to the provider with a fresh
state, nonce and PKCE challenge kept in the session; `callback` takes the code back, has
StaffOidcBackend check the tokens and the person, and signs the session in. The sign-in is the
first factor: an administrator still confirms the authenticator's code (two_factor.py), the
session's idle and absolute limits start (linzi_platform/sessions.py), and the audit records
it as a sign-in with `method: oidc` (R20). A refusal is audited as a failed sign-in with its
reason and answered with a page that says whom to ask; it counts towards no password lockout
(no password was tried, and the provider locks its own sign-in).
"""

from typing import Any

import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from audit.services import audit_record
from audit.signals import LOGIN_FAILED

from ..selectors import department_head_names, platform_admin_names
from ..sign_in import OIDC, SIGN_IN_METHOD_SESSION_KEY, oidc_enabled
from . import backend as refusals
from .backend import SignInRefused, StaffOidcBackend
from .provider import ProviderUnavailable, provider_endpoints

BACKEND_PATH = "organizations.oidc.backend.StaffOidcBackend"
STATES_SESSION_KEY = "oidc_states"  # mozilla-django-oidc's


def _messages() -> dict[str, str]:
    return {
        refusals.UNKNOWN_ACCOUNT: _(
            "You signed in at the identity provider, but this platform has no staff account for "
            "you yet."
        ),
        refusals.NO_ACCOUNT_CLAIM: _(
            "The identity provider did not say which account you are, so the platform cannot "
            "find your staff account."
        ),
        refusals.INACTIVE_ACCOUNT: _("Your staff account on this platform is disabled."),
        refusals.NO_MEMBERSHIP: _(
            "Your account on this platform has no department and role yet, so it cannot be used."
        ),
        refusals.DEPARTMENT_INACTIVE: _(
            "Your department on this platform was dissolved or merged, and your account has not "
            "been moved to its successor yet."
        ),
        refusals.DEPARTMENT_MISMATCH: _(
            "The department the identity provider gives for you differs from your department "
            "on this platform, so you are not signed in to either until they agree."
        ),
        refusals.TOKEN_INVALID: _(
            "The identity provider's answer did not pass the platform's checks, so you were "
            "not signed in. Try again; if it happens again, tell the platform administrator."
        ),
        refusals.PROVIDER_UNAVAILABLE: _(
            "The identity provider cannot be reached right now. Try again in a few minutes."
        ),
        refusals.PROVIDER_ERROR: _(
            "Signing in at the identity provider was not completed: it was cancelled or "
            "refused there. Start signing in again."
        ),
        refusals.STALE_REQUEST: _(
            "This sign-in link has expired or was already used. Start signing in again."
        ),
    }


# Refusals about the person, which their department's heads or an administrator can fix.
ABOUT_THE_PERSON = {
    refusals.UNKNOWN_ACCOUNT,
    refusals.NO_ACCOUNT_CLAIM,
    refusals.INACTIVE_ACCOUNT,
    refusals.NO_MEMBERSHIP,
    refusals.DEPARTMENT_INACTIVE,
    refusals.DEPARTMENT_MISMATCH,
}


def _audit_refusal(
    request: HttpRequest, reason: str, *, account: str = "", error: str = ""
) -> None:
    details = {
        "method": OIDC,
        "reason": reason,
        "username": account[:150],
        "ip": request.META.get("REMOTE_ADDR", ""),
    }
    if error:
        details["error"] = error[:200]
    audit_record(actor=AnonymousUser(), action=LOGIN_FAILED, details=details)


def refusal_page(
    request: HttpRequest, reason: str, refusal: SignInRefused | None = None, status: int = 403
) -> HttpResponse:
    """The page of a refused sign-in: what happened and whom to ask — the heads of the person's
    department when it is known, and the platform administrator (SUPPORT_CONTACT, else the
    administrators' names)."""
    department = refusal.department if refusal is not None else None
    claimed = refusal.claimed_department if refusal is not None else None
    context = {
        "message": _messages()[reason],
        "about_the_person": reason in ABOUT_THE_PERSON,
        "person_name": refusal.person_name if refusal is not None else "",
        "department": department,
        "mismatch": reason == refusals.DEPARTMENT_MISMATCH,
        "claimed_department": claimed,
        "department_heads": department_head_names(department) if department else [],
        "support_contact": settings.SUPPORT_CONTACT,
        "platform_admins": [] if settings.SUPPORT_CONTACT else platform_admin_names(),
    }
    return render(request, "registration/oidc_refused.html", context, status=status)


class OidcStartView(OIDCAuthenticationRequestView):
    """To the identity provider, with the endpoint in force (discovered or set)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_endpoints().authorization
        except ProviderUnavailable as exc:
            _audit_refusal(request, refusals.PROVIDER_UNAVAILABLE, error=str(exc))
            return refusal_page(request, refusals.PROVIDER_UNAVAILABLE, status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """Back from the identity provider: the state must be one this session started; then the
    backend checks the tokens and the person, and the session is signed in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        states = request.session.get(STATES_SESSION_KEY)
        state = request.GET.get("state", "")
        entry = states.pop(state, None) if isinstance(states, dict) else None
        if entry is not None:
            request.session.modified = True  # a state is used once, even by a refused try
        if request.GET.get("error"):
            error = str(request.GET.get("error"))
            _audit_refusal(request, refusals.PROVIDER_ERROR, error=error)
            return refusal_page(request, refusals.PROVIDER_ERROR)
        if entry is None or not request.GET.get("code"):
            _audit_refusal(request, refusals.STALE_REQUEST)
            return refusal_page(request, refusals.STALE_REQUEST, status=400)
        return self._sign_in(request, entry)

    def _sign_in(self, request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
        backend = StaffOidcBackend()
        try:
            user = backend.authenticate(
                request,
                oidc_nonce=entry.get("nonce"),
                oidc_code_verifier=entry.get("code_verifier"),
            )
        except SignInRefused as refusal:
            _audit_refusal(request, refusal.reason, account=refusal.account)
            return refusal_page(request, refusal.reason, refusal)
        except SuspiciousOperation as exc:
            _audit_refusal(request, refusals.TOKEN_INVALID, error=str(exc))
            return refusal_page(request, refusals.TOKEN_INVALID)
        except requests.HTTPError as exc:
            # The token endpoint refused the code (a wrong PKCE verifier, a code used twice,
            # a client the provider does not know): the person can only start again.
            status = exc.response.status_code if exc.response is not None else 502
            reason = refusals.PROVIDER_ERROR if status < 500 else refusals.PROVIDER_UNAVAILABLE
            _audit_refusal(request, reason, error=str(exc))
            return refusal_page(request, reason, status=403 if status < 500 else 502)
        except (ProviderUnavailable, requests.RequestException) as exc:
            _audit_refusal(request, refusals.PROVIDER_UNAVAILABLE, error=str(exc))
            return refusal_page(request, refusals.PROVIDER_UNAVAILABLE, status=502)
        if user is None:
            _audit_refusal(request, refusals.TOKEN_INVALID)
            return refusal_page(request, refusals.TOKEN_INVALID)
        self.user = user
        next_url = self.success_url  # kept by the start view, checked there
        # The audit's sign-in event (audit.signals) names the way in and the provider's subject.
        request.sign_in_details = {"method": OIDC, "subject": str(backend.claims.get("sub", ""))}
        auth.login(request, user, backend=BACKEND_PATH)
        request.session[SIGN_IN_METHOD_SESSION_KEY] = OIDC
        request.session.pop("oidc_login_next", None)
        return HttpResponseRedirect(next_url)


app_name = "oidc"
urlpatterns = [
    path("start/", OidcStartView.as_view(), name="start"),
    path("callback/", OidcCallbackView.as_view(), name="callback"),
]

"""The ways in: the platform's own user name and password (PASSWORD_SIGN_IN, on by default)
and unified identity sign-in (统一身份认证, organizations/oidc/, on when OIDC_ISSUER is set).

With password sign-in off, the login page offers only the identity provider, a password typed
anyway is refused before it is checked (so it neither counts towards the lockout nor reaches
the audit as a wrong password), and the password backend refuses every password, whatever
page sends one. Django's admin signs in on the platform's login page whenever unified identity
sign-in is on, so it offers both ways there too.

Which way a session signed in is kept in the session (SIGN_IN_METHOD_SESSION_KEY): a session
signed in at the identity provider never used the platform password, so the password's age
does not send it to the change page (organizations/passwords.py).
"""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .forms import LoginForm

SIGN_IN_METHOD_SESSION_KEY = "_linzi_sign_in_method"
PASSWORD = "password"  # noqa: S105 (a sign-in method's name)
OIDC = "oidc"


def oidc_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def password_sign_in_enabled() -> bool:
    return bool(settings.PASSWORD_SIGN_IN)


def signed_in_by_oidc(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(SIGN_IN_METHOD_SESSION_KEY) == OIDC


class PasswordBackend(ModelBackend):
    """Django's user name and password check, refusing every password while PASSWORD_SIGN_IN
    is off (the login page, the admin's, anything else that calls `authenticate`)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not password_sign_in_enabled():
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def oidc_start_url(next_url: str) -> str:
    url = reverse("oidc:start")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class StaffLoginView(LoginView):
    """Django's login page with the ways in that are on: the button to the identity provider
    and, unless switched off, the password form."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not password_sign_in_enabled():
            context = self.get_context_data(
                form=None,
                refused=_(
                    "Signing in with a password is switched off on this platform. Use unified "
                    "identity sign-in."
                ),
            )
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # logs in
        self.request.session[SIGN_IN_METHOD_SESSION_KEY] = PASSWORD
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        next_url = _safe_next(self.request)
        context.update(
            password_sign_in=password_sign_in_enabled(),
            oidc_enabled=oidc_enabled(),
            oidc_url=oidc_start_url(next_url) if oidc_enabled() else "",
        )
        return context


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login: the platform's login page while unified identity sign-in is on (the
    admin's own page knows only passwords), else Django's admin login."""
    if oidc_enabled():
        next_url = _safe_next(request) or reverse("admin:index")
        return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
    return admin.site.login(request)

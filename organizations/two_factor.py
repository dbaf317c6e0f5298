"""Two-factor sign-in (双因素身份鉴别, GB/T 22239-2019 level 3, 8.1.4.1 d): after the password,
a six-digit code of an authenticator app (TOTP, RFC 6238) or one of ten one-time recovery codes.

Who: platform admins and every account that may enter Django's admin (is_staff) must enrol and
verify; other staff may enrol on their two-factor page and, once enrolled, verify at every
sign-in. A failed code backs off exponentially (django-otp's throttling) and every enrolment,
verification, failure, recovery-code use, regeneration and turning off is in the audit trail
(R20). The API with API keys is not affected: a key is its own credential.

The policy, the services, the middleware and the views are here; the pages are
templates/registration/two_factor_*.html.
"""

import base64
import io
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from linzi_platform.forms import HelpfulFormMixin, ServiceErrorsMixin
from linzi_platform.web_errors import call_service

from .scoping import actor_for_user

RECOVERY_CODE_COUNT = 10
# The devices' names, shown in the admin.
AUTHENTICATOR_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"
# Whether the signed-in person has an authenticator, remembered in the session so the
# middleware does not ask the database on every request of staff who did not enrol.
ENROLLED_SESSION_KEY = "two_factor_enrolled"
# Recovery codes just generated, shown once by the recovery-codes page, then forgotten.
NEW_CODES_SESSION_KEY = "two_factor_new_codes"
# Pages an unverified person may still open: this module's, logging out, the language.
OPEN_URL_NAMES = {"logout", "set_language", "session-keepalive", "health"}

ENROL = "two_factor.enrol"
VERIFY = "two_factor.verify"
VERIFY_FAILED = "two_factor.verify_failed"
RECOVERY_CODE_USED = "two_factor.recovery_code_used"
RECOVERY_CODES_REGENERATE = "two_factor.recovery_codes_regenerate"
DISABLE = "two_factor.disable"
RESET = "two_factor.reset"


# --- who ---------------------------------------------------------------------------------

# Tells whether a user is one of the demo accounts of `make run` (the demo app registers
# it); they are exempt only under settings.TWO_FACTOR_EXEMPT_DEMO, which production refuses.
_demo_account_checks: list[Callable[[Any], bool]] = []


def register_demo_accounts(check: Callable[[Any], bool]) -> None:
    if check not in _demo_account_checks:
        _demo_account_checks.append(check)


def is_demo_exempt(user: Any) -> bool:
    return settings.TWO_FACTOR_EXEMPT_DEMO and any(check(user) for check in _demo_account_checks)


def two_factor_required(user: Any) -> bool:
    """Platform admins (a superuser without a department counts as one) and every account that
    may enter Django's admin must sign in with a second factor; they cannot turn it off."""
    if user is None or not user.is_authenticated:
        return False
    administrator = user.is_staff or actor_for_user(user).is_platform_admin
    return administrator and not is_demo_exempt(user)


def authenticator(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def is_enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- services ----------------------------------------------------------------------------


def _details(request: HttpRequest | None, **details: Any) -> dict[str, Any]:
    if request is not None:
        details["ip"] = request.META.get("REMOTE_ADDR", "")
    return details


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _check_throttle(device: Any, *, user: Any, request: HttpRequest | None, field: str) -> None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return
    audit_record(
        actor=user, action=VERIFY_FAILED, obj=user, details=_details(request, reason="throttled")
    )
    wait = max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
    raise ValidationError(
        {
            field: _(
                "Too many wrong codes in a row. Try again in %(seconds)s seconds; the wait "
                "doubles after each wrong code."
            )
            % {"seconds": wait}
        }
    )


def _refuse(*, user: Any, request: HttpRequest | None, field: str, method: str) -> None:
    audit_record(
        actor=user,
        action=VERIFY_FAILED,
        obj=user,
        details=_details(request, reason="wrong_code", method=method),
    )
    raise ValidationError(
        {
            field: _(
                "The verification code is wrong or has expired. Enter the 6 digits your "
                "authenticator app shows now, or one of your unused recovery codes."
            )
        }
    )


def _new_recovery_codes(user: Any) -> list[str]:
    """Replace the person's recovery codes by ten new ones and return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enrolment_device(*, user: Any) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so reloading
    the page does not invalidate what the person already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def two_factor_enrol(
    *, user: Any, device: TOTPDevice, code: str, request: HttpRequest | None = None
) -> list[str]:
    """Confirm the authenticator with its current code, give ten recovery codes (returned,
    shown once) and sign the session in with the second factor."""
    _check_throttle(device, user=user, request=request, field="code")
    if not device.verify_token(_normalized(code)):
        _refuse(user=user, request=request, field="code", method="totp")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action=ENROL, obj=user, details=_details(request))
    if request is not None:
        otp_login(request, device)
        request.session[ENROLLED_SESSION_KEY] = True
    return codes


def _accepting_device(*, user: Any, code: str, request: HttpRequest | None) -> Any:
    """The device that accepts `code`: the authenticator for six digits, else the recovery
    codes (the one used is used up). A wrong code is refused, counted for the back-off and
    audited."""
    code = _normalized(code)
    by_app = len(code) == 6 and code.isdigit()
    method = "totp" if by_app else "recovery"
    device = authenticator(user) if by_app else recovery_device(user)
    if device is None:
        _refuse(user=user, request=request, field="code", method=method)
    _check_throttle(device, user=user, request=request, field="code")
    if not device.verify_token(code):
        _refuse(user=user, request=request, field="code", method=method)
    return device


def two_factor_verify(*, user: Any, code: str, request: HttpRequest | None = None) -> Any:
    """The second step of signing in: check the code and mark the session as verified by the
    device that accepted it (returned)."""
    device = _accepting_device(user=user, code=code, request=request)
    if isinstance(device, StaticDevice):
        details = _details(request, left=recovery_codes_left(user))
        audit_record(actor=user, action=RECOVERY_CODE_USED, obj=user, details=details)
    else:
        audit_record(actor=user, action=VERIFY, obj=user, details=_details(request, method="totp"))
    if request is not None:
        otp_login(request, device)
    return device


def two_factor_recovery_codes_regenerate(
    *, user: Any, request: HttpRequest | None = None
) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    if not is_enrolled(user):
        raise ValidationError(_("Set up two-factor sign-in first."))
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user, action=RECOVERY_CODES_REGENERATE, obj=user, details=_details(request)
        )
    return codes


def two_factor_disable(*, user: Any, code: str, request: HttpRequest | None = None) -> None:
    """Turn two-factor sign-in off (staff for whom it is optional), confirmed with a code."""
    if two_factor_required(user):
        raise PermissionDenied(
            _("Administrators must sign in with two factors; it cannot be turned off.")
        )
    _accepting_device(user=user, code=code, request=request)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=user, action=DISABLE, obj=user, details=_details(request))
    if request is not None:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        request.session[ENROLLED_SESSION_KEY] = False


def two_factor_reset(*, user: Any, by: Any) -> None:
    """An administrator removes a person's authenticator and recovery codes (a lost phone):
    the person sets up two-factor sign-in again at the next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=by, action=RESET, obj=user)


# --- the middleware ----------------------------------------------------------------------


def must_verify(request: HttpRequest) -> bool:
    """Whether the signed-in person still owes the second factor in this session."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if two_factor_required(user):
        return True
    enrolled = request.session.get(ENROLLED_SESSION_KEY)
    if enrolled is None:
        enrolled = request.session[ENROLLED_SESSION_KEY] = is_enrolled(user)
    return enrolled


def remember_enrolment(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At each sign-in, note in the session whether the person set up an authenticator: the
    middleware then asks the database only when the answer is missing."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = is_enrolled(user)


def connect_signals() -> None:
    user_logged_in.connect(remember_enrolment, dispatch_uid="two_factor.remember_enrolment")


def _second_step_url(request: HttpRequest) -> str:
    name = "two_factor:verify" if is_enrolled(request.user) else "two_factor:enrol"
    return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


class TwoFactorMiddleware:
    """After the password, a person who owes the second factor reaches only the two-factor
    pages: every other page leads there (enrolment first if there is no authenticator yet)
    and the API answers 403 to their session; an API key is not concerned."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace == "two_factor" or match.url_name in OPEN_URL_NAMES:
            return None
        # A partner system's key is its own credential (an invalid one is refused by the API,
        # never answered for the session); any other header leaves the session in charge.
        authorization = request.headers.get("Authorization", "")
        if request.path_info.startswith("/api/") and authorization.startswith("Api-Key "):
            return None
        if not must_verify(request):
            return None
        if request.path_info.startswith("/api/"):
            message = _("Sign in with your second factor on the web page first.")
            return JsonResponse(
                {"error": {"code": "two_factor_required", "message": message}}, status=403
            )
        return redirect(_second_step_url(request))


# --- forms -------------------------------------------------------------------------------


class CodeForm(HelpfulFormMixin, ServiceErrorsMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=32,
        help_text=gettext_lazy(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.use_plain_messages()


class EnrolCodeForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.help_text = _("The 6 digits the app shows for this platform after scanning.")
        field.widget.attrs["inputmode"] = "numeric"


# --- views -------------------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _next_query(request: HttpRequest) -> str:
    return urlencode({"next": _next_url(request)})


def otpauth_qr_svg(uri: str) -> SafeString:
    """The authenticator's setup link as an inline SVG QR code, drawn on the server."""
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(
        buffer, kind="svg", scale=5, border=4, xmldecl=False, svgclass="qr-code", lineclass=None
    )
    label = escape(_("QR code to scan with the authenticator app"))
    svg = buffer.getvalue().decode("utf-8")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S308


def _secret_text(device: TOTPDevice) -> str:
    """The secret for typing into the app by hand, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "registration/two_factor_account.html",
        {
            "enrolled": is_enrolled(user),
            "required": two_factor_required(user),
            "codes_left": recovery_codes_left(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if is_enrolled(user):
        return redirect("two_factor:account")
    device = two_factor_enrolment_device(user=user)
    form = EnrolCodeForm(request.POST or None)
    if form.is_valid():
        codes = call_service(
            request, form, two_factor_enrol, user=user, device=device,
            code=form.cleaned_data["code"], request=request,
        )  # fmt: skip
        if codes is not None:
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect(f"{reverse('two_factor:recovery-codes')}?{_next_query(request)}")
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "required": two_factor_required(user),
            # Past the password only: the header offers nothing but logging out.
            "pending": must_verify(request),
            "qr_svg": otpauth_qr_svg(device.config_url),
            "secret": _secret_text(device),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not is_enrolled(user):
        if two_factor_required(user):
            return redirect(f"{reverse('two_factor:enrol')}?{_next_query(request)}")
        request.session[ENROLLED_SESSION_KEY] = False
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = call_service(
            request, form, two_factor_verify, user=user, code=form.cleaned_data["code"],
            request=request,
        )  # fmt: skip
        if isinstance(device, StaticDevice):
            left = recovery_codes_left(user)
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code; %(left)s unused codes are left. Make "
                    "new ones on your two-factor page if you are running out."
                )
                % {"left": left},
            )
        if device is not None:
            return redirect(_next_url(request))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        codes = call_service(request, None, two_factor_recovery_codes_regenerate, user=user,
                             request=request)  # fmt: skip
        if codes is not None:
            request.session[NEW_CODES_SESSION_KEY] = codes
        return redirect("two_factor:recovery-codes")
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {
            "codes": request.session.pop(NEW_CODES_SESSION_KEY, None),
            "enrolled": is_enrolled(user),
            "codes_left": recovery_codes_left(user),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def disable(request: HttpRequest) -> HttpResponse:
    user = request.user
    if two_factor_required(user):
        raise PermissionDenied(
            _("Administrators must sign in with two factors; it cannot be turned off.")
        )
    if not is_enrolled(user):
        return redirect("two_factor:account")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        call_service(
            request, form, two_factor_disable, user=user, code=form.cleaned_data["code"],
            request=request,
        )  # fmt: skip
        if not form.errors:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two_factor:account")
    return render(request, "registration/two_factor_disable.html", {"form": form})


app_name = "two_factor"
urlpatterns = [
    path("", account, name="account"),
    path("enrol/", enrol, name="enrol"),
    path("verify/", verify, name="verify"),
    path("recovery-codes/", recovery_codes, name="recovery-codes"),
    path("disable/", disable, name="disable"),
]

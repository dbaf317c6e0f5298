"""Who a person signed in at the identity provider is on the platform.

mozilla-django-oidc exchanges the code (with the PKCE verifier) at the token endpoint, fetches
the provider's JWKS and checks the ID token's RS256 signature and nonce. It checks neither the
audience nor the issuer (it decodes with `verify_aud` off and no issuer), so this backend
decodes the ID token itself: signature, `iss` equal to OIDC_ISSUER, `aud` naming this client
(and `azp` this client when there are several audiences), `exp` and `iat` present, within
OIDC_CLOCK_SKEW_SECONDS. Userinfo, when the provider has it, must be about the same `sub`.

Then the account claim (OIDC_ACCOUNT_CLAIM) must be the user name of an active platform user
with a staff membership in an active department; nobody is ever created (staff belong to
exactly one department, and an administrator gives it). With OIDC_DEPARTMENT_CLAIM set,
the claim must name that membership's department (its code or name, or a department merged
into it, R21): a person the district moved to another department is refused until the
membership follows, rather than signed in to the old department's records.

Every refusal is a `SignInRefused` with its reason, for the page that tells the person whom to
ask (organizations/oidc/views.py).
"""

from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ..models import Department
from ..selectors import department_for_claim, departments_in_office
from .provider import ProviderEndpoints, provider_endpoints

# Why a sign-in was refused (the audit's `reason`, the page's message).
UNKNOWN_ACCOUNT = "unknown_account"
NO_ACCOUNT_CLAIM = "no_account_claim"
INACTIVE_ACCOUNT = "inactive_account"
NO_MEMBERSHIP = "no_membership"
DEPARTMENT_INACTIVE = "department_inactive"
DEPARTMENT_MISMATCH = "department_mismatch"
TOKEN_INVALID = "token_invalid"  # noqa: S105 (a refusal reason)
PROVIDER_UNAVAILABLE = "provider_unavailable"
PROVIDER_ERROR = "provider_error"
STALE_REQUEST = "stale_request"


class SignInRefused(Exception):
    """The identity provider vouched for the person, but the platform does not let them in."""

    def __init__(
        self,
        reason: str,
        *,
        account: str = "",
        person_name: str = "",
        department: Department | None = None,
        claimed_department: Department | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.account = account
        self.person_name = person_name
        self.department = department
        self.claimed_department = claimed_department


class StaffOidcBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend for the platform's staff (the module docstring).

    Only the callback view calls `authenticate`, with `oidc_nonce` and `oidc_code_verifier`:
    Django's `authenticate()` for a user name and password does not fit its signature and
    passes it by. Sessions it signed in are read back by ModelBackend's `get_user`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads its endpoints here, i.e. for every request of a signed-in session
        # (`get_user`); they are looked up only when a sign-in runs.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT = ""
        self.OIDC_OP_USER_ENDPOINT = ""
        self.OIDC_OP_JWKS_ENDPOINT = ""
        self.endpoints: ProviderEndpoints | None = None
        self.claims: dict[str, Any] = {}
        self._decoding_userinfo = False

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest, *, oidc_nonce: str | None, oidc_code_verifier: str | None
    ) -> Any:
        """The user the callback's code stands for, or None (an invalid token or an answer
        the library refuses); SignInRefused for a person the platform does not let in.
        ProviderUnavailable and requests' errors pass through."""
        self.endpoints = provider_endpoints()
        self.OIDC_OP_TOKEN_ENDPOINT = self.endpoints.token
        self.OIDC_OP_USER_ENDPOINT = self.endpoints.userinfo
        self.OIDC_OP_JWKS_ENDPOINT = self.endpoints.jwks
        return super().authenticate(request, nonce=oidc_nonce, code_verifier=oidc_code_verifier)

    # --- the ID token --------------------------------------------------------------------

    def verify_token(self, token: Any, **kwargs: Any) -> dict[str, Any]:
        if not isinstance(token, str) or not token:
            raise SuspiciousOperation("The token endpoint answered without an ID token.")
        try:
            return super().verify_token(token, **kwargs)
        except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
            # A token too broken for the library's own checks (no header, no kid…).
            raise SuspiciousOperation(f"The ID token is malformed: {exc}") from exc

    def get_payload_data(self, token: str, key: Any) -> dict[str, Any]:
        """The token's claims once its signature, issuer, audience and lifetime are checked
        (the library's own decoding skips the audience and the issuer)."""
        algorithm = jwt.get_unverified_header(token).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"The token is signed with {algorithm!r}.")
        if self.endpoints is None:  # only `authenticate` decodes tokens
            raise SuspiciousOperation("No identity provider to check the token against.")
        required = ["iss", "aud", "sub"] + ([] if self._decoding_userinfo else ["exp", "iat"])
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.endpoints.issuer,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": required},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"The token was refused: {exc}") from exc
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        azp = payload.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The token was issued to another client (azp).")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict[str, Any]:
        """The person's claims: the userinfo endpoint's over the ID token's, when there is one;
        it must describe the ID token's subject (OpenID Connect Core 5.3.2)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            self._decoding_userinfo = True
            try:
                userinfo = super().get_userinfo(access_token, id_token, payload)
            finally:
                self._decoding_userinfo = False
            if not isinstance(userinfo, dict) or str(userinfo.get("sub")) != str(payload["sub"]):
                raise SuspiciousOperation("The userinfo answer is about another subject.")
            claims.update(userinfo)
        return claims

    # --- the person ----------------------------------------------------------------------

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        """The platform user the claims name; never a new one."""
        claims = self.get_userinfo(access_token, id_token, payload)
        self.claims = claims
        account = str(claims.get(settings.OIDC_ACCOUNT_CLAIM) or "").strip()
        name = str(claims.get("name") or "").strip()[:100]
        claimed = None
        if settings.OIDC_DEPARTMENT_CLAIM:
            claimed = department_for_claim(str(claims.get(settings.OIDC_DEPARTMENT_CLAIM) or ""))

        def refuse(reason: str, department: Department | None = None) -> SignInRefused:
            return SignInRefused(
                reason,
                account=account,
                person_name=name,
                department=department or claimed,
                claimed_department=claimed,
            )

        if not account:
            raise refuse(NO_ACCOUNT_CLAIM)
        user = self.UserModel.objects.filter(**{self.UserModel.USERNAME_FIELD: account}).first()
        if user is None:
            raise refuse(UNKNOWN_ACCOUNT)
        membership = getattr(user, "membership", None)
        department = membership.department if membership is not None else None
        if not user.is_active:
            raise refuse(INACTIVE_ACCOUNT, department)
        if membership is None:
            raise refuse(NO_MEMBERSHIP)
        if not department.active:
            raise refuse(DEPARTMENT_INACTIVE, department)
        if settings.OIDC_DEPARTMENT_CLAIM and not _same_department(claimed, department):
            raise refuse(DEPARTMENT_MISMATCH, department)
        return user


def _same_department(claimed: Department | None, department: Department) -> bool:
    """The claim names the membership's department, or one merged into it (R21)."""
    if claimed is None:
        return False
    return claimed.pk == department.pk or department in departments_in_office([claimed])

"""Where the identity provider's endpoints are: each one named by its setting
(OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT,
OIDC_OP_JWKS_ENDPOINT), else read from the issuer's discovery document
(`<OIDC_ISSUER>/.well-known/openid-configuration`, OpenID Connect Discovery 1.0), which is
fetched only when a setting leaves an endpoint out and then kept OIDC_DISCOVERY_CACHE_SECONDS.

A discovery document for another issuer than OIDC_ISSUER is refused (Discovery 1.0 §4.3): the
tokens it leads to could never pass the issuer check anyway.
"""

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

DISCOVERY_PATH = "/.well-known/openid-configuration"


class ProviderUnavailable(Exception):
    """The identity provider cannot be reached or describes itself wrongly."""


@dataclass(frozen=True)
class ProviderEndpoints:
    issuer: str
    authorization: str
    token: str
    userinfo: str  # "" when the provider has none: the ID token's claims alone are used
    jwks: str


_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def _discovery(issuer: str) -> dict[str, Any]:
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(issuer)
        if cached is not None and cached[0] > now:
            return cached[1]
    try:
        response = requests.get(issuer + DISCOVERY_PATH, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery failed: {exc}") from exc
    if not isinstance(document, dict) or str(document.get("issuer") or "").rstrip("/") != issuer:
        found = document.get("issuer") if isinstance(document, dict) else None
        raise ProviderUnavailable(f"discovery names another issuer: {found!r}")
    with _cache_lock:
        _cache[issuer] = (now + settings.OIDC_DISCOVERY_CACHE_SECONDS, document)
    return document


def discovery_cache_clear() -> None:
    with _cache_lock:
        _cache.clear()


def provider_endpoints() -> ProviderEndpoints:
    """The endpoints in force; ProviderUnavailable when one is neither set nor discovered."""
    issuer = settings.OIDC_ISSUER
    named = {
        "authorization": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo": settings.OIDC_OP_USER_ENDPOINT,
        "jwks": settings.OIDC_OP_JWKS_ENDPOINT,
    }
    if not all(named.values()):
        document = _discovery(issuer)
        keys = {
            "authorization": "authorization_endpoint",
            "token": "token_endpoint",
            "userinfo": "userinfo_endpoint",
            "jwks": "jwks_uri",
        }
        for name, key in keys.items():
            if not named[name]:
                named[name] = str(document.get(key) or "")
    missing = [name for name in ("authorization", "token", "jwks") if not named[name]]
    if missing:
        raise ProviderUnavailable(f"no endpoint for {', '.join(missing)}")
    return ProviderEndpoints(issuer=issuer, **named)

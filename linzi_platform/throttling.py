"""Throttles for the REST API: one bucket per API key, one per staff user; 429 + Retry-After."""

from typing import Any

from rest_framework.throttling import SimpleRateThrottle


class ApiClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        client = getattr(request._request, "api_client", None)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.prefix}


class StaffUserRateThrottle(SimpleRateThrottle):
    scope = "staff_user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if getattr(request._request, "api_client", None) is not None:
            return None
        user = request.user
        if not user or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}

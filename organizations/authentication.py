"""`Authorization: Api-Key <key>` for partner systems (shared/API.md)."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from .models import ApiClient

# Writing last_used_at on every request would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiClientPrincipal:
    """Stands in for `request.user` when a partner system calls with its key."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, client: ApiClient) -> None:
        self.api_client = client
        self.pk = None

    def get_username(self) -> str:
        return f"api:{self.api_client.name}"

    def __str__(self) -> str:
        return self.get_username()


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"
    parser = KeyParser()

    def authenticate(self, request: Request) -> tuple[ApiClientPrincipal, ApiClient] | None:
        key = self.parser.get(request._request)
        if key is None:
            return None
        try:
            client = ApiClient.objects.get_from_key(key)
        except ApiClient.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key.")) from exc
        if client.has_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        if not client.department.active:
            raise exceptions.AuthenticationFailed(_("The department of this API key is inactive."))
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        request._request.api_client = client
        return ApiClientPrincipal(client), client

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def api_client_of(request: Any) -> ApiClient | None:
    return getattr(request, "api_client", None) or getattr(
        getattr(request, "_request", None), "api_client", None
    )

"""Every API error answers `{"error": {"code", "message", "fields"}}` (shared/API.md)."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from linzi_platform.errors import DomainConflict, DuplicateRecord

DEFAULT_MESSAGES = {
    status.HTTP_400_BAD_REQUEST: gettext_noop("Invalid input."),
    status.HTTP_401_UNAUTHORIZED: gettext_noop("Authentication required."),
    status.HTTP_403_FORBIDDEN: gettext_noop("You do not have permission to do this."),
    status.HTTP_404_NOT_FOUND: gettext_noop("Not found."),
    status.HTTP_405_METHOD_NOT_ALLOWED: gettext_noop("Method not allowed."),
    status.HTTP_409_CONFLICT: gettext_noop("The record is not in a state that allows this."),
    status.HTTP_429_TOO_MANY_REQUESTS: gettext_noop("Too many requests; try again later."),
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_noop("The record is not in a state that allows this.")
    default_code = "conflict"


def _flatten(detail: Any) -> Any:
    if isinstance(detail, list):
        return [
            str(item) if not isinstance(item, dict | list) else _flatten(item) for item in detail
        ]
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DuplicateRecord):
        return _duplicate_response(exc)
    if isinstance(exc, DomainConflict):
        exc = Conflict(str(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", None)
    fields: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        fields = _flatten(detail)
        non_field = fields.pop("non_field_errors", None)
        message = "；".join(non_field) if non_field else _("Invalid input.")
    elif isinstance(detail, list):
        message = "；".join(str(item) for item in detail)
    elif detail is not None:
        message = str(detail)
    else:
        message = _(DEFAULT_MESSAGES.get(response.status_code, "Error."))
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    code = codes if isinstance(codes, str) else getattr(exc, "default_code", "invalid")
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


def _duplicate_response(exc: DuplicateRecord) -> Response:
    """409 naming the record kept, so a partner system can link to it instead of retrying."""
    existing = {"id": exc.existing.id, "label": exc.existing.label, "url": exc.existing.url}
    return Response(
        {
            "error": {
                "code": "duplicate",
                "message": str(exc),
                "fields": {exc.field: [str(exc)]},
                "existing": existing,
            }
        },
        status=status.HTTP_409_CONFLICT,
    )

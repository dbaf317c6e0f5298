"""Every API error answers `{"error": {"code", "message", "fields"}}` (shared/API.md).

The one place that turns a service's errors into answers: Django's ValidationError (bad
input, keyed by the service's argument names) → 400 on those fields, a DomainConflict → 409,
PermissionDenied → 403, a body over the size limits → 413. API views call the service and catch
none of them.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
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
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: gettext_noop(
        "The request is too large: send smaller or fewer files."
    ),
    status.HTTP_429_TOO_MANY_REQUESTS: gettext_noop("Too many requests; try again later."),
}


class RequestTooLarge(exceptions.APIException):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE or REQUEST_MAX_BYTES (Django's
    RequestDataTooBig, which it answers as a 400 page)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = DEFAULT_MESSAGES[status.HTTP_413_REQUEST_ENTITY_TOO_LARGE]
    default_code = "request_too_large"


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


def service_field_errors(
    exc: DjangoValidationError, rename: dict[str, str] | None = None
) -> dict[str, Any]:
    """A service's ValidationError as DRF field errors. Errors on no field become
    `non_field_errors`; a dotted key ("counterparty.name") becomes a nested object
    ({"counterparty": {"name": […]}}); `rename` maps a service argument to the API's field
    name where they differ."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    nested: dict[str, Any] = {}
    for field, messages in exc.message_dict.items():
        if field == NON_FIELD_ERRORS:
            field = "non_field_errors"
        head, _dot, tail = field.partition(".")
        head = (rename or {}).get(head, head)
        if tail:
            target = nested.setdefault(head, {})
            if isinstance(target, list):
                nested[head] = target = {"non_field_errors": target}
            target[tail] = messages
        elif isinstance(nested.get(head), dict):
            nested[head]["non_field_errors"] = messages
        else:
            nested[head] = messages
    return nested


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # A view whose API field names differ from the service's arguments says so.
        rename = getattr(context.get("view"), "service_field_names", None)
        exc = exceptions.ValidationError(service_field_errors(exc, rename))
    if isinstance(exc, DuplicateRecord):
        return _duplicate_response(exc)
    if isinstance(exc, DomainConflict):
        exc = Conflict(str(exc))
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(_(RequestTooLarge.default_detail))
    elif isinstance(exc, SuspiciousOperation):  # e.g. too many form fields: Django's 400
        exc = exceptions.ParseError(_("Invalid input."))
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

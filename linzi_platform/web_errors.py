"""How the web pages show a service's errors to a person: the one helper a view calls a
service through, so no view catches ValidationError or a conflict itself."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from linzi_platform.errors import DomainConflict, DuplicateRecord
from linzi_platform.forms import ServiceErrorsMixin


def duplicate_message(exc: DuplicateRecord) -> SafeString:
    """The duplicate's reason with a link to the record already kept."""
    return format_html(
        '{} <a href="{}">{}</a>', str(exc), exc.existing.url, _("Open the existing record")
    )


def service_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError keyed by field ("__all__": errors on no field)."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def call_service(
    http_request: HttpRequest,
    form: ServiceErrorsMixin | None,
    service: Callable[..., Any],
    /,
    **arguments: Any,
) -> Any:
    """Call one service for a submitted form (or a button: `form` None). Its field errors go
    onto the form; a conflict about one input (a duplicate, a licence whose status is final)
    too; any other conflict, and any error of a button, becomes a message on the page. None
    means nothing was saved. PermissionDenied is left to answer 403. (Positional-only: a
    service may take a `request` argument of its own.)"""
    try:
        return service(**arguments)
    except ValidationError as exc:
        errors = service_errors(exc)
    except DuplicateRecord as exc:
        errors = {exc.field: [duplicate_message(exc)]}
    except DomainConflict as exc:
        if exc.field is None or form is None:
            messages.error(http_request, str(exc))
            return None
        errors = {exc.field: [str(exc)]}
    if form is None:
        for field_messages in errors.values():
            for message in field_messages:
                messages.error(http_request, message)
    else:
        form.add_service_errors(errors)
    return None

"""Field errors collected by a service before it writes anything: one dict of field → list
of messages, raised as one ValidationError so the form or the API names every bad field."""

from django.core.exceptions import ValidationError

FieldErrors = dict[str, list[str]]


def add_error(errors: FieldErrors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def raise_if_errors(errors: FieldErrors) -> None:
    if errors:
        raise ValidationError(errors)

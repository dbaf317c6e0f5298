"""Counterparties (行政相对人): recorded once per code, brought up to date, never duplicated."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .models import Counterparty, CounterpartyKind
from .validators import (
    normalize_code,
    normalize_phone,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)

NAME_MAX_LENGTH = Counterparty._meta.get_field("name").max_length
CONTACT_NAME_MAX_LENGTH = Counterparty._meta.get_field("contact_name").max_length


def _collect(errors: dict[str, list], field: str, exc: ValidationError) -> None:
    errors.setdefault(field, []).extend(exc.error_list)


def counterparty_problems(
    *,
    name: str,
    credit_code: str | None = None,
    id_number: str | None = None,
    contact_name: str,
    contact_phone: str,
) -> dict[str, list[ValidationError]]:
    """Every problem of a counterparty's input, by field; empty when it can be recorded.

    Read-only, so a form can show these next to its own errors before anything is written.
    """
    name = (name or "").strip()
    contact_name = (contact_name or "").strip()
    contact_phone = normalize_phone(contact_phone)
    credit_code = normalize_code(credit_code) or None
    id_number = normalize_code(id_number) or None

    errors: dict[str, list] = {}
    if credit_code and id_number:
        message = _("Give either a unified social credit code or an ID card number, not both.")
        errors["credit_code"] = [ValidationError(message, code="both_codes")]
        errors["id_number"] = [ValidationError(message, code="both_codes")]
    elif not credit_code and not id_number:
        message = _(
            "Give a unified social credit code (organisation) or an ID card number (individual)."
        )
        errors["credit_code"] = [ValidationError(message, code="no_code")]
        errors["id_number"] = [ValidationError(message, code="no_code")]
    else:
        try:
            if credit_code:
                validate_credit_code(credit_code)
            else:
                validate_id_number(id_number)
        except ValidationError as exc:
            _collect(errors, "credit_code" if credit_code else "id_number", exc)
    for field, value, max_length, missing in (
        ("name", name, NAME_MAX_LENGTH, _("Enter the counterparty's name.")),
        ("contact_name", contact_name, CONTACT_NAME_MAX_LENGTH, _("Enter the contact person.")),
    ):
        if not value:
            errors.setdefault(field, []).append(ValidationError(missing, code="required"))
        elif len(value) > max_length:
            errors.setdefault(field, []).append(
                ValidationError(
                    _("Ensure this value has at most %(max)d characters."),
                    code="max_length",
                    params={"max": max_length},
                )
            )
    try:
        validate_phone(contact_phone)
    except ValidationError as exc:
        _collect(errors, "contact_phone", exc)
    return errors


def counterparty_get_or_create(
    *,
    name: str,
    credit_code: str | None = None,
    id_number: str | None = None,
    contact_name: str,
    contact_phone: str,
) -> Counterparty:
    """The counterparty with this credit code or ID number, created or brought up to date.

    Exactly one of ``credit_code`` (an organisation) and ``id_number`` (an individual) is
    given. Invalid input raises ``ValidationError`` with a dict keyed by field name.
    """
    errors = counterparty_problems(
        name=name,
        credit_code=credit_code,
        id_number=id_number,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    if errors:
        raise ValidationError(errors)
    name = (name or "").strip()
    contact_name = (contact_name or "").strip()
    contact_phone = normalize_phone(contact_phone)
    credit_code = normalize_code(credit_code) or None
    id_number = normalize_code(id_number) or None

    lookup = {"credit_code": credit_code} if credit_code else {"id_number": id_number}
    wanted = {"name": name, "contact_name": contact_name, "contact_phone": contact_phone}
    kind = CounterpartyKind.ORGANISATION if credit_code else CounterpartyKind.INDIVIDUAL
    # Read first: most decisions are for a known counterparty, and the read needs no
    # savepoint. The insert has one, for the concurrent request that inserts the same code
    # between our read and our insert.
    counterparty = Counterparty.objects.filter(**lookup).first()
    created = False
    if counterparty is None:
        try:
            with transaction.atomic():
                counterparty = Counterparty.objects.create(**lookup, **wanted, kind=kind)
                created = True
        except IntegrityError:
            counterparty = Counterparty.objects.get(**lookup)
    if not created:
        changed = [f for f, value in wanted.items() if getattr(counterparty, f) != value]
        if changed:
            for f in changed:
                setattr(counterparty, f, wanted[f])
            counterparty.save(update_fields=[*changed, "updated_at"])
    return counterparty

"""Counterparties (行政相对人): recorded once per code, brought up to date, never duplicated."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .models import Counterparty, CounterpartyKind
from .selectors import counterparty_find
from .validators import (
    normalize_code,
    normalize_phone,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)

NAME_MAX_LENGTH = Counterparty._meta.get_field("name").max_length
CONTACT_NAME_MAX_LENGTH = Counterparty._meta.get_field("contact_name").max_length
# Codes per IN (...) query: SQLite before 3.32 takes at most 999 parameters per statement.
LOOKUP_CHUNK = 900


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
    return counterparty_record(
        on_record=counterparty_find(credit_code=credit_code, id_number=id_number),
        name=name,
        credit_code=credit_code,
        id_number=id_number,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


def counterparty_record(
    *,
    on_record: Counterparty | None,
    name: str,
    credit_code: str | None = None,
    id_number: str | None = None,
    contact_name: str,
    contact_phone: str,
) -> Counterparty:
    """``counterparty_get_or_create`` for a caller that has already checked the input
    (``counterparty_problems`` is empty) and looked the code up (``counterparty_find``):
    ``on_record`` is what that found, brought up to date here, or None to record a new one.
    A licence decision checks and looks up before it writes, so it reads the row once."""
    name = (name or "").strip()
    contact_name = (contact_name or "").strip()
    contact_phone = normalize_phone(contact_phone)
    credit_code = normalize_code(credit_code) or None
    id_number = normalize_code(id_number) or None

    lookup = {"credit_code": credit_code} if credit_code else {"id_number": id_number}
    wanted = {"name": name, "contact_name": contact_name, "contact_phone": contact_phone}
    kind = CounterpartyKind.ORGANISATION if credit_code else CounterpartyKind.INDIVIDUAL
    # Read first (by the caller): most decisions are for a known counterparty, and the read
    # needs no savepoint. The insert has one, for the concurrent request that inserts the
    # same code between that read and our insert.
    counterparty = on_record
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


def counterparties_get_or_create_many(*, parties: list[dict[str, Any]]) -> dict[str, Counterparty]:
    """The counterparties of many valid inputs (each as ``counterparty_get_or_create`` takes
    it), by credit code or ID number: those not on record yet are created in one INSERT,
    those on record are returned as they are. An import of licences in force brings data
    older than what was recorded since, so it never overwrites a name or contact.

    The inputs must be free of ``counterparty_problems``; a code given twice is created once
    (its first input wins)."""
    wanted: dict[str, dict[str, Any]] = {}
    for party in parties:
        credit_code = normalize_code(party.get("credit_code")) or None
        id_number = normalize_code(party.get("id_number")) or None
        code = credit_code or id_number
        if code and code not in wanted:
            wanted[code] = {
                "credit_code": credit_code,
                "id_number": id_number,
                "name": (party.get("name") or "").strip(),
                "contact_name": (party.get("contact_name") or "").strip(),
                "contact_phone": normalize_phone(party.get("contact_phone")),
            }
    found = _counterparties_by_code(wanted)
    missing_codes = [code for code in wanted if code not in found]
    if missing_codes:
        Counterparty.objects.bulk_create(
            [
                Counterparty(
                    kind=(
                        CounterpartyKind.ORGANISATION
                        if data["credit_code"]
                        else CounterpartyKind.INDIVIDUAL
                    ),
                    **data,
                )
                for data in (wanted[code] for code in missing_codes)
            ],
            # A concurrent decision may record the same code meanwhile: its row is kept.
            ignore_conflicts=True,
        )
        found.update(_counterparties_by_code({code: wanted[code] for code in missing_codes}))
    return found


def _counterparties_by_code(wanted: dict[str, dict[str, Any]]) -> dict[str, Counterparty]:
    credit_codes = [code for code, data in wanted.items() if data["credit_code"]]
    id_numbers = [code for code, data in wanted.items() if not data["credit_code"]]
    found: dict[str, Counterparty] = {}
    for field, codes in (("credit_code", credit_codes), ("id_number", id_numbers)):
        for start in range(0, len(codes), LOOKUP_CHUNK):
            for party in Counterparty.objects.filter(
                **{f"{field}__in": codes[start : start + LOOKUP_CHUNK]}
            ):
                found[party.code] = party
    return found

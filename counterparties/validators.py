"""Check-digit validators and masking helpers for counterparty identifiers.

统一社会信用代码: GB 32100-2015. 居民身份证号码: GB 11643-1999. Validators accept the
value in any letter case and surrounding whitespace; store it through ``normalize_code``.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARS = "10X98765432"

_CREDIT_CODE_RE = re.compile(rf"^[{CREDIT_CODE_CHARSET}]{{18}}$")
_ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0 + 2–3 digits (010, 0533), local number 7–8 digits not starting with 0/1,
# optional extension written "-801", "转801" or "ext801".
_LANDLINE_RE = re.compile(
    r"^(?P<area>0\d{2,3})-?(?P<local>[2-9]\d{6,7})(?:(?:-|转|ext\.?)(?P<ext>\d{1,6}))?$",
    re.IGNORECASE,
)


def normalize_code(value: str | None) -> str:
    """Strip whitespace and upper-case a credit code or ID number (a trailing 'x' → 'X')."""
    return (value or "").strip().upper()


def normalize_phone(value: str | None) -> str:
    """Drop spaces and use ASCII hyphens, so '0533 718 1234' and '0533－7181234' compare equal."""
    text = (value or "").strip().replace("－", "-").replace("—", "-")
    return re.sub(r"\s+", "", text)


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 are ``first17``."""
    body = normalize_code(first17)
    if len(body) != 17 or any(ch not in CREDIT_CODE_CHARSET for ch in body):
        raise ValueError("first17 must be 17 characters of the credit-code charset")
    total = sum(
        CREDIT_CODE_CHARSET.index(ch) * weight
        for ch, weight in zip(body, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def id_number_check_char(first17: str) -> str:
    """The 18th character of an ID card number whose first 17 digits are ``first17``."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("first17 must be 17 digits")
    total = sum(int(ch) * weight for ch, weight in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECK_CHARS[total % 11]


def validate_credit_code(value: str) -> None:
    code = normalize_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("The unified social credit code must be 18 characters; %(length)d were entered."),
            code="credit_code_length",
            params={"length": len(code)},
        )
    if not _CREDIT_CODE_RE.match(code):
        raise ValidationError(
            _(
                "The unified social credit code may only contain digits and capital letters "
                "other than I, O, Z, S and V."
            ),
            code="credit_code_charset",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The unified social credit code has a wrong check digit."),
            code="credit_code_check_digit",
        )


def validate_id_number(value: str) -> None:
    number = normalize_code(value)
    if len(number) != 18:
        raise ValidationError(
            _("The ID card number must be 18 characters; %(length)d were entered."),
            code="id_number_length",
            params={"length": len(number)},
        )
    if not _ID_NUMBER_RE.match(number):
        raise ValidationError(
            _("The ID card number must be 17 digits followed by a digit or X."),
            code="id_number_charset",
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError(
            _("The ID card number contains an invalid date of birth."),
            code="id_number_birth_date",
        )
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The ID card number has a wrong check digit."), code="id_number_check_digit"
        )


def validate_phone(value: str) -> None:
    phone = normalize_phone(value)
    if _MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone):
        return
    raise ValidationError(
        _(
            "Enter a mainland mobile number (11 digits, e.g. 13812345678) or a landline "
            "number with area code (e.g. 0533-7181234)."
        ),
        code="phone",
    )


def mask_phone(value: str) -> str:
    """138****5678 for mobiles; area code and the last two digits for landlines."""
    phone = normalize_phone(value)
    if _MOBILE_RE.match(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    landline = _LANDLINE_RE.match(phone)
    if landline:
        local = landline["local"]
        return f"{landline['area']}-{'*' * (len(local) - 2)}{local[-2:]}"
    if len(phone) <= 2:
        return "*" * len(phone)
    return "*" * (len(phone) - 2) + phone[-2:]


def mask_name(name: str) -> str:
    """Hide an individual's given name: 王小明 → 王*明, 王明 → 王*, 欧阳小明 → 欧**明."""
    text = (name or "").strip()
    if len(text) <= 1:
        return "*" * len(text)
    if len(text) == 2:
        return f"{text[0]}*"
    return f"{text[0]}{'*' * (len(text) - 2)}{text[-1]}"


def code_kind(value: str) -> str:
    """ "credit_code" or "id_number" for a well-formed identifier; else ValidationError saying
    what is wrong (under both readings when eighteen digits could be either)."""
    code = normalize_code(value)
    try:
        validate_credit_code(code)
        return "credit_code"
    except ValidationError as credit_error:
        messages = credit_error.messages
    try:
        validate_id_number(code)
        return "id_number"
    except ValidationError as id_error:
        if len(code) == 18 and code[:17].isdigit():
            messages = [*messages, *id_error.messages]
    raise ValidationError(messages, code="code")

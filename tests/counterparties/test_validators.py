import datetime

import pytest
from django.core.exceptions import ValidationError

from counterparties.validators import (
    credit_code_check_char,
    id_number_check_char,
    mask_name,
    mask_phone,
    normalize_code,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)

# Published codes of real enterprises and the GB 32100-2015 worked example.
REAL_CREDIT_CODES = ["91350100M000100Y43", "9144030071526726XG", "914403001922038216"]


def with_credit_check(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def with_id_check(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def wrong_last_char(code: str, charset: str) -> str:
    return code[:17] + next(ch for ch in charset if ch != code[17])


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_published_credit_codes_are_valid(code: str) -> None:
    validate_credit_code(code)
    assert credit_code_check_char(code[:17]) == code[17]


def test_a_linzi_shaped_credit_code_with_its_computed_check_char_is_valid() -> None:
    code = with_credit_check("91370305MA3C8Q7X2")
    assert len(code) == 18
    validate_credit_code(code)


def test_credit_code_with_a_wrong_check_digit_is_refused() -> None:
    code = wrong_last_char(with_credit_check("91370305MA3C8Q7X2"), "0123456789ABC")
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == "credit_code_check_digit"


@pytest.mark.parametrize("code", ["", "91370305MA3C8Q7X", "91370305MA3C8Q7X2XX"])
def test_credit_code_of_the_wrong_length_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == "credit_code_length"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "-"])
def test_credit_code_with_a_letter_outside_the_charset_is_refused(letter: str) -> None:
    code = "91370305MA3C8Q7X2" + "0"
    code = code[:9] + letter + code[10:]
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == "credit_code_charset"


def test_lowercase_credit_code_is_accepted_and_normalized() -> None:
    code = REAL_CREDIT_CODES[1]
    validate_credit_code(f" {code.lower()} ")
    assert normalize_code(f" {code.lower()} ") == code


def test_published_id_number_examples_are_valid() -> None:
    validate_id_number("11010519491231002X")
    assert id_number_check_char("44052418800101001") == "4"


def test_generated_id_number_is_valid() -> None:
    validate_id_number(with_id_check("37030519900307123"))


def test_id_number_with_a_wrong_check_digit_is_refused() -> None:
    number = wrong_last_char(with_id_check("37030519900307123"), "0123456789X")
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    assert exc.value.code == "id_number_check_digit"


@pytest.mark.parametrize(
    "first17",
    [
        "37030519900230123",  # 30 February
        "37030519901301123",  # month 13
        "37030518991231123",  # before 1900
        f"370305{datetime.date.today().year + 1}0101123",  # in the future
    ],
)
def test_id_number_with_an_impossible_birth_date_is_refused(first17: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_id_check(first17))
    assert exc.value.code == "id_number_birth_date"


@pytest.mark.parametrize(
    "number", ["3703051990030712", "3703051990030712345", "37030519900307A23X"]
)
def test_id_number_of_the_wrong_shape_is_refused(number: str) -> None:
    with pytest.raises(ValidationError):
        validate_id_number(number)


def test_lowercase_x_in_an_id_number_is_accepted_and_normalized() -> None:
    validate_id_number("11010519491231002x")
    assert normalize_code("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "19912345678",
        "0533-7181234",
        "05337181234",
        "010-87654321",
        "0533-7181234-801",
        "0533-7181234转801",
        " 0533 718 1234 ",
    ],
)
def test_mobile_and_landline_numbers_are_accepted(phone: str) -> None:
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone", ["", "12812345678", "1381234567", "138123456789", "7181234", "0533-0181234", "abc"]
)
def test_malformed_phone_numbers_are_refused(phone: str) -> None:
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_mobile_numbers_are_masked_in_the_middle() -> None:
    assert mask_phone("13812345678") == "138****5678"


def test_landline_numbers_keep_only_area_code_and_last_two_digits() -> None:
    assert mask_phone("0533-7181234") == "0533-*****34"
    assert mask_phone("05337181234-801") == "0533-*****34"
    assert mask_phone("010-87654321") == "010-******21"


def test_individual_names_are_masked() -> None:
    assert mask_name("王小明") == "王*明"
    assert mask_name("王明") == "王*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name("王") == "*"
    assert mask_name("") == ""


def test_check_char_helpers_refuse_malformed_input() -> None:
    with pytest.raises(ValueError):
        credit_code_check_char("123")
    with pytest.raises(ValueError):
        id_number_check_char("1234567890123456X")

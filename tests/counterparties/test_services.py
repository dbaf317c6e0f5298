import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from counterparties.models import Counterparty, CounterpartyKind
from counterparties.services import counterparty_get_or_create
from counterparties.validators import credit_code_check_char, id_number_check_char

CREDIT_CODE = "91370305MA3C8Q7X2" + credit_code_check_char("91370305MA3C8Q7X2")
ID_NUMBER = "37030519900307123" + id_number_check_char("37030519900307123")

pytestmark = pytest.mark.django_db


def organisation(**overrides: str) -> Counterparty:
    kwargs = {
        "name": "淄博齐鲁食品有限公司",
        "credit_code": CREDIT_CODE,
        "contact_name": "张伟",
        "contact_phone": "13812345678",
        **overrides,
    }
    return counterparty_get_or_create(**kwargs)


def test_an_organisation_is_created_with_its_credit_code() -> None:
    counterparty = organisation()
    assert counterparty.kind == CounterpartyKind.ORGANISATION
    assert counterparty.credit_code == CREDIT_CODE
    assert counterparty.id_number is None
    assert counterparty.code == CREDIT_CODE


def test_an_individual_is_created_with_an_id_number() -> None:
    counterparty = counterparty_get_or_create(
        name="王小明",
        id_number=ID_NUMBER.lower(),
        contact_name="王小明",
        contact_phone="0533-7181234",
    )
    assert counterparty.kind == CounterpartyKind.INDIVIDUAL
    assert counterparty.id_number == ID_NUMBER
    assert counterparty.credit_code is None


def test_the_same_credit_code_finds_the_same_counterparty() -> None:
    first = organisation()
    again = organisation(credit_code=f" {CREDIT_CODE.lower()} ")
    assert again.pk == first.pk
    assert Counterparty.objects.count() == 1


def test_a_known_counterparty_gets_its_new_name_and_contact() -> None:
    first = organisation()
    again = organisation(
        name="淄博齐鲁食品集团有限公司", contact_name="李娜", contact_phone="0533 7181234"
    )
    first.refresh_from_db()
    assert again.pk == first.pk
    assert first.name == "淄博齐鲁食品集团有限公司"
    assert first.contact_name == "李娜"
    assert first.contact_phone == "05337181234"


def test_an_unchanged_counterparty_is_not_written_again() -> None:
    organisation()
    with CaptureQueriesContext(connection) as queries:
        organisation()
    assert not [
        q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")
    ]


def test_a_lost_insert_race_re_reads_the_winner(monkeypatch: pytest.MonkeyPatch) -> None:
    winner = organisation()

    def racing_get_or_create(**kwargs: object) -> tuple[Counterparty, bool]:
        raise IntegrityError("UNIQUE constraint failed: approvals_counterparty.credit_code")

    monkeypatch.setattr(Counterparty.objects, "get_or_create", racing_get_or_create)
    assert organisation(contact_name="赵六").pk == winner.pk
    winner.refresh_from_db()
    assert winner.contact_name == "赵六"


def test_both_codes_are_refused_with_errors_on_both_fields() -> None:
    with pytest.raises(ValidationError) as exc:
        organisation(id_number=ID_NUMBER)
    assert set(exc.value.message_dict) == {"credit_code", "id_number"}
    assert Counterparty.objects.count() == 0


def test_no_code_is_refused_with_errors_on_both_fields() -> None:
    with pytest.raises(ValidationError) as exc:
        organisation(credit_code="")
    assert set(exc.value.message_dict) == {"credit_code", "id_number"}


def test_invalid_fields_are_reported_by_field_name() -> None:
    bad_code = CREDIT_CODE[:17] + ("0" if CREDIT_CODE[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        organisation(credit_code=bad_code, name=" ", contact_name="", contact_phone="12345")
    assert set(exc.value.message_dict) == {"credit_code", "name", "contact_name", "contact_phone"}
    assert Counterparty.objects.count() == 0


def test_a_bad_id_number_is_reported_on_id_number() -> None:
    with pytest.raises(ValidationError) as exc:
        counterparty_get_or_create(
            name="王小明",
            id_number="370305199002301234",
            contact_name="王小明",
            contact_phone="13812345678",
        )
    assert set(exc.value.message_dict) == {"id_number"}

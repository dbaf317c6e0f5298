"""Credit-approval decisions (R10, R11) and the strict-access rule (R7 + Art. 8)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.timezone import localtime

from approvals.models import CreditMode, Licence
from approvals.push_kinds import APPROVAL_DECISION
from counterparties.models import Counterparty, CounterpartyKind
from credit.models import CreditCommitment, Verification, VerificationState
from credit.selectors import credit_notice
from credit.services import credit_entry_save
from notifications.models import Push
from organizations.scoping import actor_for_user
from supervision.listings.services import listing_add
from supervision.models import ListingType
from tests.credit.helpers import CATALOG_TERMS, commitment
from tests.factories import valid_credit_code
from tests.helpers import at
from workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_an_exempt_decision_keeps_the_commitment_opens_no_verification_and_pushes_it(
    decide, exempt_item, supervision_department
):
    licence = decide(item=exempt_item)

    record = CreditCommitment.objects.get(licence=licence)
    assert record.mode == CreditMode.EXEMPT
    assert record.signer == "临淄康泰大药房 法定代表人 王建"
    assert record.signed_at == at("2026-09-30T09:30")
    assert not Verification.objects.exists()
    push = Push.objects.get(kind=APPROVAL_DECISION, subject_id=str(licence.pk))
    assert push.receiver == supervision_department
    assert push.payload["commitment"]["text"] == commitment()["text"]
    assert push.payload["commitment"]["mode"] == CreditMode.EXEMPT
    assert push.payload["commitment"]["signer"] == "临淄康泰大药房 法定代表人 王建"


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_a_post_verification_decision_is_verified_within_10_working_days_across_national_day(
    decide, approval_department
):
    licence = decide()

    verification = Verification.objects.get(licence=licence)
    # Oct 1–7 are holidays, Sat Oct 10 is an adjusted working day: Oct 8, 9, 10, 12–16,
    # 19 and 20 are the ten working days after Sep 30.
    assert verification.deadline == add_working_days(at("2026-09-30T10:00"), 10)
    assert localtime(verification.deadline).isoformat() == "2026-10-20T17:30:00+08:00"
    assert verification.state == VerificationState.PENDING
    assert verification.department == approval_department
    assert CreditCommitment.objects.get(licence=licence).mode == CreditMode.POST_VERIFICATION


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_a_credit_decision_without_the_signed_commitment_is_refused_and_writes_nothing(decide):
    with pytest.raises(ValidationError) as caught:
        decide(commitment=None)

    assert "commitment" in caught.value.message_dict
    assert not Licence.objects.exists()
    assert not CreditCommitment.objects.exists()
    assert not Verification.objects.exists()


def _dishonest(supervision_clerk, code: str) -> Counterparty:
    party = Counterparty.objects.create(
        kind=CounterpartyKind.ORGANISATION,
        name="临淄失信药业有限公司",
        credit_code=code,
        contact_name="李四",
        contact_phone="13805330000",
    )
    listing_add(
        actor=actor_for_user(supervision_clerk),
        counterparty=party,
        listing_type=ListingType.DISHONEST,
        source_document="淄临市监信〔2026〕12号",
        until=None,
        reason="提供虚假材料取得许可",
    )
    return party


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_a_strict_access_applicant_is_refused_credit_approval_but_may_use_the_ordinary_procedure(
    decide, supervision_clerk
):
    code = valid_credit_code("91370305MA3DTX01")
    party = _dishonest(supervision_clerk, code)
    counterparty = {
        "name": party.name,
        "credit_code": code,
        "contact_name": "李四",
        "contact_phone": "13805330000",
    }

    with pytest.raises(ValidationError) as caught:
        decide(counterparty=counterparty, access_acknowledged=True)
    assert "ordinary_procedure" in caught.value.message_dict
    assert not Licence.objects.exists()

    licence = decide(
        counterparty=counterparty,
        access_acknowledged=True,
        ordinary_procedure=True,
        commitment=None,
    )
    assert licence.access_level == "strict"
    assert licence.commitment is None
    assert not CreditCommitment.objects.exists()
    assert not Verification.objects.exists()


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_the_ordinary_procedure_is_open_to_any_applicant_of_a_credit_item(decide):
    licence = decide(ordinary_procedure=True, commitment=None)

    assert licence.commitment is None
    assert not CreditCommitment.objects.filter(licence=licence).exists()
    assert not Verification.objects.exists()


def test_the_one_time_notice_comes_from_the_catalog_entry(post_item, approval_clerk, plain_item):
    assert credit_notice(item=post_item) is None  # no entry yet
    assert credit_notice(item=plain_item) is None  # not a credit item
    credit_entry_save(actor=actor_for_user(approval_clerk), item=post_item, **CATALOG_TERMS)

    notice = credit_notice(item=post_item)

    assert notice is not None
    assert notice["mode"] == CreditMode.POST_VERIFICATION
    assert notice["post_verification"] is True
    for name in ("materials", "conditions", "commitment_text", "supervision_method"):
        assert notice[name] == CATALOG_TERMS[name]
    assert notice["legal_consequences"] == CATALOG_TERMS["legal_consequences"]
    html = render_to_string("credit/notice.html", {"notice": notice})
    assert html.strip().startswith('<section class="card')
    assert CATALOG_TERMS["commitment_text"] in html
    assert "“双随机、一公开”监管" in html
    assert render_to_string("credit/notice.html", {"notice": None}).strip() == ""


@time_machine.travel(at("2026-09-30T10:00"), tick=False)
def test_the_commitment_records_the_catalog_version_it_was_signed_under(
    decide, post_item, approval_clerk
):
    credit_entry_save(actor=actor_for_user(approval_clerk), item=post_item, **CATALOG_TERMS)
    credit_entry_save(
        actor=actor_for_user(approval_clerk),
        item=post_item,
        **{**CATALOG_TERMS, "materials": "1. 申请表；\n2. 信用承诺书；\n3. 执业药师证。"},
    )

    licence = decide()

    assert CreditCommitment.objects.get(licence=licence).catalog_version == 2
    assert licence.decided_at == at("2026-09-30T10:00")
    assert licence.licence_date == datetime.date(2026, 9, 30)

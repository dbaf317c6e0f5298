"""The decision reaches the apps above approvals only through the registry they fill in
their AppConfig.ready() (R7, R10, R11, R14): emptying a part of it changes the decision."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from approvals import decision_checks
from approvals.decision_checks import (
    AccessCheck,
    CreditCommitmentCheck,
    ImportantMatterGate,
    VerificationStart,
    decision_check,
    decision_checks_registered,
)
from approvals.models import CreditMode, ImportantCategory
from approvals.services import DecisionInput, licence_decide, licence_decision_problems
from coordination.selectors import important_file_for, important_file_missing
from counterparties.models import Counterparty, CounterpartyKind
from credit.models import CreditCommitment, Verification
from credit.selectors import credit_notice
from credit.services import credit_commitment_record, credit_verification_open
from organizations.scoping import actor_for_user
from supervision.listings.services import listing_add
from supervision.models import ListingType
from supervision.selectors import counterparty_access, counterparty_listed
from tests.factories import ApprovalItemFactory, valid_credit_code

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
LISTED_CODE = valid_credit_code("91370305MA3DRG01")


def _decision(item, *, code: str = LISTED_CODE, **extra) -> DecisionInput:
    return DecisionInput(
        item=item,
        counterparty={
            "name": "临淄登记测试有限公司",
            "credit_code": code,
            "contact_name": "李四",
            "contact_phone": "13805330000",
        },
        licence_no="鲁淄登记〔2026〕1",
        licence_date=TODAY,
        valid_from=TODAY,
        **extra,
    )


def _listed(supervision_clerk) -> Counterparty:
    party = Counterparty.objects.create(
        kind=CounterpartyKind.ORGANISATION,
        name="临淄登记测试有限公司",
        credit_code=LISTED_CODE,
        contact_name="李四",
        contact_phone="13805330000",
    )
    listing_add(
        actor=actor_for_user(supervision_clerk),
        counterparty=party,
        listing_type=ListingType.ANOMALY,
        source_document="淄临市监异〔2026〕3号",
        until=None,
        reason="通过登记的住所无法联系",
    )
    return party


def test_the_registry_holds_the_four_checks_after_app_loading() -> None:
    assert set(decision_checks_registered()) == {
        AccessCheck,
        CreditCommitmentCheck,
        VerificationStart,
        ImportantMatterGate,
    }
    assert decision_check(AccessCheck).access is counterparty_access
    assert decision_check(AccessCheck).listed is counterparty_listed
    assert decision_check(CreditCommitmentCheck).notice is credit_notice
    assert decision_check(CreditCommitmentCheck).record is credit_commitment_record
    assert decision_check(VerificationStart).start is credit_verification_open
    assert decision_check(ImportantMatterGate).files_for is important_file_for
    assert decision_check(ImportantMatterGate).missing is important_file_missing


def test_registering_another_check_of_a_registered_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="AccessCheck is registered twice"):
        decision_checks.register_decision_check(AccessCheck(access=lambda **kwargs: None))


def test_a_listed_counterparty_needs_the_acknowledgement_only_through_the_registered_check(
    monkeypatch, approval_clerk, supervision_clerk, supervision_department
) -> None:
    item = ApprovalItemFactory(supervision_departments=[supervision_department])
    _listed(supervision_clerk)
    actor = actor_for_user(approval_clerk)
    with pytest.raises(ValidationError) as refused:
        licence_decide(actor=actor, decision=_decision(item))
    assert "access_acknowledged" in refused.value.message_dict

    monkeypatch.delitem(decision_checks._REGISTRY, AccessCheck)
    licence = licence_decide(actor=actor, decision=_decision(item))
    assert (licence.access_level, licence.access_reasons) == ("normal", [])
    assert licence.access_acknowledged_at is None


def test_a_listed_counterparty_is_found_by_an_access_check_that_offers_no_listed_expression(
    monkeypatch, approval_clerk, supervision_clerk, supervision_department
) -> None:
    """``listed`` only spares a query: a check registered without it reads the listings."""
    item = ApprovalItemFactory(supervision_departments=[supervision_department])
    _listed(supervision_clerk)
    monkeypatch.setitem(
        decision_checks._REGISTRY, AccessCheck, AccessCheck(access=counterparty_access)
    )
    problems = licence_decision_problems(
        actor=actor_for_user(approval_clerk), decision=_decision(item)
    )
    assert "access_acknowledged" in problems
    licence = licence_decide(
        actor=actor_for_user(approval_clerk),
        decision=_decision(item, access_acknowledged=True),
    )
    assert licence.access_level == "restricted"
    assert [reason["listing"] for reason in licence.access_reasons] == [ListingType.ANOMALY]


def test_a_number_already_recorded_is_named_also_for_an_item_without_receivers(
    approval_clerk, supervision_department
) -> None:
    """The number is read with the item's departments; without any it is read on its own."""
    actor = actor_for_user(approval_clerk)
    item = ApprovalItemFactory(supervision_departments=[supervision_department])
    licence_decide(
        actor=actor, decision=_decision(item, code=valid_credit_code("91370305MA3DRG02"))
    )
    again = _decision(item, code=valid_credit_code("91370305MA3DRG02"))
    assert "licence_no" in licence_decision_problems(actor=actor, decision=again)
    orphan = ApprovalItemFactory(supervision_departments=[])
    problems = licence_decision_problems(
        actor=actor, decision=_decision(orphan, code=valid_credit_code("91370305MA3DRG02"))
    )
    assert set(problems) >= {"item", "licence_no"}


def test_a_post_verification_decision_opens_its_verification_only_through_the_registered_start(
    monkeypatch, approval_clerk, supervision_department
) -> None:
    item = ApprovalItemFactory(
        credit_mode=CreditMode.POST_VERIFICATION, supervision_departments=[supervision_department]
    )
    commitment = {
        "text": "本单位郑重承诺：所提交材料真实有效。",
        "signed_at": "2026-11-20T09:30:00+08:00",
        "signer": "王建",
    }
    monkeypatch.delitem(decision_checks._REGISTRY, VerificationStart)

    licence = licence_decide(
        actor=actor_for_user(approval_clerk),
        decision=_decision(item, code=valid_credit_code("91370305MA3DRG02"), commitment=commitment),
    )
    assert CreditCommitment.objects.get(licence=licence).mode == CreditMode.POST_VERIFICATION
    assert not Verification.objects.exists()


def test_without_the_important_matter_gate_an_important_item_cannot_be_decided(
    monkeypatch, approval_clerk, supervision_department
) -> None:
    item = ApprovalItemFactory(
        important_category=ImportantCategory.WORK_SAFETY,
        supervision_departments=[supervision_department],
    )
    monkeypatch.delitem(decision_checks._REGISTRY, ImportantMatterGate)

    assert (
        decision_checks.important_files_for(item=item, actor=actor_for_user(approval_clerk)) is None
    )
    with pytest.raises(ValidationError) as refused:
        licence_decide(
            actor=actor_for_user(approval_clerk),
            decision=_decision(item, code=valid_credit_code("91370305MA3DRG03")),
        )
    assert "important_file" in refused.value.message_dict

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import LicenceStatus
from approvals.services import DecisionInput, licence_decide
from audit.models import AuditEvent
from notifications.models import Push, PushState
from notifications.services import PushConflict, push_claim, pushes_auto_claim_overdue
from organizations.scoping import actor_for_user
from supervision.actions.services import supervision_action_record
from supervision.cases.services import (
    case_close,
    case_issue_opinion,
    case_open,
    case_verify_rectification,
)
from supervision.letters.services import letter_decide, letter_send
from supervision.listings.services import listing_add, listing_remove
from supervision.models import CaseState, CounterpartyListing, LetterState, ListingType
from supervision.selectors import counterparty_access
from tests.factories import valid_credit_code
from tests.helpers import at, pdf

pytestmark = pytest.mark.django_db


def action(clerk, **overrides):
    arguments = {
        "kind": "training",
        "document_no": "临市监培〔2026〕12号",
        "decided_on": datetime.date(2026, 11, 20),
        "summary": "食品安全管理员培训通知",
    }
    arguments.update(overrides)
    return supervision_action_record(actor=actor_for_user(clerk), **arguments)


def test_a_training_notice_needs_no_counterparty_and_is_pushed_to_approval(
    supervision_clerk, approval_department
):
    with time_machine.travel(at("2026-11-27T16:00"), tick=False):  # Friday
        recorded = action(supervision_clerk)
    push = Push.objects.get(kind="supervision_action")
    assert push.receiver == approval_department
    assert push.sender == supervision_clerk.membership.department
    assert push.payload["kind"] == "training" and push.payload["counterparty"] is None
    assert push.deadline == at("2026-11-30T17:30")  # 1 working day, over the weekend
    assert recorded.counterparty is None
    assert AuditEvent.objects.filter(action="supervision.action").count() == 1


def test_a_revocation_without_a_licence_is_a_clear_field_error(
    supervision_clerk, approval_department
):
    with pytest.raises(ValidationError) as error:
        action(supervision_clerk, kind="revocation")
    assert "licence" in error.value.message_dict
    assert not Push.objects.exists()


def test_a_penalty_needs_its_counterparty(supervision_clerk, approval_department):
    with pytest.raises(ValidationError) as error:
        action(supervision_clerk, kind="penalty")
    assert "counterparty" in error.value.message_dict


def test_only_supervision_departments_record_actions(approval_clerk):
    with pytest.raises(PermissionDenied):
        action(approval_clerk)


def test_a_suspension_marks_the_licence_and_pushes_the_change_to_the_other_supervisor(
    licence, supervision_clerk, other_supervision_department, approval_department
):
    action(supervision_clerk, kind="suspension", licence=licence, summary="责令停产停业整顿")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SUSPENDED
    change = Push.objects.get(kind="licence_status_change")
    assert change.receiver == other_supervision_department
    assert change.payload["to_status"] == "suspended"
    assert Push.objects.get(kind="supervision_action").receiver == approval_department
    assert licence.status_changes.last().to_status == LicenceStatus.SUSPENDED


def test_a_licence_the_department_does_not_supervise_is_refused(licence, approval_department):
    from tests.factories import DepartmentFactory, StaffFactory

    outsider = StaffFactory(department=DepartmentFactory(code="whly-x")).user
    with pytest.raises(ValidationError) as error:
        action(outsider, kind="revocation", licence=licence)
    assert "licence" in error.value.message_dict


def test_supervision_pushes_use_the_same_claim_and_auto_claim(supervision_clerk, approval_clerk):
    with time_machine.travel(at("2026-11-24T09:00"), tick=False):
        action(supervision_clerk)
        action(supervision_clerk, document_no="另一份通知")
    first, second = Push.objects.filter(kind="supervision_action").order_by("pk")
    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        push_claim(push=first, actor=actor_for_user(approval_clerk))
    with time_machine.travel(at("2026-11-25T17:31"), tick=False):
        assert pushes_auto_claim_overdue() == 1
    second.refresh_from_db()
    assert second.state == PushState.AUTO_CLAIMED and second.overdue


def test_listings_map_to_access_levels_and_expire_by_themselves(licence, supervision_clerk):
    party = licence.counterparty
    assert counterparty_access(counterparty=party).level == "normal"
    with time_machine.travel(at("2026-11-24T09:00"), tick=False):
        listing_add(
            actor=actor_for_user(supervision_clerk),
            counterparty=party,
            listing_type=ListingType.ANOMALY,
            source_document="临市监异〔2026〕3号",
            until=datetime.date(2026, 12, 31),
        )
        check = counterparty_access(counterparty=party)
        assert check.level == "restricted"
        assert check.reasons[0]["source_document"] == "临市监异〔2026〕3号"
        listing_add(
            actor=actor_for_user(supervision_clerk),
            counterparty=party,
            listing_type=ListingType.DISHONEST,
            source_document="失信认定书",
            until=None,
        )
        assert counterparty_access(counterparty=party).level == "strict"
    CounterpartyListing.objects.filter(listing_type=ListingType.DISHONEST).delete()
    with time_machine.travel(at("2027-01-01T09:00"), tick=False):
        assert counterparty_access(counterparty=party).level == "normal"


def test_a_listing_is_removed_only_by_its_department_and_only_once(
    licence, supervision_clerk, other_supervision_clerk
):
    listing = listing_add(
        actor=actor_for_user(supervision_clerk),
        counterparty=licence.counterparty,
        listing_type=ListingType.DISHONEST,
        source_document="认定书",
        until=None,
    )
    with pytest.raises(PermissionDenied):
        listing_remove(actor=actor_for_user(other_supervision_clerk), listing=listing, reason="x")
    with pytest.raises(ValidationError):
        listing_remove(actor=actor_for_user(supervision_clerk), listing=listing, reason="")
    listing_remove(actor=actor_for_user(supervision_clerk), listing=listing, reason="信用修复")
    assert counterparty_access(counterparty=licence.counterparty).level == "normal"
    with pytest.raises(PushConflict):
        listing_remove(actor=actor_for_user(supervision_clerk), listing=listing, reason="再次")


def test_a_decision_for_a_restricted_counterparty_needs_the_acknowledgement(
    licence, supervision_clerk, approval_clerk, shared_item
):
    listing_add(
        actor=actor_for_user(supervision_clerk),
        counterparty=licence.counterparty,
        listing_type=ListingType.ANOMALY,
        source_document="异常名录决定书",
        until=None,
    )
    arguments = {
        "item": shared_item,
        "counterparty": {
            "name": licence.counterparty.name,
            "credit_code": licence.counterparty.credit_code,
            "contact_name": "孙七",
            "contact_phone": "13700000001",
        },
        "licence_no": "NEW-1",
        "licence_date": datetime.date(2026, 11, 20),
        "valid_from": datetime.date(2026, 11, 20),
    }
    with pytest.raises(ValidationError) as error:
        licence_decide(actor=actor_for_user(approval_clerk), decision=DecisionInput(**arguments))
    assert "access_acknowledged" in error.value.message_dict
    second = licence_decide(
        actor=actor_for_user(approval_clerk),
        decision=DecisionInput(access_acknowledged=True, **arguments),
    )
    assert second.access_level == "restricted"
    assert second.access_acknowledged_at is not None
    assert second.access_reasons[0]["source_document"] == "异常名录决定书"
    event = AuditEvent.objects.filter(action="licence.decide", object_id=str(second.pk)).get()
    assert event.details["access"] == "restricted" and event.details["access_acknowledged"] is True


def test_a_listing_can_come_with_the_action(licence, supervision_clerk):
    action(
        supervision_clerk,
        kind="penalty",
        licence=licence,
        summary="虚假宣传，罚款",
        listing={"type": "dishonest", "until": "2027-06-30"},
    )
    assert counterparty_access(counterparty=licence.counterparty).level == "strict"


def test_a_letter_accepted_revokes_the_licence_and_the_decision_reaches_the_sender(
    licence, supervision_clerk, approval_clerk, other_supervision_department
):
    letter = letter_send(
        actor=actor_for_user(supervision_clerk),
        licence=licence,
        action="revoke",
        document_no="临市监函〔2026〕8号",
        legal_basis="《中华人民共和国行政许可法》第六十九条",
        penalty_result="吊销许可证",
        attachments=[pdf()],
    )
    letter_push = Push.objects.get(kind="licence_letter")
    assert letter_push.receiver == licence.department
    decided = letter_decide(
        actor=actor_for_user(approval_clerk), letter=letter, accept=True, note=""
    )
    assert decided.state == LetterState.ACCEPTED
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    decision = Push.objects.get(kind="licence_letter_decision")
    assert decision.receiver == supervision_clerk.membership.department
    assert decision.payload["decision"] == "accepted"
    assert Push.objects.get(kind="licence_status_change").receiver == other_supervision_department
    assert [e.to_state for e in letter.events.all()] == ["submitted", "accepted"]
    with pytest.raises(PushConflict):
        letter_decide(actor=actor_for_user(approval_clerk), letter=letter, accept=False, note="x")


def test_a_rejected_letter_needs_reasons_and_leaves_the_licence(
    licence, supervision_clerk, approval_clerk
):
    letter = letter_send(
        actor=actor_for_user(supervision_clerk),
        licence=licence,
        action="withdraw",
        document_no="函2",
        legal_basis="依据",
        penalty_result="结果",
        attachments=[pdf()],
    )
    with pytest.raises(ValidationError):
        letter_decide(actor=actor_for_user(approval_clerk), letter=letter, accept=False, note="")
    letter_decide(
        actor=actor_for_user(approval_clerk), letter=letter, accept=False, note="证据不足"
    )
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.VALID


def test_a_letter_needs_evidence_of_the_right_type(licence, supervision_clerk):
    arguments = {
        "actor": actor_for_user(supervision_clerk),
        "licence": licence,
        "action": "cancel",
        "document_no": "函3",
        "legal_basis": "依据",
        "penalty_result": "结果",
    }
    with pytest.raises(ValidationError) as error:
        letter_send(**arguments)
    assert "attachments" in error.value.message_dict
    fake = SimpleUploadedFile(
        "decision.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError):
        letter_send(**arguments, attachments=[fake])
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        letter_send(**arguments, attachments=[exe])


def test_a_legacy_case_closes_only_after_the_rectification_is_verified(
    approval_clerk, supervision_clerk, supervision_department
):
    case = case_open(
        actor=actor_for_user(approval_clerk),
        supervision_department=supervision_department,
        title="某加油站历史遗留问题",
        description="2015 年建成未办理许可",
    )
    with pytest.raises(PushConflict):
        case_close(actor=actor_for_user(approval_clerk), case=case, note="处理")
    case_issue_opinion(
        actor=actor_for_user(supervision_clerk),
        case=case,
        opinion="经法制审核，须整改消防设施后办理。",
        requires_rectification=True,
        attachments=[pdf("opinion.pdf")],
    )
    case.refresh_from_db()
    assert case.state == CaseState.RECTIFYING
    with pytest.raises(PushConflict):
        case_close(actor=actor_for_user(approval_clerk), case=case, note="处理")
    with pytest.raises(PermissionDenied):
        case_verify_rectification(actor=actor_for_user(approval_clerk), case=case, note="x")
    case_verify_rectification(actor=actor_for_user(supervision_clerk), case=case, note="整改合格")
    closed = case_close(actor=actor_for_user(approval_clerk), case=case, note="已依法补办许可")
    assert closed.state == CaseState.CLOSED
    assert AuditEvent.objects.filter(action__startswith="case.").count() == 4


def test_an_opinion_without_rectification_lets_the_case_close(
    approval_clerk, supervision_clerk, supervision_department
):
    case = case_open(
        actor=actor_for_user(approval_clerk),
        supervision_department=supervision_department,
        title="历史问题",
        description="说明",
    )
    case_issue_opinion(
        actor=actor_for_user(supervision_clerk),
        case=case,
        opinion="无需整改",
        requires_rectification=False,
        attachments=[pdf("opinion.pdf")],
    )
    assert (
        case_close(actor=actor_for_user(approval_clerk), case=case, note="办结").state == "closed"
    )


def test_the_credit_code_helper_makes_codes_the_validators_accept():
    from counterparties.validators import validate_credit_code

    validate_credit_code(valid_credit_code("91370305MA3CUP01"))


def test_a_final_licence_status_is_never_overwritten(licence, supervision_clerk, approval_clerk):
    action(supervision_clerk, kind="revocation", licence=licence, summary="吊销")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    with pytest.raises(ValidationError) as error:
        action(supervision_clerk, kind="suspension", licence=licence, summary="停业")
    assert "licence" in error.value.message_dict
    letter = letter_send(
        actor=actor_for_user(supervision_clerk),
        licence=licence,
        action="cancel",
        document_no="函9",
        legal_basis="依据",
        penalty_result="结果",
        attachments=[pdf()],
    )
    with pytest.raises(PushConflict):
        letter_decide(actor=actor_for_user(approval_clerk), letter=letter, accept=True, note="")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED


@pytest.mark.parametrize(
    "listing", ["dishonest", ["dishonest"], {"type": "dishonest", "until": 5}, {"type": "nope"}]
)
def test_a_malformed_listing_is_a_field_error(licence, supervision_clerk, listing):
    with pytest.raises(ValidationError) as error:
        action(supervision_clerk, kind="penalty", licence=licence, listing=listing)
    assert "listing" in error.value.message_dict


def test_only_a_penalty_can_list(licence, supervision_clerk):
    with pytest.raises(ValidationError) as error:
        action(supervision_clerk, kind="training", listing={"type": "dishonest", "until": None})
    assert "listing" in error.value.message_dict
    assert not CounterpartyListing.objects.exists()


def test_an_action_about_a_licence_goes_to_its_issuing_department(
    licence, supervision_clerk, approval_department
):
    from tests.factories import ApprovalDepartmentFactory

    ApprovalDepartmentFactory(code="second-approval")
    action(supervision_clerk, kind="penalty", licence=licence, summary="罚款")
    receivers = set(
        Push.objects.filter(kind="supervision_action").values_list("receiver", flat=True)
    )
    assert receivers == {licence.department_id}

"""The supervision web pages: thin views over the services, scoped by department."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.models import LicenceStatus
from notifications.models import Push
from organizations.scoping import actor_for_user
from supervision.models import (
    AccessLevel,
    CaseState,
    CounterpartyListing,
    Evidence,
    LegacyCase,
    LetterState,
    LicenceLetter,
    SupervisionAction,
)
from supervision.todo import supervision_todo
from tests.clients import logged_in
from tests.factories import StaffFactory, valid_credit_code
from tests.helpers import at, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(at("2026-11-24T10:00"), tick=False):
        yield


def action_data(**overrides) -> dict:
    data = {
        "kind": "training",
        "document_no": "临市监培〔2026〕12号",
        "decided_on": "2026-11-20",
        "summary": "食品安全管理员培训通知",
        "licence": "",
        "licence_no": "",
        "counterparty_name": "",
        "code_type": "credit_code",
        "counterparty_code": "",
        "contact_name": "",
        "contact_phone": "",
        "listing_type": "",
        "listing_until": "",
    }
    data.update(overrides)
    return data


def letter_data(licence, **overrides) -> dict:
    data = {
        "licence": licence.pk,
        "action": "revoke",
        "document_no": "临市监函〔2026〕7号",
        "legal_basis": "《中华人民共和国行政许可法》第七十条",
        "penalty_result": "吊销许可证",
        "attachments": [pdf()],
    }
    data.update(overrides)
    return data


@pytest.fixture
def letter(supervision_clerk, licence) -> LicenceLetter:
    response = logged_in(supervision_clerk).post(
        reverse("supervision:letter-create"), letter_data(licence)
    )
    assert response.status_code == 302, response.context["form"].errors
    return LicenceLetter.objects.get()


@pytest.fixture
def case(approval_clerk, supervision_department) -> LegacyCase:
    response = logged_in(approval_clerk).post(
        reverse("supervision:case-create"),
        {
            "supervision_department": supervision_department.pk,
            "title": "某加油站历史遗留用地手续问题",
            "description": "2008年建成，用地手续不全。",
            "counterparty_code": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return LegacyCase.objects.get()


# Pages and scope -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(db):
    response = Client().get(reverse("supervision:action-list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "action-list",
        "restricted-list",
        "letter-list",
        "case-list",
        "action-create",
        "letter-create",
    ],
)
def test_supervision_pages_render_for_a_supervision_clerk(supervision_clerk, licence, name):
    assert logged_in(supervision_clerk).get(reverse(f"supervision:{name}")).status_code == 200


@pytest.mark.parametrize(
    "name", ["action-list", "restricted-list", "letter-list", "case-list", "case-create"]
)
def test_supervision_pages_render_for_an_approval_clerk(approval_clerk, name):
    assert logged_in(approval_clerk).get(reverse(f"supervision:{name}")).status_code == 200


@pytest.mark.parametrize("name", ["action-create", "letter-create"])
def test_the_approval_department_cannot_record_actions_or_send_letters(approval_clerk, name):
    assert logged_in(approval_clerk).get(reverse(f"supervision:{name}")).status_code == 403


def test_a_supervision_department_cannot_open_legacy_cases(supervision_clerk):
    assert logged_in(supervision_clerk).get(reverse("supervision:case-create")).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "%%%not-base64", "q": "x" * 500},
        {"kind": "nonsense", "state": "nonsense"},
        {"cursor": "WzEsIDJd"},
    ],
)
@pytest.mark.parametrize("name", ["action-list", "restricted-list", "letter-list", "case-list"])
def test_bad_query_parameters_never_fail(approval_clerk, name, query):
    response = logged_in(approval_clerk).get(reverse(f"supervision:{name}"), query)
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["abc", "999999", "-1"])
def test_a_bad_licence_parameter_is_ignored(supervision_clerk, licence, value):
    response = logged_in(supervision_clerk).get(
        reverse("supervision:letter-create"), {"licence": value}
    )
    assert response.status_code == 200
    assert response.context["form"].initial == {}


def test_a_licence_parameter_fills_in_the_letter_form(supervision_clerk, licence):
    response = logged_in(supervision_clerk).get(
        reverse("supervision:letter-create"), {"licence": licence.pk}
    )
    assert response.context["form"].initial == {"licence": licence.pk}


# Supervision actions (R6) ------------------------------------------------------------------------


def test_a_training_action_is_recorded_and_reaches_the_approval_inbox(
    supervision_clerk, approval_clerk, approval_department
):
    response = logged_in(supervision_clerk).post(
        reverse("supervision:action-create"), action_data(attachments=[pdf()])
    )
    action = SupervisionAction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:action-detail", args=[action.pk])
    assert action.counterparty is None and action.kind == "training"
    assert action.attachments.count() == 1

    approval = logged_in(approval_clerk)
    inbox = approval.get(reverse("notifications:inbox"))
    pushes = inbox.context["pushes"]
    assert [p.kind for p in pushes] == ["supervision_action"]
    assert pushes[0].receiver == approval_department
    detail = approval.get(reverse("notifications:push-detail", args=[pushes[0].pk]))
    assert detail.status_code == 200
    assert reverse("supervision:action-detail", args=[action.pk]) in detail.content.decode()
    page = approval.get(reverse("supervision:action-detail", args=[action.pk]))
    assert page.status_code == 200
    assert action.document_no in page.content.decode()
    assert list(approval.get(reverse("supervision:action-list")).context["actions"]) == [action]


def test_a_revocation_without_a_licence_shows_the_licence_field_error(supervision_clerk):
    response = logged_in(supervision_clerk).post(
        reverse("supervision:action-create"), action_data(kind="revocation")
    )
    assert response.status_code == 200
    assert "licence" in response.context["form"].errors
    assert not SupervisionAction.objects.exists()
    assert not Push.objects.exists()


def test_a_revocation_chosen_by_licence_number_revokes_the_licence(supervision_clerk, licence):
    response = logged_in(supervision_clerk).post(
        reverse("supervision:action-create"),
        action_data(kind="revocation", licence_no=licence.licence_no, attachments=[pdf()]),
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    assert SupervisionAction.objects.get().licence == licence


def test_revoking_a_revoked_licence_again_is_a_field_error_not_a_crash(supervision_clerk, licence):
    client = logged_in(supervision_clerk)
    data = action_data(kind="revocation", licence=licence.pk)
    assert client.post(reverse("supervision:action-create"), data).status_code == 302
    response = client.post(reverse("supervision:action-create"), data)
    assert response.status_code == 200
    assert "licence" in response.context["form"].errors
    assert SupervisionAction.objects.count() == 1


def test_accepting_a_letter_on_a_licence_revoked_meanwhile_is_an_error_not_a_crash(
    supervision_clerk, approval_clerk, licence
):
    client = logged_in(supervision_clerk)
    client.post(reverse("supervision:letter-create"), letter_data(licence, action="cancel"))
    letter = LicenceLetter.objects.get()
    client.post(
        reverse("supervision:action-create"), action_data(kind="revocation", licence=licence.pk)
    )
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    response = logged_in(approval_clerk).post(
        reverse("supervision:letter-decide", args=[letter.pk]),
        {"decision": "accept", "note": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    letter.refresh_from_db()
    assert letter.state == LetterState.SUBMITTED


def test_an_unknown_licence_number_is_a_field_error(supervision_clerk, licence):
    response = logged_in(supervision_clerk).post(
        reverse("supervision:action-create"),
        action_data(kind="revocation", licence_no="NO-SUCH-LICENCE"),
    )
    assert "licence_no" in response.context["form"].errors
    assert not SupervisionAction.objects.exists()


def test_a_licence_of_no_concern_to_the_department_is_not_offered(licence):
    # A supervision department not responsible for the item has no licence to choose.
    stranger = StaffFactory().user
    response = logged_in(stranger).post(
        reverse("supervision:action-create"),
        action_data(kind="suspension", licence=licence.pk),
    )
    assert "licence" in response.context["form"].errors
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.VALID


def test_a_penalty_with_a_new_counterparty_and_a_listing_restricts_access(
    supervision_clerk, approval_clerk
):
    code = valid_credit_code("91370305MA3CWEB1")
    response = logged_in(supervision_clerk).post(
        reverse("supervision:action-create"),
        action_data(
            kind="penalty",
            summary="无证经营，罚款五万元",
            counterparty_name="临淄某商贸有限公司",
            counterparty_code=code,
            contact_name="王五",
            contact_phone="13800000005",
            listing_type="dishonest",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    listing = CounterpartyListing.objects.get()
    assert listing.counterparty.credit_code == code
    page = logged_in(approval_clerk).get(reverse("supervision:restricted-list"), {"q": code})
    assert [item.pk for item in page.context["listings"]] == [listing.pk]
    assert page.context["listings"][0].access_level == AccessLevel.STRICT


def test_a_penalty_with_a_bad_credit_code_puts_the_error_on_the_code_field(supervision_clerk):
    response = logged_in(supervision_clerk).post(
        reverse("supervision:action-create"),
        action_data(
            kind="penalty",
            counterparty_name="临淄某商贸有限公司",
            counterparty_code="91370305MA3C000000",
            contact_name="王五",
            contact_phone="13800000005",
        ),
    )
    assert response.status_code == 200
    assert "counterparty_code" in response.context["form"].errors
    assert not SupervisionAction.objects.exists()


def test_another_supervision_department_does_not_find_the_action(
    supervision_clerk, other_supervision_clerk
):
    logged_in(supervision_clerk).post(
        reverse("supervision:action-create"), action_data(attachments=[pdf()])
    )
    action = SupervisionAction.objects.get()
    evidence = Evidence.objects.get()
    other = logged_in(other_supervision_clerk)
    assert other.get(reverse("supervision:action-detail", args=[action.pk])).status_code == 404
    assert (
        other.get(reverse("supervision:evidence-download", args=[evidence.pk])).status_code == 404
    )
    assert list(other.get(reverse("supervision:action-list")).context["actions"]) == []


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.exe", b"MZ\x90\x00 binary", content_type="application/octet-stream"),
        SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
    ],
    ids=["exe", "fake-pdf"],
)
def test_a_wrong_type_upload_is_refused_and_nothing_is_saved(supervision_clerk, upload):
    upload.seek(0)
    response = logged_in(supervision_clerk).post(
        reverse("supervision:action-create"), action_data(attachments=[pdf(), upload])
    )
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert not SupervisionAction.objects.exists()
    assert not Evidence.objects.exists()
    assert not Push.objects.exists()


# Evidence download -----------------------------------------------------------------------------


@pytest.fixture
def evidence(supervision_clerk, approval_clerk, other_supervision_clerk):
    """A training action's attachment, recorded while the three departments exist."""
    logged_in(supervision_clerk).post(
        reverse("supervision:action-create"), action_data(attachments=[pdf("通知.pdf")])
    )
    return Evidence.objects.get()


@pytest.mark.parametrize("who", ["supervision_clerk", "approval_clerk"])
def test_evidence_is_downloaded_by_the_departments_that_see_its_owner(request, evidence, who):
    url = reverse("supervision:evidence-download", args=[evidence.pk])
    response = logged_in(request.getfixturevalue(who)).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_evidence_is_not_found_by_other_departments_or_under_another_id(
    evidence, approval_clerk, other_supervision_clerk
):
    url = reverse("supervision:evidence-download", args=[evidence.pk])
    assert logged_in(other_supervision_clerk).get(url).status_code == 404
    assert (
        logged_in(approval_clerk)
        .get(reverse("supervision:evidence-download", args=[evidence.pk + 100]))
        .status_code
        == 404
    )


# Listings (R7) -----------------------------------------------------------------------------------


def test_a_supervision_department_lists_and_removes_a_counterparty(
    supervision_clerk, approval_clerk, other_supervision_clerk, licence
):
    client = logged_in(supervision_clerk)
    response = client.post(
        reverse("supervision:listing-add"),
        {
            "code": licence.counterparty.credit_code.lower(),
            "listing_type": "anomaly",
            "source_document": "临市监异〔2026〕3号",
            "until": "2027-11-24",
            "reason": "通过登记的住所无法联系",
        },
    )
    assert response.status_code == 302
    listing = CounterpartyListing.objects.get()
    assert listing.counterparty == licence.counterparty

    page = logged_in(approval_clerk).get(reverse("supervision:restricted-list"))
    assert [item.pk for item in page.context["listings"]] == [listing.pk]
    assert page.context["listings"][0].access_level == AccessLevel.RESTRICTED
    assert page.context["add_form"] is None  # the approval department does not list
    assert not page.context["listings"][0].can_remove

    remove = reverse("supervision:listing-remove", args=[listing.pk])
    assert logged_in(other_supervision_clerk).post(remove, {"reason": "x"}).status_code == 403
    client.post(remove, {"reason": ""})
    listing.refresh_from_db()
    assert listing.removed_at is None
    assert client.post(remove, {"reason": "已补正住所信息"}).status_code == 302
    listing.refresh_from_db()
    assert listing.removed_at is not None
    assert list(client.get(reverse("supervision:restricted-list")).context["listings"]) == []
    again = client.post(remove, {"reason": "再次移出"}, follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]


def test_listing_an_unknown_code_is_a_field_error(supervision_clerk):
    response = logged_in(supervision_clerk).post(
        reverse("supervision:listing-add"),
        {
            "code": valid_credit_code("91370305MA3CXXX9"),
            "listing_type": "dishonest",
            "source_document": "临市监失〔2026〕1号",
        },
    )
    assert response.status_code == 200
    assert "code" in response.context["add_form"].errors
    assert not CounterpartyListing.objects.exists()


def test_the_approval_department_cannot_list_counterparties(approval_clerk, licence):
    response = logged_in(approval_clerk).post(
        reverse("supervision:listing-add"),
        {
            "code": licence.counterparty.credit_code,
            "listing_type": "dishonest",
            "source_document": "x",
        },
    )
    assert response.status_code == 403


# Licence letters (R8) ----------------------------------------------------------------------------


def test_a_letter_sent_then_accepted_revokes_the_licence_and_the_decision_reaches_the_sender(
    letter, supervision_clerk, approval_clerk, licence, approval_department
):
    assert Push.objects.get(kind="licence_letter").receiver == approval_department
    approval = logged_in(approval_clerk)
    queue = approval.get(reverse("supervision:letter-list"))
    assert queue.context["queue"] == [letter]
    detail = approval.get(reverse("supervision:letter-detail", args=[letter.pk]))
    assert detail.context["decision_form"] is not None
    push = Push.objects.get(kind="licence_letter")
    assert approval.get(reverse("notifications:push-detail", args=[push.pk])).status_code == 200

    response = approval.post(
        reverse("supervision:letter-decide", args=[letter.pk]),
        {"decision": "accept", "note": "同意吊销"},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    licence.refresh_from_db()
    assert letter.state == LetterState.ACCEPTED
    assert licence.status == LicenceStatus.REVOKED

    sender = logged_in(supervision_clerk)
    inbox = sender.get(reverse("notifications:inbox"), {"kind": "licence_letter_decision"})
    decision = inbox.context["pushes"]
    assert len(decision) == 1 and decision[0].payload["decision"] == "accepted"
    assert (
        sender.get(reverse("notifications:push-detail", args=[decision[0].pk])).status_code == 200
    )
    page = sender.get(reverse("supervision:letter-detail", args=[letter.pk]))
    assert [event.to_state for event in page.context["events"]] == ["submitted", "accepted"]
    assert page.context["decision_form"] is None


def test_rejecting_a_letter_needs_reasons(letter, approval_clerk, licence):
    response = logged_in(approval_clerk).post(
        reverse("supervision:letter-decide", args=[letter.pk]), {"decision": "reject", "note": ""}
    )
    assert response.status_code == 200
    assert "note" in response.context["decision_form"].errors
    letter.refresh_from_db()
    assert letter.state == LetterState.SUBMITTED


def test_the_sender_cannot_decide_its_own_letter(letter, supervision_clerk):
    response = logged_in(supervision_clerk).post(
        reverse("supervision:letter-decide", args=[letter.pk]), {"decision": "accept", "note": ""}
    )
    assert response.status_code == 403


def test_another_departments_letter_is_not_found(letter, other_supervision_clerk):
    client = logged_in(other_supervision_clerk)
    assert client.get(reverse("supervision:letter-detail", args=[letter.pk])).status_code == 404
    evidence = letter.attachments.get()
    assert (
        client.get(reverse("supervision:evidence-download", args=[evidence.pk])).status_code == 404
    )
    assert list(client.get(reverse("supervision:letter-list")).context["letters"]) == []


def test_a_letter_without_evidence_is_refused(supervision_clerk, licence):
    response = logged_in(supervision_clerk).post(
        reverse("supervision:letter-create"), letter_data(licence, attachments=[])
    )
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert not LicenceLetter.objects.exists()


# Legacy cases (R17) ----------------------------------------------------------------------------


def test_a_case_is_closed_only_after_the_rectification_is_verified(
    case, approval_clerk, supervision_clerk, other_supervision_clerk
):
    supervision = logged_in(supervision_clerk)
    approval = logged_in(approval_clerk)
    detail = reverse("supervision:case-detail", args=[case.pk])
    assert supervision.get(detail).context["opinion_form"] is not None
    assert logged_in(other_supervision_clerk).get(detail).status_code == 404

    response = supervision.post(
        reverse("supervision:case-opinion", args=[case.pk]),
        {
            "opinion": "需补办用地手续后方可办理。",
            "requires_rectification": "on",
            "attachments": [pdf()],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.RECTIFYING

    close = reverse("supervision:case-close", args=[case.pk])
    refused = approval.post(close, {"note": "按意见办理"}, follow=True)
    assert [m.level_tag for m in refused.context["messages"]] == ["error"]
    case.refresh_from_db()
    assert case.state == CaseState.RECTIFYING

    assert (
        supervision.post(
            reverse("supervision:case-verify", args=[case.pk]), {"note": "已现场核查，整改到位"}
        ).status_code
        == 302
    )
    assert approval.post(close, {"note": "按意见办理"}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert approval.get(detail).context["close_form"] is None

    opinion_file = case.attachments.get()
    download = reverse("supervision:evidence-download", args=[opinion_file.pk])
    assert approval.get(download).status_code == 200
    assert logged_in(other_supervision_clerk).get(download).status_code == 404


def test_an_opinion_without_the_signed_file_is_refused(case, supervision_clerk):
    response = logged_in(supervision_clerk).post(
        reverse("supervision:case-opinion", args=[case.pk]), {"opinion": "可以办理。"}
    )
    assert response.status_code == 200
    assert "attachments" in response.context["opinion_form"].errors
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_OPINION


def test_the_approval_department_cannot_issue_the_opinion(case, approval_clerk):
    response = logged_in(approval_clerk).post(
        reverse("supervision:case-opinion", args=[case.pk]),
        {"opinion": "可以办理。", "attachments": [pdf()]},
    )
    assert response.status_code == 403


def test_a_case_with_an_unknown_counterparty_code_is_a_field_error(
    approval_clerk, supervision_department
):
    response = logged_in(approval_clerk).post(
        reverse("supervision:case-create"),
        {
            "supervision_department": supervision_department.pk,
            "title": "t",
            "description": "d",
            "counterparty_code": valid_credit_code("91370305MA3CXXX9"),
        },
    )
    assert "counterparty_code" in response.context["form"].errors
    assert not LegacyCase.objects.exists()


# Dashboard cards and admin ---------------------------------------------------------------------


def test_the_to_do_lists_what_waits_on_each_side(letter, case, approval_clerk, supervision_clerk):
    """R8, R17: the approval department decides the letter; the supervision department owes
    the legacy case its opinion."""
    now = timezone.now()
    approval = supervision_todo(actor_for_user(approval_clerk), now)
    assert [item.url for item in approval.items] == [
        reverse("supervision:letter-detail", args=[letter.pk])
    ]
    supervision = supervision_todo(actor_for_user(supervision_clerk), now)
    assert [item.url for item in supervision.items] == [
        reverse("supervision:case-detail", args=[case.pk])
    ]
    assert [c.count for c in supervision.counts] == [1, 0]  # the case, no rectification


@pytest.mark.parametrize(
    "model",
    [
        "supervisionaction",
        "counterpartylisting",
        "licenceletter",
        "legacycase",
        "evidence",
        "accessrule",
    ],
)
def test_admin_lists_every_supervision_model(platform_admin, letter, model):
    client = logged_in(platform_admin)
    assert client.get(reverse(f"admin:supervision_{model}_changelist")).status_code == 200


def test_admin_shows_supervision_records_read_only_and_edits_access_rules(platform_admin, letter):
    client = logged_in(platform_admin)
    assert (
        client.get(reverse("admin:supervision_licenceletter_change", args=[letter.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:supervision_licenceletter_add")).status_code == 403
    assert client.get(reverse("admin:supervision_accessrule_add")).status_code == 200


def test_decided_on_in_the_future_is_refused(supervision_clerk):
    tomorrow = (datetime.date(2026, 11, 25)).isoformat()
    response = logged_in(supervision_clerk).post(
        reverse("supervision:action-create"), action_data(decided_on=tomorrow)
    )
    assert "decided_on" in response.context["form"].errors

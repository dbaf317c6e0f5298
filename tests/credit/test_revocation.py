"""Breach reports and the revocation queue (R12)."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from approvals.models import Licence, LicenceStatus
from approvals.push_kinds import LICENCE_STATUS_CHANGE
from credit.models import (
    RevocationRequest,
    RevocationSource,
    RevocationState,
    Verification,
    VerificationState,
)
from credit.push_kinds import COMMITMENT_BREACH
from credit.services import breach_report, revocation_decide
from notifications.models import Notification, Push
from organizations.scoping import actor_for_user
from tests.clients import logged_in
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(decide):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        return decide()


@pytest.fixture
def breach(licence, supervision_clerk):
    with time_machine.travel(at("2026-10-09T14:00"), tick=False):
        return breach_report(
            actor=actor_for_user(supervision_clerk),
            licence=licence,
            reason="双随机抽查发现：承诺在岗的执业药师未在岗，系挂证。",
        )


def test_a_breach_report_opens_a_revocation_request_and_pushes_it_to_the_approval_department(
    breach, licence, approval_department, supervision_department, approval_clerk
):
    assert breach.state == RevocationState.OPEN
    assert breach.source == RevocationSource.BREACH
    assert breach.reported_by == supervision_department
    assert breach.department == approval_department
    assert breach.created_at == at("2026-10-09T14:00")
    push = Push.objects.get(kind=COMMITMENT_BREACH)
    assert push.sender == supervision_department
    assert push.receiver == approval_department
    assert push.payload["revocation_request_id"] == breach.pk
    assert push.payload["reason"].startswith("双随机抽查发现")
    assert Notification.objects.filter(
        user=approval_clerk, url=reverse("credit:revocation-detail", args=[breach.pk])
    ).exists()


def test_a_second_report_joins_the_open_request(breach, licence, second_supervision_department):
    from tests.factories import StaffFactory

    clerk = StaffFactory(department=second_supervision_department).user
    with time_machine.travel(at("2026-10-09T15:00"), tick=False):
        again = breach_report(
            actor=actor_for_user(clerk), licence=licence, reason="另行发现虚假材料。"
        )
    assert again.pk == breach.pk
    assert RevocationRequest.objects.count() == 1
    assert Push.objects.filter(kind=COMMITMENT_BREACH).count() == 2


@pytest.mark.parametrize("who", ["approval_clerk", "unrelated_supervision_clerk"])
def test_only_a_supervising_department_reports_a_breach(request, licence, who):
    with pytest.raises(PermissionDenied):
        breach_report(
            actor=actor_for_user(request.getfixturevalue(who)), licence=licence, reason="虚假材料"
        )
    assert not RevocationRequest.objects.exists()


def test_revoking_changes_the_licence_status_and_pushes_the_change(
    breach, licence, approval_clerk, supervision_department, second_supervision_department
):
    with time_machine.travel(at("2026-10-12T10:00"), tick=False):
        revocation_decide(
            actor=actor_for_user(approval_clerk),
            request=breach,
            revoke=True,
            note="依据《中华人民共和国行政许可法》第六十九条第二款，撤销该许可。",
        )

    breach.refresh_from_db()
    assert breach.state == RevocationState.REVOKED
    assert breach.decided_at == at("2026-10-12T10:00")
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.REVOKED
    pushes = Push.objects.filter(kind=LICENCE_STATUS_CHANGE, subject_id=str(licence.pk))
    assert {p.receiver for p in pushes} == {supervision_department, second_supervision_department}
    assert pushes[0].payload["to_status"] == "revoked"
    assert Verification.objects.get(licence=licence).state == VerificationState.REVOKED


# --------------------------------------------------------------------------- web


def test_the_approval_department_revokes_on_the_web_after_confirming(
    breach, licence, approval_clerk
):
    client = logged_in(approval_clerk)
    queue = client.get(reverse("credit:revocation-list"))
    assert queue.status_code == 200
    assert [r.pk for r in queue.context["queue"]] == [breach.pk]
    url = reverse("credit:revocation-detail", args=[breach.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"] is not None
    assert 'data-confirm="' in page.content.decode()

    bad = client.post(url, {"decision": "revoke", "note": ""})
    assert bad.status_code == 200
    assert "note" in bad.context["form"].errors
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.VALID

    response = client.post(url, {"decision": "revoke", "note": "依法撤销。"})
    assert response.status_code == 302
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.REVOKED
    again = client.post(url, {"decision": "dismiss", "note": "重复提交"}, follow=True)
    assert again.status_code == 200
    breach.refresh_from_db()
    assert breach.state == RevocationState.REVOKED


def test_the_reporting_department_follows_its_report_but_cannot_decide(
    breach, supervision_clerk, unrelated_supervision_clerk, other_approval_clerk
):
    url = reverse("credit:revocation-detail", args=[breach.pk])
    page = logged_in(supervision_clerk).get(url)
    assert page.status_code == 200
    assert page.context["form"] is None
    assert (
        logged_in(supervision_clerk).post(url, {"decision": "dismiss", "note": "x"}).status_code
        == 403
    )
    breach.refresh_from_db()
    assert breach.state == RevocationState.OPEN
    assert (
        logged_in(other_approval_clerk).get(reverse("credit:revocation-list")).context["queue"]
        == []
    )


@pytest.mark.parametrize("outsider", ["unrelated_supervision_clerk", "other_approval_clerk"])
def test_a_department_outside_the_request_finds_nothing(
    request, breach, supervision_clerk, unrelated_supervision_clerk, other_approval_clerk, outsider
):
    url = reverse("credit:revocation-detail", args=[breach.pk])
    client = logged_in(request.getfixturevalue(outsider))
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "dismiss", "note": "x"}).status_code == 404
    breach.refresh_from_db()
    assert breach.state == RevocationState.OPEN


def test_the_breach_form_offers_credit_licences_and_reports(licence, supervision_clerk):
    client = logged_in(supervision_clerk)
    url = reverse("credit:breach-create")
    page = client.get(url, {"licence": licence.pk})
    assert page.status_code == 200
    assert f'<option value="{licence.pk}" selected>' in page.content.decode()
    assert 'data-confirm="' in page.content.decode()

    response = client.post(url, {"licence": licence.pk, "reason": "承诺的执业药师未在岗。"})

    request = RevocationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("credit:revocation-detail", args=[request.pk])
    assert Push.objects.filter(kind=COMMITMENT_BREACH).count() == 1


def test_the_breach_form_refuses_bad_input_and_writes_nothing(
    licence, decide, plain_item, supervision_clerk
):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        ordinary = decide(item=plain_item, commitment=None)
    client = logged_in(supervision_clerk)
    url = reverse("credit:breach-create")

    assert client.get(url, {"licence": ordinary.pk}).status_code == 404
    assert client.get(url, {"licence": "abc"}).status_code == 404
    blank = client.post(url, {"licence": licence.pk, "reason": "  "})
    not_credit = client.post(url, {"licence": ordinary.pk, "reason": "虚假材料"})

    assert blank.status_code == 200 and "reason" in blank.context["form"].errors
    assert not_credit.status_code == 200 and "licence" in not_credit.context["form"].errors
    assert not RevocationRequest.objects.exists()
    assert not Push.objects.filter(kind=COMMITMENT_BREACH).exists()


def test_the_breach_form_is_for_supervision_departments(
    licence, approval_clerk, unrelated_supervision_clerk
):
    url = reverse("credit:breach-create")
    assert logged_in(approval_clerk).get(url).status_code == 403
    assert (
        logged_in(unrelated_supervision_clerk).get(url, {"licence": licence.pk}).status_code == 404
    )
    response = logged_in(unrelated_supervision_clerk).post(
        url, {"licence": licence.pk, "reason": "虚假材料"}
    )
    assert "licence" in response.context["form"].errors
    assert not RevocationRequest.objects.exists()


def test_the_breach_push_page_shows_the_payload(breach, approval_clerk):
    push = Push.objects.get(kind=COMMITMENT_BREACH)
    page = logged_in(approval_clerk).get(reverse("notifications:push-detail", args=[push.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "双随机抽查发现" in html
    assert reverse("credit:revocation-detail", args=[breach.pk]) in html

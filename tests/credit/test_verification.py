"""Post-verification (R11), rectification and the overdue sweep (R12)."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.timezone import localtime

from credit import tasks
from credit.models import (
    RevocationRequest,
    RevocationSource,
    RevocationState,
    Verification,
    VerificationFile,
    VerificationState,
)
from credit.push_kinds import VERIFICATION_RESULT
from credit.selectors import credit_overdue_verifications
from credit.services import rectification_record, verification_record, verifications_sweep
from notifications.models import Obligation, OverdueRecord, Push
from notifications.services import PushConflict
from organizations.scoping import actor_for_user
from tests.clients import logged_in
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def verification(decide):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        licence = decide()
    return Verification.objects.get(licence=licence)


def pdf(name: str = "核验记录.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 site record", content_type="application/pdf")


@time_machine.travel(at("2026-10-12T10:00"), tick=False)
def test_recording_met_pushes_the_result_to_the_items_supervision_departments(
    verification, approval_clerk, supervision_department, second_supervision_department
):
    verification_record(
        actor=actor_for_user(approval_clerk),
        verification=verification,
        met=True,
        notes="现场核验：执业药师在岗，营业场所与承诺一致。",
        files=[pdf()],
    )

    verification.refresh_from_db()
    assert verification.state == VerificationState.MET
    assert verification.closed_at == at("2026-10-12T10:00")
    assert not verification.overdue
    pushes = Push.objects.filter(kind=VERIFICATION_RESULT, subject_id=str(verification.pk))
    assert {p.receiver for p in pushes} == {supervision_department, second_supervision_department}
    payload = pushes[0].payload
    assert payload["result"] == "met"
    assert payload["licence_no"] == verification.licence.licence_no
    assert VerificationFile.objects.get(verification=verification).name == "核验记录.pdf"


@time_machine.travel(at("2026-10-12T09:00"), tick=False)
def test_not_met_opens_a_rectification_with_a_working_day_deadline(verification, approval_clerk):
    verification_record(
        actor=actor_for_user(approval_clerk),
        verification=verification,
        met=False,
        notes="执业药师未在岗。",
        rectification_days=5,
    )

    verification.refresh_from_db()
    assert verification.state == VerificationState.RECTIFYING
    assert verification.rectification_days == 5
    # Oct 13, 14, 15, 16 and 19 are the five working days after Mon Oct 12.
    assert localtime(verification.rectification_deadline).isoformat() == "2026-10-19T17:30:00+08:00"
    push = Push.objects.filter(kind=VERIFICATION_RESULT).first()
    assert push.payload["result"] == "rectifying"
    assert push.payload["rectification_deadline"] == "2026-10-19T17:30:00+08:00"


@time_machine.travel(at("2026-10-12T09:00"), tick=False)
def test_not_met_without_a_rectification_period_is_refused_and_nothing_is_written(
    verification, approval_clerk
):
    with pytest.raises(ValidationError) as caught:
        verification_record(
            actor=actor_for_user(approval_clerk),
            verification=verification,
            met=False,
            notes="",
        )
    assert set(caught.value.message_dict) == {"notes", "rectification_days"}
    verification.refresh_from_db()
    assert verification.state == VerificationState.PENDING
    assert not Push.objects.filter(kind=VERIFICATION_RESULT).exists()


def test_a_verification_is_recorded_once(verification, approval_clerk):
    actor = actor_for_user(approval_clerk)
    with time_machine.travel(at("2026-10-12T09:00"), tick=False):
        verification_record(actor=actor, verification=verification, met=True, notes="")
        with pytest.raises(PushConflict):
            verification_record(actor=actor, verification=verification, met=True, notes="")
    assert Push.objects.filter(kind=VERIFICATION_RESULT).count() == 2  # two departments, once


def test_the_sweep_marks_overdue_verifications_once_and_charges_the_approval_department(
    verification, approval_department
):
    assert verifications_sweep(now=at("2026-10-20T17:00")) == {"overdue": 0, "unmet": 0}

    assert verifications_sweep(now=at("2026-10-21T09:00")) == {"overdue": 1, "unmet": 0}
    assert verifications_sweep(now=at("2026-10-21T09:05")) == {"overdue": 0, "unmet": 0}

    verification.refresh_from_db()
    assert verification.overdue
    assert verification.state == VerificationState.PENDING
    record = OverdueRecord.objects.get()
    assert record.obligation == Obligation.VERIFICATION
    assert record.department == approval_department
    assert record.object_id == str(verification.pk)
    assert list(credit_overdue_verifications(month="2026-10")) == [verification]
    assert list(credit_overdue_verifications(month="2026-11")) == []
    assert list(
        credit_overdue_verifications(department=approval_department, month=at("2026-10-01").date())
    ) == [verification]


def test_a_late_verification_is_charged_even_before_the_sweep(verification, approval_clerk):
    with time_machine.travel(at("2026-10-22T10:00"), tick=False):
        verification_record(
            actor=actor_for_user(approval_clerk), verification=verification, met=True, notes=""
        )
    verification.refresh_from_db()
    assert verification.overdue
    assert OverdueRecord.objects.filter(obligation=Obligation.VERIFICATION).count() == 1


def test_an_expired_rectification_goes_to_the_revocation_queue(verification, approval_clerk):
    with time_machine.travel(at("2026-10-12T09:00"), tick=False):
        verification_record(
            actor=actor_for_user(approval_clerk),
            verification=verification,
            met=False,
            notes="执业药师未在岗。",
            rectification_days=5,
        )

    assert verifications_sweep(now=at("2026-10-19T17:00"))["unmet"] == 0
    assert verifications_sweep(now=at("2026-10-19T17:31"))["unmet"] == 1
    assert verifications_sweep(now=at("2026-10-19T17:40"))["unmet"] == 0

    verification.refresh_from_db()
    assert verification.state == VerificationState.UNMET
    request = RevocationRequest.objects.get(licence=verification.licence)
    assert request.source == RevocationSource.UNMET
    assert request.state == RevocationState.OPEN
    assert request.department == verification.department


def test_the_rectification_outcome_still_unmet_opens_a_revocation_request(
    verification, approval_clerk
):
    actor = actor_for_user(approval_clerk)
    with time_machine.travel(at("2026-10-12T09:00"), tick=False):
        verification_record(
            actor=actor,
            verification=verification,
            met=False,
            notes="执业药师未在岗。",
            rectification_days=5,
        )
        with pytest.raises(ValidationError):
            rectification_record(actor=actor, verification=verification, met=False, notes=" ")
        assert not RevocationRequest.objects.exists()
        rectification_record(
            actor=actor, verification=verification, met=False, notes="复查仍未配备执业药师。"
        )

    verification.refresh_from_db()
    assert verification.state == VerificationState.UNMET
    assert RevocationRequest.objects.get().reason == "复查仍未配备执业药师。"


def test_the_celery_task_runs_the_sweep(verification):
    with time_machine.travel(at("2026-10-21T09:00"), tick=False):
        assert tasks.verifications_sweep.apply().get() == {"overdue": 1, "unmet": 0}
    assert tasks.verifications_sweep.name == "credit.verifications_sweep"


# --------------------------------------------------------------------------- web


def test_the_queue_shows_pending_first_nearest_deadline_first_and_overdue_in_red(
    decide, approval_clerk
):
    with time_machine.travel(at("2026-09-30T10:00"), tick=False):
        early = Verification.objects.get(licence=decide())
    with time_machine.travel(at("2026-10-12T10:00"), tick=False):
        late = Verification.objects.get(licence=decide())
        done = Verification.objects.get(licence=decide())
        verification_record(
            actor=actor_for_user(approval_clerk), verification=done, met=True, notes=""
        )
    client = logged_in(approval_clerk)

    with time_machine.travel(at("2026-10-21T09:00"), tick=False):
        response = client.get(reverse("credit:verification-list"))
        overdue_only = client.get(reverse("credit:verification-list"), {"overdue": "yes"})
        searched = client.get(reverse("credit:verification-list"), {"q": late.licence.licence_no})
        met = client.get(reverse("credit:verification-list"), {"state": "met"})

    assert response.status_code == 200
    assert [v.pk for v in response.context["verifications"]] == [early.pk, late.pk, done.pk]
    html = response.content.decode()
    assert html.count("overdue red") == 1
    row_start = html.index(reverse("credit:verification-detail", args=[early.pk]))
    assert "overdue red" in html[html.rindex("<tr", 0, row_start) : row_start]
    assert [v.pk for v in overdue_only.context["verifications"]] == [early.pk]
    assert [v.pk for v in searched.context["verifications"]] == [late.pk]
    assert [v.pk for v in met.context["verifications"]] == [done.pk]


def test_the_queue_pages_through_pending_then_closed(decide, approval_clerk, monkeypatch):
    monkeypatch.setattr("credit.views.PAGE_SIZE", 2)
    with time_machine.travel(at("2026-10-12T10:00"), tick=False):
        ids = [Verification.objects.get(licence=decide()).pk for _ in range(4)]
        for pk in ids[:2]:
            verification_record(
                actor=actor_for_user(approval_clerk),
                verification=Verification.objects.get(pk=pk),
                met=True,
                notes="",
            )
    client = logged_in(approval_clerk)
    seen = []
    cursor = None
    for _ in range(4):
        response = client.get(reverse("credit:verification-list"), {"cursor": cursor or ""})
        seen += [v.pk for v in response.context["verifications"]]
        cursor = response.context["next_cursor"]
        if not cursor:
            break
    assert seen[:2] == ids[2:]  # pending first
    assert sorted(seen) == sorted(ids)


def test_the_queue_is_the_approval_departments(
    verification, supervision_clerk, other_approval_clerk
):
    assert logged_in(supervision_clerk).get(reverse("credit:verification-list")).status_code == 403
    response = logged_in(other_approval_clerk).get(reverse("credit:verification-list"))
    assert response.status_code == 200
    assert response.context["verifications"] == []
    detail = reverse("credit:verification-detail", args=[verification.pk])
    assert logged_in(other_approval_clerk).get(detail).status_code == 404
    assert logged_in(supervision_clerk).get(detail).status_code == 404
    result = reverse("credit:verification-result", args=[verification.pk])
    assert logged_in(other_approval_clerk).post(result, {"result": "met"}).status_code == 404
    verification.refresh_from_db()
    assert verification.state == VerificationState.PENDING


@time_machine.travel(at("2026-10-12T10:00"), tick=False)
def test_the_result_form_records_met_with_files(verification, approval_clerk):
    client = logged_in(approval_clerk)
    detail = reverse("credit:verification-detail", args=[verification.pk])
    page = client.get(detail)
    assert page.status_code == 200
    assert page.context["result_form"] is not None
    assert 'data-confirm="' in page.content.decode()

    response = client.post(
        reverse("credit:verification-result", args=[verification.pk]),
        {"result": "met", "notes": "核验符合。", "files": [pdf()]},
    )

    assert response.status_code == 302
    verification.refresh_from_db()
    assert verification.state == VerificationState.MET
    record = verification.files.get()
    download = client.get(reverse("credit:verification-file", args=[verification.pk, record.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get(detail).context["result_form"] is None


@time_machine.travel(at("2026-10-12T10:00"), tick=False)
def test_the_result_form_refuses_not_met_without_a_period_and_writes_nothing(
    verification, approval_clerk
):
    response = logged_in(approval_clerk).post(
        reverse("credit:verification-result", args=[verification.pk]),
        {"result": "not_met", "notes": "执业药师未在岗。"},
    )

    assert response.status_code == 200
    assert "rectification_days" in response.context["result_form"].errors
    verification.refresh_from_db()
    assert verification.state == VerificationState.PENDING
    assert not Push.objects.filter(kind=VERIFICATION_RESULT).exists()


@time_machine.travel(at("2026-10-12T10:00"), tick=False)
def test_the_rectification_form_records_the_outcome(verification, approval_clerk):
    client = logged_in(approval_clerk)
    client.post(
        reverse("credit:verification-result", args=[verification.pk]),
        {"result": "not_met", "notes": "执业药师未在岗。", "rectification_days": "5"},
    )
    page = client.get(reverse("credit:verification-detail", args=[verification.pk]))
    assert page.context["rectification_form"] is not None

    bad = client.post(
        reverse("credit:verification-rectification", args=[verification.pk]), {"result": "met"}
    )
    assert bad.status_code == 200
    assert "notes" in bad.context["rectification_form"].errors
    response = client.post(
        reverse("credit:verification-rectification", args=[verification.pk]),
        {"result": "met", "notes": "已配备执业药师并在岗。"},
    )

    assert response.status_code == 302
    verification.refresh_from_db()
    assert verification.state == VerificationState.RECTIFIED
    assert verification.rectification_notes == "已配备执业药师并在岗。"


@time_machine.travel(at("2026-10-12T10:00"), tick=False)
def test_recording_twice_on_the_web_answers_with_a_message(verification, approval_clerk):
    client = logged_in(approval_clerk)
    url = reverse("credit:verification-result", args=[verification.pk])
    client.post(url, {"result": "met"}, follow=True)
    response = client.post(url, {"result": "met"}, follow=True)

    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    assert Push.objects.filter(kind=VERIFICATION_RESULT).count() == 2

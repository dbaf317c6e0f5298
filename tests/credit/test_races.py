"""Races on PostgreSQL: one conditional UPDATE decides who wins (SKIPs on SQLite)."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from credit.models import RevocationRequest, RevocationState, Verification, VerificationState
from credit.push_kinds import VERIFICATION_RESULT
from credit.services import (
    breach_report,
    rectification_record,
    revocation_decide,
    verification_record,
    verifications_sweep,
)
from notifications.models import Push
from notifications.services import PushConflict
from organizations.scoping import actor_for_user
from tests.factories import StaffFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def run_together(*targets) -> list[BaseException]:
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def wrap(target):
        def run():
            try:
                barrier.wait()
                target()
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _today_licence(decide):
    today = timezone.localdate()
    return decide(
        licence_date=today,
        valid_from=today,
        valid_to=today + datetime.timedelta(days=365),
        commitment={
            "text": "本单位郑重承诺所提交材料真实有效。",
            "signed_at": timezone.localtime().isoformat(),
            "signer": "王建",
        },
    )


def test_two_clerks_recording_one_verification_have_exactly_one_winner(
    require_postgres, decide, approval_department
):
    verification = Verification.objects.get(licence=_today_licence(decide))
    clerks = [actor_for_user(StaffFactory(department=approval_department).user) for _ in range(2)]
    outcomes: list[str] = []

    def record(actor):
        def run():
            try:
                verification_record(
                    actor=actor,
                    verification=Verification.objects.get(pk=verification.pk),
                    met=True,
                    notes="",
                )
                outcomes.append("won")
            except PushConflict:
                outcomes.append("conflict")

        return run

    assert run_together(*(record(actor) for actor in clerks)) == []
    assert sorted(outcomes) == ["conflict", "won"]
    assert Push.objects.filter(kind=VERIFICATION_RESULT).count() == 2  # once per department


def test_rectification_outcome_and_the_sweep_on_one_verification_move_it_once(
    require_postgres, decide, approval_clerk
):
    actor = actor_for_user(approval_clerk)
    verification = Verification.objects.get(licence=_today_licence(decide))
    verification_record(
        actor=actor, verification=verification, met=False, notes="未达标", rectification_days=1
    )
    after_deadline = Verification.objects.get(pk=verification.pk).rectification_deadline
    after_deadline += datetime.timedelta(minutes=1)
    outcomes: list[object] = []

    def outcome():
        try:
            rectification_record(
                actor=actor,
                verification=Verification.objects.get(pk=verification.pk),
                met=False,
                notes="仍未达标",
            )
            outcomes.append("outcome")
        except PushConflict:
            outcomes.append("conflict")

    def sweep():
        outcomes.append(verifications_sweep(now=after_deadline)["unmet"])

    assert run_together(outcome, sweep) == []
    assert sorted(map(str, outcomes)) in (["0", "outcome"], ["1", "conflict"])
    assert Verification.objects.get(pk=verification.pk).state == VerificationState.UNMET
    assert RevocationRequest.objects.filter(state=RevocationState.OPEN).count() == 1


def test_revoke_and_dismiss_of_one_request_have_exactly_one_winner(
    require_postgres, decide, supervision_clerk, approval_department
):
    licence = _today_licence(decide)
    request = breach_report(
        actor=actor_for_user(supervision_clerk), licence=licence, reason="发现虚假材料"
    )
    outcomes: list[str] = []

    def decide_it(revoke: bool):
        actor = actor_for_user(StaffFactory(department=approval_department).user)

        def run():
            try:
                revocation_decide(
                    actor=actor,
                    request=RevocationRequest.objects.get(pk=request.pk),
                    revoke=revoke,
                    note="依法处理",
                )
                outcomes.append("revoked" if revoke else "dismissed")
            except PushConflict:
                outcomes.append("conflict")

        return run

    assert run_together(decide_it(True), decide_it(False)) == []
    assert sorted(outcomes) in (["conflict", "revoked"], ["conflict", "dismissed"])
    assert RevocationRequest.objects.get(pk=request.pk).state != RevocationState.OPEN

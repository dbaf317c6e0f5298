"""Credit work a merged approval department hands over (R21), registered with
`organizations.reorganisation` in AppConfig.ready(): commitment verifications still to be
done (awaiting verification or in rectification) and open revocation requests move with
their deadlines. Overdue records already charged to the old department stay with it."""

import datetime
from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from organizations.models import Department
from organizations.reorganisation import (
    MovedRecord,
    OpenWorkKind,
    move_open_rows,
    register_open_work,
)

from .models import RevocationRequest, RevocationState, Verification, VerificationState

OPEN_VERIFICATION = (VerificationState.PENDING, VerificationState.RECTIFYING)


def _open_verifications(department: Department, now: datetime.datetime) -> QuerySet:
    return (
        Verification.objects.filter(department=department, state__in=OPEN_VERIFICATION)
        .select_related("licence")
        .order_by("deadline", "pk")
    )


def _move_verifications(
    department: Department, successor: Department, now: datetime.datetime
) -> Sequence[MovedRecord]:
    return move_open_rows(
        _open_verifications(department, now),
        to={"department": successor},
        object_type="credit.verification",
        details={"deadline": "deadline", "state": "state"},
    )


def _open_revocations(department: Department, now: datetime.datetime) -> QuerySet:
    return (
        RevocationRequest.objects.filter(department=department, state=RevocationState.OPEN)
        .select_related("licence")
        .order_by("created_at", "pk")
    )


def _move_revocations(
    department: Department, successor: Department, now: datetime.datetime
) -> Sequence[MovedRecord]:
    return move_open_rows(
        _open_revocations(department, now),
        to={"department": successor},
        object_type="credit.revocationrequest",
    )


def _describe(record: Verification | RevocationRequest) -> str:
    return f"#{record.pk} {record.licence.licence_no}"


def register() -> None:
    register_open_work(
        OpenWorkKind(
            key="verifications",
            label=_("Commitment verifications to do"),
            open_work=_open_verifications,
            move=_move_verifications,
            describe=_describe,
        )
    )
    register_open_work(
        OpenWorkKind(
            key="revocations",
            label=_("Revocation requests to decide"),
            open_work=_open_revocations,
            move=_move_revocations,
            describe=_describe,
        )
    )

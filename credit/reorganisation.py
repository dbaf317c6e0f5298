"""Credit work a merged approval department hands over (R21), registered with
`organizations.reorganisation` in AppConfig.ready(): commitment verifications still to be
done (awaiting verification or in rectification) and open revocation requests move with
their deadlines. Overdue records already charged to the old department stay with it."""

import datetime
from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from organizations.models import Department
from organizations.reorganisation import MovedRecord, OpenWorkKind, register_open_work

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
    rows = list(
        Verification.objects.filter(department=department, state__in=OPEN_VERIFICATION)
        .select_for_update()
        .values_list("pk", "deadline", "state")
    )
    Verification.objects.filter(
        pk__in=[pk for pk, *_rest in rows], department=department, state__in=OPEN_VERIFICATION
    ).update(department=successor)
    return [
        MovedRecord(
            "credit.verification", str(pk), {"deadline": deadline.isoformat(), "state": state}
        )
        for pk, deadline, state in rows
    ]


def _open_revocations(department: Department, now: datetime.datetime) -> QuerySet:
    return (
        RevocationRequest.objects.filter(department=department, state=RevocationState.OPEN)
        .select_related("licence")
        .order_by("created_at", "pk")
    )


def _move_revocations(
    department: Department, successor: Department, now: datetime.datetime
) -> Sequence[MovedRecord]:
    ids = list(
        RevocationRequest.objects.filter(department=department, state=RevocationState.OPEN)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    RevocationRequest.objects.filter(
        pk__in=ids, department=department, state=RevocationState.OPEN
    ).update(department=successor)
    return [MovedRecord("credit.revocationrequest", str(pk)) for pk in ids]


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

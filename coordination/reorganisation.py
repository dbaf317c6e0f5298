"""Inquiry letters a merged department hands over (R21), registered with
`organizations.reorganisation` in AppConfig.ready(): open letters it has to answer move to
the successor with their reply deadline; those already past it become deemed consent first,
charged to the old department (R16). Letters it sent stay its own: the sender is history."""

import datetime
from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from coordination.inquiries.services import inquiries_deem_consent
from organizations.models import Department
from organizations.reorganisation import (
    MovedRecord,
    OpenWorkKind,
    move_open_rows,
    register_open_work,
)

from .models import Inquiry, InquiryState


def _open_inquiries(department: Department, now: datetime.datetime) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(
        receiver=department, state=InquiryState.OPEN, deadline__gte=now
    ).order_by("deadline", "pk")


def _settle_inquiries(department: Department, now: datetime.datetime) -> None:
    silent = list(
        Inquiry.objects.filter(
            receiver=department, state=InquiryState.OPEN, deadline__lt=now
        ).values_list("pk", flat=True)
    )
    if silent:
        inquiries_deem_consent(now=now, only_ids=silent)


def _move_inquiries(
    department: Department, successor: Department, now: datetime.datetime
) -> Sequence[MovedRecord]:
    return move_open_rows(
        _open_inquiries(department, now),
        to={"receiver": successor},
        object_type="coordination.inquiry",
        details={"deadline": "deadline"},
    )


def _describe(inquiry: Inquiry) -> str:
    return f"#{inquiry.pk} {inquiry.subject}"


def register() -> None:
    register_open_work(
        OpenWorkKind(
            key="inquiries",
            label=_("Inquiry letters awaiting reply"),
            open_work=_open_inquiries,
            move=_move_inquiries,
            settle=_settle_inquiries,
            describe=_describe,
        )
    )

"""Catalog responsibilities a merged supervision department hands over (R21), registered with
`organizations.reorganisation` in AppConfig.ready(): the successor becomes responsible for
every item the old department was, so the next decision's push goes to it (R1). Licences
keep the approval department that issued them: that is history."""

import datetime
from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from organizations.models import Department
from organizations.reorganisation import MovedRecord, OpenWorkKind, register_open_work

from .models import ApprovalItem


def _responsible_items(department: Department, now: datetime.datetime) -> QuerySet[ApprovalItem]:
    return ApprovalItem.objects.filter(supervision_departments=department).order_by("code")


def _move_responsibilities(
    department: Department, successor: Department, now: datetime.datetime
) -> Sequence[MovedRecord]:
    link = ApprovalItem.supervision_departments.through
    items = list(_responsible_items(department, now).values_list("pk", "code"))
    already = set(
        link.objects.filter(
            department=successor, approvalitem_id__in=[pk for pk, _code in items]
        ).values_list("approvalitem_id", flat=True)
    )
    link.objects.bulk_create(
        [link(approvalitem_id=pk, department=successor) for pk, _code in items if pk not in already]
    )
    link.objects.filter(department=department).delete()
    return [MovedRecord("approvals.approvalitem", str(pk), {"item": code}) for pk, code in items]


def _describe_item(item: ApprovalItem) -> str:
    # People read item names; the catalog code is a slug, not an official item code.
    return str(item.name)


def register() -> None:
    register_open_work(
        OpenWorkKind(
            key="catalog",
            label=_("Catalog items it supervises"),
            open_work=_responsible_items,
            move=_move_responsibilities,
            describe=_describe_item,
        )
    )

"""Credit approval's to-do items: commitments to verify within 10 working days (R11) and
licences to revoke or dismiss (R12), for the approval department only."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.todo import (
    TODO_LIMIT,
    TodoAction,
    TodoBatch,
    TodoCount,
    TodoItem,
    capped_count,
    todo_provider_register,
)
from organizations.models import DepartmentKind
from organizations.scoping import Actor

from .models import RevocationRequest, RevocationState, Verification, VerificationState

VERIFICATION_DUE = gettext_lazy("Credit commitment to verify")
REVOCATION_OPEN = gettext_lazy("Licence to revoke or dismiss")


def credit_todo(actor: Actor, now: datetime.datetime) -> TodoBatch:
    department = actor.department
    batch = TodoBatch()
    if department.kind != DepartmentKind.APPROVAL:
        return batch
    verifications = Verification.objects.filter(
        department=department, state=VerificationState.PENDING
    )
    for verification in verifications.select_related(
        "licence__item", "licence__counterparty"
    ).order_by("deadline", "id")[:TODO_LIMIT]:
        url = reverse("credit:verification-detail", args=[verification.pk])
        licence = verification.licence
        batch.items.append(
            TodoItem(
                kind=str(VERIFICATION_DUE),
                title=f"{licence.item.name} · {licence.licence_no}",
                counterparty=licence.counterparty.name,
                deadline=verification.deadline,
                url=url,
                action=TodoAction(label=_("Verify"), url=url),
            )
        )
    revocations = RevocationRequest.objects.filter(
        department=department, state=RevocationState.OPEN
    )
    for request in revocations.select_related("licence__item", "licence__counterparty").order_by(
        "created_at", "id"
    )[:TODO_LIMIT]:
        url = reverse("credit:revocation-detail", args=[request.pk])
        batch.items.append(
            TodoItem(
                kind=str(REVOCATION_OPEN),
                title=f"{request.licence.item.name} · {request.licence.licence_no}",
                counterparty=request.licence.counterparty.name,
                deadline=None,
                url=url,
                action=TodoAction(label=_("Decide"), url=url),
            )
        )
    verifications_url = reverse("credit:verification-list")
    batch.counts += [
        TodoCount(
            str(VERIFICATION_DUE),
            capped_count(verifications),
            f"{verifications_url}?state={VerificationState.PENDING}",
        ),
        TodoCount(
            str(REVOCATION_OPEN),
            capped_count(revocations),
            f"{reverse('credit:revocation-list')}?state={RevocationState.OPEN}",
        ),
    ]
    return batch


def register() -> None:
    todo_provider_register("credit", credit_todo)

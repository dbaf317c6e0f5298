"""The supervision side's to-do items: licence letters the approval department decides, legacy
cases awaiting the supervision department's opinion or its check of a rectification (R8, R17)."""

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

from .models import CaseState, LegacyCase, LetterState, LicenceLetter

LETTER_TO_DECIDE = gettext_lazy("Licence letter to decide")
CASE_OPINION = gettext_lazy("Legacy case awaiting your opinion")
CASE_RECTIFICATION = gettext_lazy("Rectification to verify")


def supervision_todo(actor: Actor, now: datetime.datetime) -> TodoBatch:
    """Letters and cases carry no deadline: they come after every dated item, oldest first."""
    department = actor.department
    batch = TodoBatch()
    if department.kind == DepartmentKind.APPROVAL:
        letters = LicenceLetter.objects.filter(
            approval_department=department, state=LetterState.SUBMITTED
        )
        for letter in letters.select_related("department", "licence__counterparty").order_by(
            "sent_at", "id"
        )[:TODO_LIMIT]:
            url = reverse("supervision:letter-detail", args=[letter.pk])
            batch.items.append(
                TodoItem(
                    kind=str(LETTER_TO_DECIDE),
                    title=f"{letter.document_no} · {letter.get_action_display()}",
                    counterparty=f"{letter.licence.counterparty.name}（{letter.department.name}）",
                    deadline=None,
                    url=url,
                    action=TodoAction(label=_("Decide"), url=url),
                )
            )
        batch.counts.append(
            TodoCount(
                str(LETTER_TO_DECIDE),
                capped_count(letters),
                f"{reverse('supervision:letter-list')}?state={LetterState.SUBMITTED}",
            )
        )
        return batch
    case_url = reverse("supervision:case-list")
    for state, kind, label in (
        (CaseState.AWAITING_OPINION, CASE_OPINION, _("Give opinion")),
        (CaseState.RECTIFYING, CASE_RECTIFICATION, _("Verify rectification")),
    ):
        cases = LegacyCase.objects.filter(supervision_department=department, state=state)
        for case in cases.select_related("counterparty", "approval_department").order_by(
            "opened_at", "id"
        )[:TODO_LIMIT]:
            url = reverse("supervision:case-detail", args=[case.pk])
            batch.items.append(
                TodoItem(
                    kind=str(kind),
                    title=case.title,
                    counterparty=case.counterparty.name
                    if case.counterparty
                    else case.approval_department.name,
                    deadline=None,
                    url=url,
                    action=TodoAction(label=label, url=url),
                )
            )
        batch.counts.append(TodoCount(str(kind), capped_count(cases), f"{case_url}?state={state}"))
    return batch


def register() -> None:
    todo_provider_register("supervision", supervision_todo)

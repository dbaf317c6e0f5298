"""Dashboard cards of the supervision side; the dashboard view adds them to its own."""

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import PushState
from notifications.selectors import DashboardCard, pushes_inbox
from organizations.models import DepartmentKind
from organizations.scoping import Actor

from . import push_kinds, selectors
from .models import CaseState, LetterState


def supervision_dashboard_cards(*, actor: Actor) -> list[DashboardCard]:
    """A few indexed COUNTs: what waits for the actor's department on the supervision side."""
    department = actor.department
    if department is None:
        return []
    if department.kind == DepartmentKind.APPROVAL:
        inbox_url = reverse("notifications:inbox")
        to_claim = pushes_inbox(actor=actor).filter(
            state=PushState.PENDING,
            kind__in=[push_kinds.SUPERVISION_ACTION, push_kinds.LICENCE_LETTER],
        )
        letters = selectors.letters_to_review(actor=actor).filter(approval_department=department)
        restricted = (
            selectors.restricted_counterparties().order_by().values("counterparty").distinct()
        )
        return [
            DashboardCard(
                _("Supervision pushes to claim"),
                to_claim.count(),
                f"{inbox_url}?state=pending",
                alert=True,
            ),
            DashboardCard(
                _("Licence letters to review"),
                letters.count(),
                f"{reverse('supervision:letter-list')}?state={LetterState.SUBMITTED}",
                alert=True,
            ),
            DashboardCard(
                _("Counterparties under restricted or strict access"),
                restricted.count(),
                reverse("supervision:restricted-list"),
            ),
        ]
    if department.kind == DepartmentKind.SUPERVISION:
        letters = selectors.letters_visible(actor=actor).filter(
            department=department, state=LetterState.SUBMITTED
        )
        cases = selectors.cases_visible(actor=actor).filter(supervision_department=department)
        case_url = reverse("supervision:case-list")
        return [
            DashboardCard(
                _("Licence letters awaiting decision"),
                letters.count(),
                f"{reverse('supervision:letter-list')}?state={LetterState.SUBMITTED}",
            ),
            DashboardCard(
                _("Legacy cases awaiting your opinion"),
                cases.filter(state=CaseState.AWAITING_OPINION).count(),
                f"{case_url}?state={CaseState.AWAITING_OPINION}",
                alert=True,
            ),
            DashboardCard(
                _("Rectifications to verify"),
                cases.filter(state=CaseState.RECTIFYING).count(),
                f"{case_url}?state={CaseState.RECTIFYING}",
            ),
        ]
    return []

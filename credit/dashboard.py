"""Dashboard cards of credit approval; the dashboard view adds them to its own."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.selectors import DashboardCard
from organizations.models import DepartmentKind
from organizations.scoping import Actor

from . import selectors
from .models import RevocationState, VerificationState


def credit_dashboard_cards(
    *, actor: Actor, now: datetime.datetime | None = None
) -> list[DashboardCard]:
    """For the approval department: verifications due within 2 working days, overdue
    verifications and open revocation requests (three indexed COUNTs); nothing for others."""
    department = actor.department
    if department is None or department.kind != DepartmentKind.APPROVAL:
        return []
    now = now or timezone.now()
    verifications_url = reverse("credit:verification-list")
    open_revocations = selectors.revocations_visible(actor=actor).filter(
        department=department, state=RevocationState.OPEN
    )
    return [
        DashboardCard(
            _("Credit verifications due within 2 working days"),
            selectors.verifications_due_soon(actor=actor, now=now)
            .filter(department=department)
            .count(),
            f"{verifications_url}?state={VerificationState.PENDING}&overdue=no",
        ),
        DashboardCard(
            _("Overdue credit verifications"),
            selectors.verifications_overdue_open(actor=actor, now=now)
            .filter(department=department)
            .count(),
            f"{verifications_url}?state={VerificationState.PENDING}&overdue=yes",
            alert=True,
        ),
        DashboardCard(
            _("Licences to revoke or dismiss"),
            open_revocations.count(),
            f"{reverse('credit:revocation-list')}?state={RevocationState.OPEN}",
            alert=True,
        ),
    ]

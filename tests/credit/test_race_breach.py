"""Two departments reporting a breach of the same licence at once open one revocation
request: the partial unique constraint decides and the loser joins the open request."""

import pytest

from credit.models import RevocationRequest
from credit.services import breach_report
from organizations.scoping import actor_for_user
from tests.credit.test_races import _today_licence, run_together
from tests.factories import StaffFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_breach_reports_on_one_licence_open_one_revocation_request(
    require_postgres, decide, supervision_department, second_supervision_department
):
    licence = _today_licence(decide)
    reporters = [
        actor_for_user(StaffFactory(department=department).user)
        for department in (supervision_department, second_supervision_department)
    ]

    def report(actor):
        return lambda: breach_report(actor=actor, licence=licence, reason="发现虚假材料")

    errors = run_together(*(report(actor) for actor in reporters))

    assert RevocationRequest.objects.filter(licence=licence).count() == 1
    assert errors == []

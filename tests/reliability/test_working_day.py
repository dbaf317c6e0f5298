"""A working day through the services, committed for real; its audit chain verifies (the
suite's conftest verifies it again before pytest-django erases it)."""

from io import StringIO

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from audit.services import verify_chain
from notifications.models import Push, PushState

# Any database: committed for real, so also what runs on SQLite is checked.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_tasks")]


def test_a_simulated_working_day_leaves_a_long_verified_audit_chain():
    call_command("seed_demo", quiet_logins=True, stdout=StringIO())
    out = StringIO()
    call_command("simulate_day", decisions=30, seed=7, stdout=out)
    assert "模拟工作日完成" in out.getvalue(), out.getvalue()

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"licence.decide", "push.send", "push.claim", "push.feedback"} <= actions
    assert Push.objects.filter(state=PushState.CLAIMED).exists()
    assert Push.objects.filter(state=PushState.PENDING).exists()  # some wait for tomorrow
    assert AuditEvent.objects.count() > 100
    result = verify_chain()
    assert result.ok and result.checked == AuditEvent.objects.count()
    verified = StringIO()
    call_command("verify_audit", stdout=verified)
    assert "审计链完整" in verified.getvalue()


def test_a_second_day_continues_the_same_chain():
    call_command("seed_demo", quiet_logins=True, stdout=StringIO())
    call_command("simulate_day", decisions=10, seed=1, stdout=StringIO())
    first_day = AuditEvent.objects.count()
    call_command("simulate_day", decisions=10, seed=2, stdout=StringIO())
    assert AuditEvent.objects.count() > first_day
    assert verify_chain().ok

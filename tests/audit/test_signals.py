from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import verify_chain
from tests.audit.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_login_is_recorded(client: Client, staff_user: Any) -> None:
    response = client.post(
        reverse("login"), {"username": "audit-clerk", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor_id, event.actor_label) == (staff_user.pk, "audit-clerk")
    assert event.department_id == staff_user.membership.department_id
    assert (event.object_type, event.object_id) == ("auth.user", str(staff_user.pk))
    assert event.details == {"ip": "10.0.0.8"}


def test_a_logout_is_recorded(client: Client, staff_user: Any) -> None:
    client.force_login(staff_user)

    client.post(reverse("logout"))

    assert AuditEvent.objects.filter(action="auth.logout", actor=staff_user).count() == 1
    assert verify_chain().ok


def test_a_failed_login_is_recorded_without_the_password(staff_user: Any) -> None:
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.9")

    assert authenticate(request, username="audit-clerk", password="wrong-password") is None

    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.actor_id, event.actor_label, event.department_id) == (None, "anonymous", None)
    assert event.details == {"username": "audit-clerk", "ip": "10.0.0.9"}
    assert "wrong-password" not in str(event.details)

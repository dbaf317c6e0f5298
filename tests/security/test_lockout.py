"""Login lockout (GB/T 22239-2019 8.1.4.1 b): per username and address, per address across
usernames, per username across addresses; lifted from the admin; every lockout audited (R20).
Limits: the settings' defaults (pair 5, address 20, username 10 within 15 minutes)."""

import datetime
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.clients import sign_in
from tests.factories import UserFactory
from tests.security.helpers import PASSWORD, fail, login

pytestmark = pytest.mark.django_db

LOCKED = 429


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # Hundreds of logins: the slow production hasher is not what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _signed_in(response: Any) -> bool:
    return response.status_code == 302 and response.url == reverse("dashboard")


def test_a_right_password_signs_in(client: Client) -> None:
    UserFactory(username="clerk")
    assert _signed_in(login(client, "clerk", PASSWORD, "10.1.1.1"))


def test_five_wrong_passwords_lock_the_user_at_that_address_only() -> None:
    UserFactory(username="clerk")
    assert fail(Client(), "clerk", "10.1.1.1", 4).status_code == 200
    assert fail(Client(), "clerk", "10.1.1.1", 1).status_code == LOCKED
    assert login(Client(), "clerk", PASSWORD, "10.1.1.1").status_code == LOCKED
    # The pair lock does not reach the same user elsewhere.
    assert _signed_in(login(Client(), "clerk", PASSWORD, "10.1.1.2"))


def test_four_wrong_passwords_on_six_users_lock_the_address() -> None:
    for n in range(7):
        UserFactory(username=f"clerk{n}")
    for n in range(6):
        fail(Client(), f"clerk{n}", "10.2.2.2", 4)
    response = login(Client(), "clerk6", PASSWORD, "10.2.2.2")
    assert response.status_code == LOCKED
    page = response.content.decode()
    assert "该网络地址登录失败次数过多" in page
    assert "30 分钟" in page
    assert "clerk6" not in page
    # Another address is not affected.
    assert _signed_in(login(Client(), "clerk6", PASSWORD, "10.2.2.3"))


def test_the_address_is_not_locked_below_its_limit() -> None:
    for n in range(5):
        UserFactory(username=f"clerk{n}")
    for n in range(4):
        fail(Client(), f"clerk{n}", "10.2.2.2", 4)  # 16 failures
    assert _signed_in(login(Client(), "clerk4", PASSWORD, "10.2.2.2"))


def test_a_successful_login_does_not_clear_the_address_count() -> None:
    """An insider signing in to their own account between guesses at colleagues' accounts
    does not wipe the address's failures."""
    for n in range(7):
        UserFactory(username=f"clerk{n}")
    for n in range(3):
        fail(Client(), f"clerk{n}", "10.2.2.2", 4)
        assert _signed_in(login(Client(), "clerk6", PASSWORD, "10.2.2.2"))
    for n in range(3, 5):
        fail(Client(), f"clerk{n}", "10.2.2.2", 4)
    assert login(Client(), "clerk5", PASSWORD, "10.2.2.2").status_code == LOCKED


def test_wrong_passwords_from_many_addresses_lock_the_username() -> None:
    UserFactory(username="clerk")
    for n in range(5):
        fail(Client(), "clerk", f"10.3.3.{n}", 2)  # 10 failures, 2 per address
    response = login(Client(), "clerk", PASSWORD, "10.3.3.99")
    assert response.status_code == LOCKED
    page = response.content.decode()
    assert "该账户从多个网络地址登录失败次数过多" in page
    assert "15 分钟" in page


def test_the_username_lock_lifts_by_itself_after_its_shorter_window() -> None:
    UserFactory(username="clerk")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            fail(Client(), "clerk", f"10.3.3.{n}", 2)
        assert login(Client(), "clerk", PASSWORD, "10.3.3.99").status_code == LOCKED
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert _signed_in(login(Client(), "clerk", PASSWORD, "10.3.3.99"))


def test_the_username_lock_spares_an_address_the_user_signed_in_from() -> None:
    """An attacker who knows a clerk's user name cannot keep the clerk out of their office."""
    UserFactory(username="clerk")
    assert _signed_in(login(Client(), "clerk", PASSWORD, "10.9.9.9"))
    for n in range(5):
        fail(Client(), "clerk", f"10.3.3.{n}", 2)
    assert login(Client(), "clerk", PASSWORD, "10.3.3.99").status_code == LOCKED
    assert _signed_in(login(Client(), "clerk", PASSWORD, "10.9.9.9"))
    # That address is still held by the pair limit.
    fail(Client(), "clerk", "10.9.9.9", 5)
    assert login(Client(), "clerk", PASSWORD, "10.9.9.9").status_code == LOCKED


def test_the_pair_lock_page_is_in_chinese() -> None:
    UserFactory(username="clerk")
    response = fail(Client(), "clerk", "10.1.1.1", 5)
    assert response.status_code == LOCKED
    page = response.content.decode()
    assert "登录失败次数过多，账户已锁定 30 分钟" in page
    assert "Too many" not in page


@pytest.mark.parametrize(
    ("forwarded", "proxies", "counted_as"),
    [
        ("203.0.113.5", 0, "10.0.0.1"),
        ("203.0.113.5", 1, "203.0.113.5"),
        ("198.51.100.7, 203.0.113.5", 1, "203.0.113.5"),
        ("not-an-address", 1, "10.0.0.1"),
    ],
)
def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    settings: Any, forwarded: str, proxies: int, counted_as: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    UserFactory(username="clerk")
    login(Client(), "clerk", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [counted_as]


def test_every_lockout_is_audited_once() -> None:
    for n in range(6):
        UserFactory(username=f"clerk{n}")
    fail(Client(), "clerk0", "10.1.1.1", 7)  # locked at the 5th, refused twice more
    for n in range(1, 6):
        fail(Client(), f"clerk{n}", "10.2.2.2", 4)
    events = list(
        AuditEvent.objects.filter(action="login.locked_out")
        .order_by("id")
        .values_list("details", flat=True)
    )
    assert events == [
        {"username": "clerk0", "ip_address": "10.1.1.1", "scope": "pair"},
        {"username": "clerk5", "ip_address": "10.2.2.2", "scope": "address"},
    ]


def _admin_client() -> Client:
    admin = UserFactory(username="platform-admin", is_staff=True, is_superuser=True)
    client = Client()
    sign_in(client, admin)
    return client


@pytest.mark.parametrize(
    ("model", "changelist"),
    [
        (AccessAttempt, "admin:axes_accessattempt_changelist"),
        (AccessFailureLog, "admin:axes_accessfailurelog_changelist"),
    ],
)
def test_an_admin_unlocks_from_the_admin_and_it_is_audited(model: Any, changelist: str) -> None:
    for n in range(7):
        UserFactory(username=f"clerk{n}")
    for n in range(6):
        fail(Client(), f"clerk{n}", "10.2.2.2", 4)
    assert login(Client(), "clerk6", PASSWORD, "10.2.2.2").status_code == LOCKED
    admin = _admin_client()
    entry = model.objects.filter(username="clerk0").first()
    response = admin.post(
        reverse(changelist), {"action": "unlock", "_selected_action": [entry.pk]}, follow=True
    )
    assert "所选用户和地址的登录锁定已解除" in response.content.decode()
    assert _signed_in(login(Client(), "clerk6", PASSWORD, "10.2.2.2"))
    event = AuditEvent.objects.get(action="login.unlocked")
    assert event.actor.username == "platform-admin"
    assert event.details == {"username": "clerk0", "ip_address": "10.2.2.2"}


def test_the_unlock_action_is_offered_in_chinese() -> None:
    UserFactory(username="clerk")
    fail(Client(), "clerk", "10.1.1.1", 1)
    page = _admin_client().get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "解除所选用户和地址的登录锁定" in page
